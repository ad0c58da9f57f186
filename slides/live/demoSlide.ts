// The Demo slide's live part: request buttons, the trace arriving by itself, latency chart, before/after, presenter switches.
import { createActor } from 'xstate';
import type { JaegerTrace } from '../../model/jaegerJson.ts';
import { createJoinPanel, type JoinPanel } from '../../join/joinPanel.ts';
import { createTraceViewer } from '../../viewer/index.ts';
import { createDemoFlowMachine, memoryOf, type DemoFlowMemory, type DemoFlowSnapshot } from './demoFlow.ts';
import { el, guardInput, setText } from './dom.ts';
import { requestPhase, statusLine } from './flowStatus.ts';
import { createHoleSwitches } from './holeSwitches.ts';
import type { LiveContext, LivePart } from './index.ts';
import { livePartFrom } from './partLifecycle.ts';
import { createLatencyPanel } from './latencyPanel.ts';
import { createComparePanel } from './comparePanel.ts';
import { rememberTrace } from './latestTrace.ts';
import { mountRecordingReplay } from './recordingPanel.ts';
import { traceAttendee } from './traceFacts.ts';
import { sourceFor } from './sourceFor.ts';
import './demoSlide.css';

const ZOOMS = [1, 1.25, 1.5, 1.75, 2];

/** The trace and chart survive a trip to another slide and back (the page keeps them, not the server). */
let remembered: DemoFlowMemory | undefined;

function captionFor(s: DemoFlowSnapshot, trace: JaegerTrace): string {
  const c = s.context;
  if (c.shownOrigin === 'ours') {
    const n = c.lastResults.length;
    return n > 1 ? `Slowest of your ${n}` : 'Your request';
  }
  const who = traceAttendee(trace);
  return who ? `From ${who}` : 'From elsewhere (not sent from this slide)';
}

function mountDemo(host: HTMLElement, ctx: LiveContext): () => void {
  const source = sourceFor(ctx);
  if (!source) return mountRecordingReplay(host, 'demo');

  const sendButton = el('button', { type: 'button', class: 'demo-send' }, 'Send a request');
  const burstButton = el('button', { type: 'button', class: 'demo-burst' }, 'Burst of 10 slow');
  const status = el('p', { class: 'demo-status', role: 'status', 'aria-live': 'polite' });
  const zoomOut = el('button', { type: 'button', class: 'demo-zoom-out', 'aria-label': 'Smaller' }, 'A−');
  const zoomIn = el('button', { type: 'button', class: 'demo-zoom-in', 'aria-label': 'Larger' }, 'A+');
  const viewerHost = el('div', { class: 'demo-viewer' });
  const compareHost = el('div', { class: 'demo-compare', hidden: '' });
  const side = el('aside', { class: 'demo-side' });
  const chartHost = el('div', { class: 'demo-chart' });
  const joinHost = el('div', { class: 'demo-join' });
  const root = el(
    'div',
    { class: 'demo-slide' },
    el('div', { class: 'demo-bar' }, sendButton, burstButton, status, el('div', { class: 'demo-zoom', role: 'group', 'aria-label': 'Presenter zoom' }, zoomOut, zoomIn)),
    el('div', { class: 'demo-main' }, el('div', { class: 'demo-stage' }, viewerHost, compareHost), side),
  );
  side.append(chartHost);
  host.append(root);
  const releaseInput = guardInput(host);

  const viewer = createTraceViewer(viewerHost);
  const chart = createLatencyPanel(chartHost);
  const compare = createComparePanel(compareHost, () => actor.send({ type: 'DISMISS_COMPARISON' }));

  const actor = createActor(createDemoFlowMachine(source), { input: { resume: remembered } });

  const holes = ctx.presenterToken
    ? createHoleSwitches(source, (hole, at) => actor.send({ type: 'HOLE_SWITCHED', holeId: hole.id, title: hole.title, plugged: hole.plugged, at }))
    : undefined;
  // Presenter-only row under the buttons: the side column has no room for five switches.
  if (holes) root.insertBefore(holes.element, root.querySelector('.demo-main'));

  side.append(joinHost);
  let join: JoinPanel | undefined;
  try {
    join = createJoinPanel(joinHost, { apiBase: ctx.apiBase });
  } catch (e) {
    joinHost.textContent = `The join panel could not start (${e instanceof Error ? e.message : String(e)}).`;
  }

  let zoomIndex = 0;
  const applyZoom = () => {
    const z = ZOOMS[zoomIndex]!;
    root.style.setProperty('--demo-zoom', String(z));
    root.dataset.zoom = String(z);
    viewer.setZoom(z);
    compare.setZoom(z);
    zoomOut.disabled = zoomIndex === 0;
    zoomIn.disabled = zoomIndex === ZOOMS.length - 1;
    // Zoomed, the slide's title steps aside (CSS); reveal.js re-centres the slide's new height.
    (window as { Reveal?: { layout?: () => void } }).Reveal?.layout?.();
  };
  zoomOut.addEventListener('click', () => {
    zoomIndex = Math.max(0, zoomIndex - 1);
    applyZoom();
  });
  zoomIn.addEventListener('click', () => {
    zoomIndex = Math.min(ZOOMS.length - 1, zoomIndex + 1);
    applyZoom();
  });
  applyZoom();

  const send = (kind: 'normal' | 'slow', count: number) => {
    // A new request means the audience wants the live trace again, not the last comparison.
    if (actor.getSnapshot().context.comparison?.after) actor.send({ type: 'DISMISS_COMPARISON' });
    actor.send({ type: 'SEND', kind, count });
  };
  sendButton.addEventListener('click', () => send('normal', 1));
  burstButton.addEventListener('click', () => send('slow', 10));

  let shown: JaegerTrace | null = null;
  let idleMessage = '';
  let chartData: unknown = null;
  let compared: unknown = null;
  const render = (s: DemoFlowSnapshot) => {
    const c = s.context;
    const phase = requestPhase(s);
    const v = s.value as { health: string; stream: unknown };
    host.dataset.demoState = phase;
    host.dataset.mesh = c.mesh?.state ?? 'unknown';
    host.dataset.stream = typeof v.stream === 'string' ? v.stream : Object.values(v.stream as object)[0] === 'open' ? 'open' : 'connecting';
    const line = statusLine(s);
    // Once a trace is up, the status line says whose it is: there is no room for a caption row.
    setText(status, line.tone === 'ok' && c.trace ? `${captionFor(s, c.trace)} — it arrived by itself.` : line.text);
    status.dataset.tone = line.tone;
    const busy = phase === 'requesting' || phase === 'awaitingTrace';
    const usable = c.mesh?.state === 'up';
    sendButton.disabled = busy || !usable;
    burstButton.disabled = busy || !usable;

    if (c.trace !== shown) {
      shown = c.trace;
      if (shown) {
        viewer.show(shown);
        viewerHost.removeAttribute('data-arrived');
        void viewerHost.offsetWidth; // restart the arrival animation for each new trace
        viewerHost.setAttribute('data-arrived', '');
        host.dataset.traceId = shown.traceID;
        host.dataset.spanCount = String(shown.spans.length);
        if (c.shownOrigin === 'ours') rememberTrace(shown);
      } else {
        delete host.dataset.traceId;
      }
    }
    if (!shown) {
      const message =
        c.mesh?.state === 'offline' || c.mesh?.state === 'down'
          ? 'No trace yet: the mesh is not answering (see above).'
          : 'Press “Send a request”: its trace appears here by itself.';
      if (message !== idleMessage) {
        idleMessage = message;
        viewer.clear(message);
      }
    }
    // Attendees cannot take part without a mesh: the join panel steps aside instead of inviting them.
    joinHost.hidden = c.mesh?.state === 'offline';
    if (c.recent !== chartData) {
      chartData = c.recent;
      chart.update(c.recent, c.switches);
    }
    const comparison = c.comparison?.after && c.comparison.before ? c.comparison : null;
    if (comparison !== compared) {
      compared = comparison;
      if (comparison) compare.show(comparison);
      compareHost.hidden = !comparison;
      viewerHost.hidden = Boolean(comparison);
    }
  };
  const sub = actor.subscribe(render);
  actor.start();
  render(actor.getSnapshot());

  return () => {
    remembered = memoryOf(actor.getSnapshot().context);
    sub.unsubscribe();
    // Stopping the actor closes the live stream and clears every timer it started.
    actor.stop();
    holes?.destroy();
    join?.destroy();
    chart.destroy();
    compare.destroy();
    viewer.destroy();
    releaseInput();
    root.remove();
    for (const k of ['demoState', 'mesh', 'stream', 'traceId', 'spanCount']) delete host.dataset[k];
  };
}

export function createDemoSlide(): LivePart {
  return livePartFrom(mountDemo);
}
