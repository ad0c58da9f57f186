// The Demo slide's live part: the presenter's trace pinned on the stage, the audience in a lane beside it, hole switches that prove each plug.
import { createActor } from 'xstate';
import { holeCatalog } from '../../model/index.ts';
import type { JaegerTrace } from '../../model/index.ts';
import { createJoinPanel, type JoinPanel } from '../../join/browser/index.ts';
import { createTraceViewer } from '../../viewer/index.ts';
import { createComparePanel } from './comparePanel.ts';
import { createCrowdPanel } from './crowdPanel.ts';
import { createDemoFlowMachine, type DemoFlowActor, type DemoFlowSnapshot } from './demoFlow.ts';
import { createDemoGuide } from './demoGuide.ts';
import { el, guardInput, setText } from './dom.ts';
import { presenterPhase, statusLine } from './flowStatus.ts';
import { createHoleSwitches } from './holeSwitches.ts';
import type { RequestPattern } from './holePattern.ts';
import { patternWords } from './proofVerdict.ts';
import type { LiveContext, LivePart } from './index.ts';
import { mountRecordingReplay } from './recordingPanel.ts';
import { createRoomHoldClient } from './roomHold.ts';
import { sourceFor } from './sourceFor.ts';
import './demoSlide.css';

const ZOOMS = [1, 1.33, 1.5, 1.75, 2];
/** The smallest text on the slide (the viewer's 0.9 em at 18 px) must read at least this large on screen. */
const MIN_SCREEN_TEXT_PX = 16;
const SMALLEST_TEXT_CSS_PX = 18 * 0.9;
/** The deck's slide height, the demo's own height inside it, and the gap it keeps to the window's edge when it grows. */
const SLIDE_HEIGHT_PX = 720;
const SLIDE_DEMO_PX = 704;
const WINDOW_MARGIN_CSS_PX = 12;
const lockHole = holeCatalog.find((h) => h.id === 'lock-contention')!;

function deckScale(): number {
  const reveal = (window as { Reveal?: { getScale?: () => number } }).Reveal;
  return reveal?.getScale?.() ?? 1;
}

/**
 * The viewer's findings band holds the top two findings whole, their titles wrapped (a cut title hides the
 * number the room needs), and the rest a scroll away; refitted as findings arrive and the stage resizes.
 */
function fitFindingsBand(viewerHost: HTMLElement): () => void {
  const band = viewerHost.querySelector<HTMLElement>('.tv-findings');
  if (!band) return () => undefined;
  const fit = () => {
    const items = band.querySelectorAll<HTMLElement>('.tv-finding');
    const last = items[Math.min(items.length, 2) - 1];
    if (!last || band.offsetHeight === 0) return;
    const box = band.getBoundingClientRect();
    const scale = box.height / band.offsetHeight || 1; // reveal.js scales the slide
    const pad = parseFloat(getComputedStyle(band).paddingBottom) || 0;
    band.style.maxHeight = `${Math.ceil((last.getBoundingClientRect().bottom - box.top) / scale + band.scrollTop + pad)}px`;
  };
  const changes = new MutationObserver(fit);
  changes.observe(band, { childList: true, subtree: true, attributes: true, attributeFilter: ['hidden'] });
  const sizes = new ResizeObserver(fit);
  sizes.observe(viewerHost);
  return () => {
    changes.disconnect();
    sizes.disconnect();
  };
}

function mountDemo(host: HTMLElement, ctx: LiveContext, actor: DemoFlowActor): () => void {
  const sendButton = el('button', { type: 'button', class: 'demo-send' }, 'Send a request');
  const burstButton = el(
    'button',
    { type: 'button', class: 'demo-burst', title: `Sends ${patternWords(lockHole)}` },
    `Burst of ${lockHole.pattern.count} ${lockHole.pattern.kind}`,
  );
  const status = el('p', { class: 'demo-status', role: 'status', 'aria-live': 'polite' });
  const pinButton = el('button', { type: 'button', class: 'demo-pin', hidden: '' });
  const zoomOut = el('button', { type: 'button', class: 'demo-zoom-out', 'aria-label': 'Smaller' }, 'A−');
  const zoomIn = el('button', { type: 'button', class: 'demo-zoom-in', 'aria-label': 'Larger' }, 'A+');
  const viewerHost = el('div', { class: 'demo-viewer' });
  const compareHost = el('div', { class: 'demo-compare', hidden: '' });
  const side = el('aside', { class: 'demo-side' });
  const joinHost = el('div', { class: 'demo-join' });
  const root = el(
    'div',
    { class: 'demo-slide' },
    el(
      'div',
      { class: 'demo-bar' },
      sendButton,
      burstButton,
      status,
      pinButton,
      el('div', { class: 'demo-zoom', role: 'group', 'aria-label': 'Presenter zoom' }, zoomOut, zoomIn),
    ),
    el('div', { class: 'demo-main' }, el('div', { class: 'demo-stage' }, viewerHost, compareHost), side),
  );
  host.append(root);
  const releaseInput = guardInput(host);

  const viewer = createTraceViewer(viewerHost, { onSelectSpan: (id) => id && actor.send({ type: 'PIN' }) });
  const unfitBand = fitFindingsBand(viewerHost);
  const compare = createComparePanel(compareHost, () => actor.send({ type: 'DISMISS_COMPARISON' }));
  const crowd = createCrowdPanel((traceID) => actor.send({ type: 'OPEN_TRACE', traceID }));
  side.append(crowd.element, joinHost);

  const send = (kind: 'normal' | 'slow', count: number) => actor.send({ type: 'SEND', kind, count });
  const sendPattern = (pattern: RequestPattern) => actor.send({ type: 'SEND', kind: pattern.kind, count: pattern.count, pattern });
  const holes = ctx.presenterToken ? createHoleSwitches((holeId) => actor.send({ type: 'SWITCH', holeId })) : undefined;
  const guide = ctx.presenterToken ? createDemoGuide(sendPattern) : undefined;
  // Presenter-only rows under the buttons: the side column has no room for five switches.
  const main = root.querySelector('.demo-main');
  if (holes) root.insertBefore(holes.element, main);
  if (guide) root.insertBefore(guide.element, main);

  let join: JoinPanel | undefined;
  try {
    join = createJoinPanel(joinHost, { apiBase: ctx.apiBase });
  } catch (e) {
    joinHost.textContent = `The join panel could not start (${e instanceof Error ? e.message : String(e)}).`;
  }

  // Zoom: by hand with A−/A+, else the smallest step at which the smallest text reads 16 px on this screen.
  let zoomIndex = 0;
  let zoomByHand = false;
  const applyZoom = () => {
    const z = ZOOMS[zoomIndex]!;
    root.style.setProperty('--demo-zoom', String(z));
    root.dataset.zoom = String(z);
    viewer.setZoom(z);
    compare.setZoom(z);
    zoomOut.disabled = zoomIndex === 0;
    zoomIn.disabled = zoomIndex === ZOOMS.length - 1;
    (window as { Reveal?: { layout?: () => void } }).Reveal?.layout?.();
  };
  // On a screen taller than 16:9 reveal.js letterboxes the slide: the demo grows into that band
  // (the section then starts at the slide's top, and a shift centres the demo in the window).
  const fitHeight = () => {
    const scale = deckScale();
    const windowCss = window.innerHeight / scale;
    const height = Math.max(SLIDE_DEMO_PX, Math.floor(windowCss - 2 * WINDOW_MARGIN_CSS_PX));
    root.style.height = `${height}px`;
    root.style.transform =
      height > SLIDE_DEMO_PX ? `translateY(${-Math.round((windowCss - SLIDE_HEIGHT_PX) / 2 - WINDOW_MARGIN_CSS_PX)}px)` : '';
  };
  const autoZoom = () => {
    fitHeight();
    if (zoomByHand) return;
    const scale = deckScale();
    const fit = ZOOMS.findIndex((z) => SMALLEST_TEXT_CSS_PX * z * scale >= MIN_SCREEN_TEXT_PX - 0.01);
    const want = fit < 0 ? ZOOMS.length - 1 : fit;
    if (want !== zoomIndex) {
      zoomIndex = want;
      applyZoom();
    }
  };
  zoomOut.addEventListener('click', () => {
    zoomByHand = true;
    zoomIndex = Math.max(0, zoomIndex - 1);
    applyZoom();
  });
  zoomIn.addEventListener('click', () => {
    zoomByHand = true;
    zoomIndex = Math.min(ZOOMS.length - 1, zoomIndex + 1);
    applyZoom();
  });
  applyZoom();
  autoZoom();
  const reveal = (window as { Reveal?: { on?: (e: string, f: () => void) => void; off?: (e: string, f: () => void) => void } }).Reveal;
  reveal?.on?.('resize', autoZoom);
  window.addEventListener('resize', autoZoom);

  sendButton.addEventListener('click', () => send('normal', 1));
  // The lock's whole pattern, lead included: a bare burst's first order finds the connection free.
  burstButton.addEventListener('click', () => sendPattern(lockHole.pattern));
  pinButton.addEventListener('click', () => actor.send({ type: actor.getSnapshot().context.stage.pinned ? 'UNPIN' : 'PIN' }));

  let shown: JaegerTrace | null = null;
  let idleMessage = '';
  let compared: unknown = null;
  const render = (s: DemoFlowSnapshot) => {
    const c = s.context;
    const phase = presenterPhase(s);
    host.dataset.demoState = phase;
    host.dataset.mesh = c.mesh?.state ?? 'unknown';
    host.dataset.stream = c.stream;
    host.dataset.pinned = String(c.stage.pinned);
    const line = statusLine(s);
    setText(status, line.text);
    status.dataset.tone = line.tone;
    const busy = phase === 'requesting' || phase === 'proving' || phase === 'switching';
    const usable = c.mesh !== null && c.mesh.state !== 'offline';
    sendButton.disabled = busy || !usable;
    burstButton.disabled = busy || !usable;
    pinButton.hidden = !c.stage.trace || Boolean(c.comparison);
    setText(pinButton, c.stage.pinned ? 'Unpin' : 'Pin');
    pinButton.title = c.stage.pinned ? 'Let the audience’s traces take the stage again' : 'Keep this trace on the stage';

    const t = c.stage.trace;
    if (t !== shown) {
      const fresh = t?.traceID !== shown?.traceID;
      shown = t;
      if (t) {
        viewer.show(t);
        host.dataset.traceId = t.traceID;
        host.dataset.spanCount = String(t.spans.length);
        if (c.stage.origin === 'ours') ctx.latestTrace.remember(t);
        // A failed request: the span where it started failing is marked, and opened for our own.
        if (c.stage.failureSpan) {
          viewer.highlightSpans([c.stage.failureSpan]);
          viewer.revealSpan(c.stage.failureSpan);
          if (fresh && c.stage.origin === 'ours') viewer.selectSpan(c.stage.failureSpan);
        }
        if (fresh) {
          viewerHost.removeAttribute('data-arrived');
          void viewerHost.offsetWidth; // restart the arrival animation for each new trace
          viewerHost.setAttribute('data-arrived', '');
        }
      } else {
        delete host.dataset.traceId;
      }
    }
    if (!shown) {
      const message =
        c.mesh?.state === 'offline'
          ? 'No trace: the mesh is not running here (see above).'
          : phase === 'requesting'
            ? 'Waiting for your request…'
            : 'Press “Send a request”: its trace appears here by itself.';
      if (message !== idleMessage) {
        idleMessage = message;
        viewer.clear(message);
      }
    }
    // Attendees cannot take part without a mesh: the join panel steps aside instead of inviting them.
    joinHost.hidden = c.mesh?.state === 'offline';
    crowd.update({ crowd: c.crowd, points: c.points, switches: c.switches, findings: c.findings, now: c.now() });
    holes?.update(c.holes, c.proving?.holeId ?? (phase === 'switching' ? '' : null), c.holeProblem);
    guide?.update(new Set(c.holes.filter((h) => h.plugged).map((h) => h.id)));
    if (c.comparison !== compared) {
      compared = c.comparison;
      if (c.comparison) compare.show(c.comparison);
      compareHost.hidden = !c.comparison;
      viewerHost.hidden = Boolean(c.comparison);
      root.classList.toggle('demo-comparing', Boolean(c.comparison));
      if (c.comparison) compare.reveal(c.comparison);
    }
  };
  const sub = actor.subscribe(render);
  actor.send({ type: 'ENTER' });
  render(actor.getSnapshot());

  return () => {
    // Leaving stops the children (stream, mesh watch, timers); the machine keeps the story for the way back.
    actor.send({ type: 'LEAVE' });
    sub.unsubscribe();
    window.removeEventListener('resize', autoZoom);
    reveal?.off?.('resize', autoZoom);
    holes?.destroy();
    guide?.destroy();
    join?.destroy();
    crowd.destroy();
    compare.destroy();
    unfitBand();
    viewer.destroy();
    releaseInput();
    root.remove();
    for (const k of ['demoState', 'mesh', 'stream', 'traceId', 'spanCount', 'pinned']) delete host.dataset[k];
  };
}

/** One part per deck: its flow machine lives as long as the page, so a trip to another slide and back keeps the story. */
export function createDemoSlide(): LivePart {
  let session: { actor: DemoFlowActor; key: string } | undefined;
  let teardown: (() => void) | undefined;
  return {
    mount(host, ctx) {
      teardown?.();
      const source = sourceFor(ctx);
      if (!source) {
        teardown = mountRecordingReplay(host, 'demo');
        return;
      }
      const key = `${ctx.apiBase}\n${ctx.presenterToken ?? ''}`;
      if (session?.key !== key) {
        session?.actor.stop();
        const room = ctx.presenterToken ? createRoomHoldClient(ctx.apiBase, ctx.presenterToken) : null;
        session = { actor: createActor(createDemoFlowMachine(source, room), { input: {} }).start(), key };
      }
      teardown = mountDemo(host, ctx, session.actor);
    },
    unmount() {
      teardown?.();
      teardown = undefined;
    },
  };
}
