// The standalone viewer page (/viewer.html): opens a trace by ?traceID, by same-origin ?url, or from a dropped or picked file.
import { createActor } from 'xstate';
import type { JaegerTrace } from '../model/jaegerJson.ts';
import { createLatencyChart } from './latencyChart.ts';
import { generateTrace } from './syntheticTrace.ts';
import { createTraceCompare } from './traceCompare.ts';
import { standaloneFlow } from './standaloneFlow.ts';
import { loadTracesByID, loadTracesFromFile, loadTracesFromUrl } from './traceSource.ts';
import { createTraceViewer } from './traceViewer.ts';
import './standalone.css';

const ZOOMS = [1, 1.25, 1.5, 2, 2.5];
const EMPTY = 'Open a trace: drop a Jaeger JSON file anywhere on this page, use “Open a Jaeger JSON file…”, or add ?traceID=… or ?url=… to the address.';

function must<T extends Element>(selector: string): T {
  const e = document.querySelector<T>(selector);
  if (!e) throw new Error(`viewer.html lacks ${selector}`);
  return e;
}

const status = must<HTMLElement>('.vp-status');
const main = must<HTMLElement>('.vp-main');
const fileInput = must<HTMLInputElement>('.vp-file');
const pick = must<HTMLElement>('.vp-pick');
const select = must<HTMLSelectElement>('.vp-select');
const drop = must<HTMLElement>('.vp-drop');
const page = new URL(location.href);

const viewer = createTraceViewer(main);
let traces: JaegerTrace[] = [];
let zoomStep = Math.max(0, ZOOMS.indexOf(Number(page.searchParams.get('zoom'))));

function say(text: string, isError = false): void {
  status.textContent = text;
  status.classList.toggle('vp-error', isError);
  status.setAttribute('role', isError ? 'alert' : 'status');
}

function describe(t: JaegerTrace, k: number): string {
  const first = t.spans.find((s) => !s.references?.length && !s.parentSpanID) ?? t.spans[0];
  return `${k + 1}. ${first?.operationName ?? 'no spans'} — ${t.spans.length} spans — ${t.traceID}`;
}

function showTrace(k: number): void {
  const t = traces[k];
  if (!t) return;
  viewer.show(t);
  const s = viewer.summary();
  document.title = s ? `Trace ${t.traceID} — trace viewer` : 'Trace viewer';
}

function open(list: JaegerTrace[], source: string): void {
  traces = list;
  select.replaceChildren();
  pick.hidden = list.length < 2;
  list.forEach((t, k) => {
    const o = document.createElement('option');
    o.value = String(k);
    o.textContent = describe(t, k);
    select.appendChild(o);
  });
  say(list.length > 1 ? `${source} holds ${list.length} traces; showing the first — pick another above.` : '');
  showTrace(0);
}

const flow = createActor(standaloneFlow);
let shownList: JaegerTrace[] | undefined;
flow.subscribe((snap) => {
  if (snap.matches('empty')) viewer.clear(EMPTY);
  else if (snap.matches('loading')) say(`Loading ${snap.context.request?.what ?? 'the trace'}…`);
  else if (snap.matches('failed')) say(snap.context.error ?? 'Could not open the trace.', true);
  else if (snap.matches('showing') && snap.context.traces !== shownList) {
    shownList = snap.context.traces;
    open(shownList, snap.context.source);
  }
});
flow.start();

function load(what: string, job: () => Promise<JaegerTrace[]>): void {
  flow.send({ type: 'load', request: { what, job } });
}

select.addEventListener('change', () => showTrace(Number(select.value)));
fileInput.addEventListener('change', () => {
  const f = fileInput.files?.[0];
  if (f) load(`“${f.name}”`, () => loadTracesFromFile(f));
  fileInput.value = '';
});

// Drag and drop anywhere on the page; the overlay says what will happen.
let dragDepth = 0;
document.addEventListener('dragenter', (e) => {
  if (!e.dataTransfer?.types.includes('Files')) return;
  dragDepth++;
  drop.hidden = false;
});
document.addEventListener('dragleave', () => {
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) drop.hidden = true;
});
document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', (e) => {
  e.preventDefault();
  dragDepth = 0;
  drop.hidden = true;
  const f = e.dataTransfer?.files[0];
  if (f) load(`“${f.name}”`, () => loadTracesFromFile(f));
});

function applyZoom(): void {
  const z = ZOOMS[zoomStep]!;
  viewer.setZoom(z);
  document.body.style.fontSize = `${18 * z}px`;
}
must<HTMLButtonElement>('.vp-zoom-in').addEventListener('click', () => {
  zoomStep = Math.min(ZOOMS.length - 1, zoomStep + 1);
  applyZoom();
});
must<HTMLButtonElement>('.vp-zoom-out').addEventListener('click', () => {
  zoomStep = Math.max(0, zoomStep - 1);
  applyZoom();
});
applyZoom();

const traceID = page.searchParams.get('traceID');
const url = page.searchParams.get('url');
const synthetic = Number(page.searchParams.get('synthetic'));
if (traceID !== null) load(`trace ${traceID}`, () => loadTracesByID(traceID.trim(), page));
else if (url !== null) load(url, () => loadTracesFromUrl(url, page));
else if (Number.isInteger(synthetic) && synthetic > 0 && synthetic <= 1_000_000) {
  // The speed demo: a generated trace as big as asked, drawn where Jaeger's UI would freeze.
  flow.send({ type: 'open', traces: [generateTrace(synthetic)], source: `a generated trace of ${synthetic} spans` });
}

/** For scripting the page (tests, the bench): the viewer and the other parts, built from this same bundle. */
declare global {
  interface Window {
    viewerPage: {
      viewer: typeof viewer;
      open: (list: JaegerTrace[]) => void;
      generateTrace: typeof generateTrace;
      createLatencyChart: typeof createLatencyChart;
      createTraceCompare: typeof createTraceCompare;
    };
  }
}
window.viewerPage = {
  viewer,
  open: (traces) => flow.send({ type: 'open', traces, source: 'the trace' }),
  generateTrace,
  createLatencyChart,
  createTraceCompare,
};
