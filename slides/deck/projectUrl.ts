// Fills the deck's links to the project with the address package.json gives (homepage, else repository), so there is one source for it.
import { homepage, repository } from '../../package.json';

/** The project's web address, without a "#readme" anchor or a "git+" prefix. */
export function projectUrl(): string | undefined {
  const raw = homepage ?? (typeof repository === 'string' ? repository : repository?.url);
  return raw?.replace(/^git\+/, '').replace(/\.git$/, '').replace(/#readme$/, '');
}

export function fillProjectLinks(doc: Document): void {
  const url = projectUrl();
  if (!url) return;
  for (const a of doc.querySelectorAll<HTMLAnchorElement>('a[data-project-url]')) {
    a.href = url;
    a.textContent = url.replace(/^https?:\/\//, '');
    a.rel = 'noopener';
  }
}
