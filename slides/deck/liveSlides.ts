// Mounts the live part of the current slide (section[data-live]) and unmounts the previous one as the deck moves.
import type { RevealApi } from 'reveal.js';
import type { LiveContext, LivePart, LivePartFactory } from '../live/index.ts';

interface Mounted {
  section: HTMLElement;
  host: HTMLElement;
  part: LivePart;
  /** The host was added by the deck (the slide had no [data-live-host]) and goes away with the part. */
  ownHost: boolean;
}

/**
 * Where a part draws: the slide's own `[data-live-host]` element when the author placed one
 * (e.g. over a diagram), else a fresh `.live-host` at the end of the slide. The host carries
 * data-prevent-swipe so reveal.js leaves touches on the part alone.
 */
function hostFor(section: HTMLElement): { host: HTMLElement; ownHost: boolean } {
  const authored = section.querySelector<HTMLElement>('[data-live-host]');
  const host = authored ?? section.ownerDocument.createElement('div');
  if (!authored) {
    host.className = 'live-host';
    section.appendChild(host);
  }
  host.setAttribute('data-prevent-swipe', '');
  return { host, ownHost: !authored };
}

/**
 * Keeps exactly one live part mounted: the current slide's. A part that throws on mount
 * leaves a plain message on its slide instead of breaking the deck.
 */
export function connectLiveSlides(
  deck: RevealApi,
  parts: Record<string, LivePartFactory>,
  ctx: LiveContext,
): { sync(): void; stop(): void } {
  let mounted: Mounted | undefined;
  // Each part is made once and then mounted and unmounted as its slide comes and goes, so what it
  // keeps (the Demo slide's flow machine) outlives a trip to another slide.
  const made = new Map<string, LivePart>();

  const unmount = () => {
    if (!mounted) return;
    const { part, host, ownHost, section } = mounted;
    mounted = undefined;
    try {
      part.unmount();
    } catch (e) {
      console.error(`live part "${section.dataset.live}" failed to unmount:`, e);
    }
    host.removeAttribute('data-live-state');
    if (ownHost) host.remove();
  };

  const sync = () => {
    const section = deck.getCurrentSlide() as HTMLElement | undefined;
    if (mounted && mounted.section === section) return;
    unmount();
    const name = section?.dataset.live;
    const factory = name ? parts[name] : undefined;
    if (!section || !name || !factory) return;
    const { host, ownHost } = hostFor(section);
    try {
      const part = made.get(name) ?? factory();
      made.set(name, part);
      part.mount(host, ctx);
      mounted = { section, host, part, ownHost };
      host.setAttribute('data-live-state', 'mounted');
    } catch (e) {
      console.error(`live part "${name}" failed to mount:`, e);
      const notice = section.ownerDocument.createElement('p');
      notice.className = 'live-failed';
      notice.textContent = `The live part of this slide could not start (${e instanceof Error ? e.message : String(e)}).`;
      host.appendChild(notice);
      host.setAttribute('data-live-state', 'failed');
      // Tracked like a part so that leaving the slide clears the notice too.
      mounted = { section, host, ownHost, part: { mount() {}, unmount: () => notice.remove() } };
    }
  };

  deck.on('ready', sync);
  deck.on('slidechanged', sync);
  return {
    sync,
    stop() {
      deck.off('ready', sync);
      deck.off('slidechanged', sync);
      unmount();
    },
  };
}
