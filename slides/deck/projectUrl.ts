// Fills the Thanks slide's address when the talk's front matter names no link: the deck's own address, never a guess.

/** Where this deck is served from, without the query (it may hold the presenter token) or the slide's hash. */
export function deckAddress(location: Pick<Location, 'origin' | 'pathname' | 'protocol'>): string {
  const page = location.pathname.replace(/index\.html$/, '');
  return location.protocol === 'file:' ? `file://${page}` : `${location.origin}${page}`;
}

export function fillDeckAddress(doc: Document, location: Pick<Location, 'origin' | 'pathname' | 'protocol'>): void {
  const address = deckAddress(location);
  for (const a of doc.querySelectorAll<HTMLAnchorElement>('a[data-deck-address]')) {
    a.href = address;
    a.textContent = address.replace(/^https?:\/\//, '');
    a.rel = 'noopener';
  }
}
