// What this copy of the deck is for, read once from its URL and page: presenting, speaker-view copy, print, self-study.

export interface DeckMode {
  /** One of the speaker view's preview copies (`?receiver`): shows slides, never acts. */
  receiver: boolean;
  /** Print/PDF layout (`?print-pdf`): every slide laid out at once, notes on their own pages. */
  print: boolean;
  /** The page came from the live server (it adds a meta mark); a static host means self-study. */
  servedLive: boolean;
  /** Presenter token from `?token=`, passed on to live parts for presenter-only actions. */
  presenterToken: string | undefined;
  /** The reader asked the system for less motion. */
  reducedMotion: boolean;
}

export function readDeckMode(location: Location, doc: Document, win: Window): DeckMode {
  const params = new URLSearchParams(location.search);
  return {
    receiver: params.has('receiver'),
    print: /print-pdf/i.test(location.search),
    servedLive: doc.querySelector('meta[name="deck-server"][content="live"]') !== null,
    presenterToken: params.get('token') || undefined,
    reducedMotion: win.matchMedia('(prefers-reduced-motion: reduce)').matches,
  };
}
