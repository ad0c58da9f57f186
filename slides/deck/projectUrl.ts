// Fills the Thanks slide's address when the talk's front matter names no link: the deck's own address, never a guess.
import type { JoinInfo } from '../../model/index.ts';

type Place = Pick<Location, 'origin' | 'pathname' | 'protocol' | 'hostname'>;

/** Where this deck is served from, without the query (it may hold the presenter token) or the slide's hash. */
export function deckAddress(location: Place): string {
  const page = location.pathname.replace(/index\.html$/, '');
  return location.protocol === 'file:' ? `file://${page}` : `${location.origin}${page}`;
}

const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\])$/;

function show(doc: Document, address: string): void {
  for (const a of doc.querySelectorAll<HTMLAnchorElement>('a[data-deck-address]')) {
    a.href = address;
    a.textContent = address.replace(/^https?:\/\//, '');
    a.rel = 'noopener';
  }
}

/**
 * The deck's own address; on the presenter's laptop (a loopback address nobody else can open) the
 * live server's public one instead, the address phones join by (PUBLIC_URL or the LAN address).
 */
export function fillDeckAddress(doc: Document, location: Place, live: boolean): void {
  show(doc, deckAddress(location));
  if (!live || !LOOPBACK.test(location.hostname) || !doc.querySelector('a[data-deck-address]')) return;
  void fetch(new URL('api/audience/join-info', `${location.origin}${location.pathname}`), { cache: 'no-store' })
    .then((res) => (res.ok ? (res.json() as Promise<JoinInfo>) : null))
    .then((info) => {
      if (info?.url) show(doc, new URL('./', info.url).href);
    })
    .catch(() => undefined); // the loopback address stays: true, if only for this laptop
}
