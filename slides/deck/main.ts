// Browser entry of the deck: starts reveal.js on the slides compiled into index.html, with notes, self-study mode and live parts.
import 'reveal.js/reset.css';
import 'reveal.js/reveal.css';
import './theme.css';
import './notes.css';
import Reveal, { type RevealApi, type RevealConfig } from 'reveal.js';
import Notes from 'reveal.js/plugin/notes';
import { createLatestTrace, liveParts, mountPrintParts, type LivePartFactory } from '../live/index.ts';
import { readDeckMode, recordingsToggled } from './deckMode.ts';
import { connectLiveSlides } from './liveSlides.ts';
import { fillDeckAddress } from './projectUrl.ts';
import { revealMayTakeKey } from './revealKeys.ts';
import { mountSelfStudyToggle } from './selfStudyToggle.ts';

declare global {
  interface Window {
    /** The deck (the design's contract: tests and plugins drive it). */
    Reveal: RevealApi;
    /** The live-part registry this deck mounts from (tests register probe parts here). */
    deckLiveParts: Record<string, LivePartFactory>;
  }
}

const mode = readDeckMode(window.location, document, window);
// `npm run dev` proxies /api to a running `npm start`, so the dev deck counts as live too.
// Plan B (`?recordings`, or R) replays the recordings on a live server too, when the mesh will not start.
const selfStudy = !mode.servedLive && !import.meta.env.DEV;
const offline = selfStudy || mode.recordings;
const motion = mode.reducedMotion ? 'none' : 'fade';

const config: RevealConfig = {
  width: 1280,
  height: 720,
  margin: 0.05,
  hash: true,
  slideNumber: 'c/t',
  showSlideNumber: 'all',
  controls: true,
  progress: true,
  overview: true,
  touch: true,
  transition: motion,
  backgroundTransition: motion,
  transitionSpeed: 'fast',
  keyboardCondition: revealMayTakeKey,
  // R: plan B and back — the same slide reloaded with the recordings on the live slides (or live again).
  keyboard: { 82: () => window.location.assign(recordingsToggled(window.location.href)) },
  // Print carries the spoken talk: each slide's notes on a page of their own. reveal.js
  // accepts 'separate-page' here although its typings only say boolean. A static copy is read
  // alone, so there the notes sit beside each slide from the start (?showNotes=false hides them).
  showNotes: (mode.print ? 'separate-page' : selfStudy) as boolean,
  pdfSeparateFragments: false,
  plugins: [Notes],
};

window.Reveal = Reveal;
window.deckLiveParts = liveParts;
document.documentElement.classList.toggle('deck-receiver', mode.receiver);

// On paper the live slides show their recordings, laid out before reveal.js counts the pages.
if (mode.print) mountPrintParts(document);

if (!mode.receiver && !mode.print) {
  connectLiveSlides(Reveal, liveParts, { presenterToken: mode.presenterToken, apiBase: '', offline, latestTrace: createLatestTrace() });
}

// The print layout may clone slides after initialize() has settled: the address is written into those too when it is done.
let showAddressAgain = () => {};
if (mode.print) Reveal.on('pdf-ready', () => showAddressAgain());

void Reveal.initialize(config).then(() => {
  // Once reveal.js has laid the slides out (print moves them into pages), so the address lands in the final page.
  showAddressAgain = fillDeckAddress(document, window.location, !offline && !mode.receiver);
  if (!mode.receiver && !mode.print) mountSelfStudyToggle(Reveal, document, window, { notesByDefault: selfStudy });
});
