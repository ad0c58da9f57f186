// What this copy of the deck is for, read once from its URL and page: presenting, speaker-view copy, print, self-study.

export interface DeckMode {
  /** One of the speaker view's preview copies (`?receiver`): shows slides, never acts. */
  receiver: boolean;
  /** Print/PDF layout (`?print-pdf`): every slide laid out at once, notes on their own pages. */
  print: boolean;
  /** The page came from the live server (it adds a meta mark); a static host means self-study. */
  servedLive: boolean;
  /** Presenter token from `?token=` (then kept in session storage, out of the address bar), passed on to live parts for presenter-only actions. */
  presenterToken: string | undefined;
  /** The reader asked the system for less motion. */
  reducedMotion: boolean;
  /** Plan B (`?recordings`): the live slides replay the recordings even with a server behind the deck. */
  recordings: boolean;
}

export function readDeckMode(location: Location, doc: Document, win: Window): DeckMode {
  const params = new URLSearchParams(location.search);
  return {
    receiver: params.has('receiver'),
    print: /print-pdf/i.test(location.search),
    servedLive: doc.querySelector('meta[name="deck-server"][content="live"]') !== null,
    presenterToken: takePresenterToken(params, win),
    reducedMotion: win.matchMedia('(prefers-reduced-motion: reduce)').matches,
    recordings: params.has('recordings'),
  };
}

/** The same slide with the recordings switched on or off: plan B and back, one key (R) away. */
export function recordingsToggled(href: string): string {
  const url = new URL(href);
  if (url.searchParams.has('recordings')) url.searchParams.delete('recordings');
  else url.searchParams.set('recordings', '');
  return url.href.replace(/recordings=(?=&|#|$)/, 'recordings');
}

const TOKEN_KEY = 'pph.presenter-token';

/**
 * The token printed by `npm start` arrives as `?token=`: it is moved to this tab's session storage
 * and taken out of the address bar at once, so it never shows on the projector, never reaches the
 * speaker view's frame URLs, and a reload still finds it. The speaker view's window starts with a
 * copy of this tab's session storage, so it has the token without any URL carrying it.
 */
function takePresenterToken(params: URLSearchParams, win: Window): string | undefined {
  const fromUrl = params.get('token') || undefined;
  let storage: Storage | undefined;
  try {
    storage = win.sessionStorage;
  } catch {
    // Storage blocked (privacy mode): the token still works for this page view.
  }
  if (fromUrl !== undefined) {
    try {
      storage?.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // Quota or privacy mode: nothing to keep.
    }
    const url = new URL(win.location.href);
    url.searchParams.delete('token');
    win.history.replaceState(win.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage?.getItem(TOKEN_KEY) || undefined;
}
