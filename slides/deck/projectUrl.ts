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
export function fillDeckAddress(doc: Document, location: Place, live: boolean): () => void {
  let address = deckAddress(location);
  show(doc, address);
  // Links added later (reveal.js's print layout clones a slide per fragment step, out of the page until it is done) get it too.
  const again = () => show(doc, address);
  if (!live || !LOOPBACK.test(location.hostname) || !doc.querySelector('a[data-deck-address]')) return again;
  void askJoinInfo(new URL('api/audience/join-info', `${location.origin}${location.pathname}`)).then((info) => {
    if (!info?.url) return;
    address = new URL('./', info.url).href;
    show(doc, address);
  });
  return again;
}

/** The join address, asked a few times: a busy server at the moment the deck opens must not leave the loopback address on the Thanks slide. */
async function askJoinInfo(url: URL, tries = 5): Promise<JoinInfo | null> {
  for (let i = 0; i < tries; i++) {
    try {
      const res = await fetch(url, { cache: 'no-store', signal: AbortSignal.timeout(2_000) });
      if (res.ok) return (await res.json()) as JoinInfo;
    } catch {
      // offline or stalled for a moment: try again below
    }
    await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** i));
  }
  return null; // the loopback address stays: true, if only for this laptop
}
