// The standalone viewer page (/viewer.html): opens traces by ?traceID, same-origin ?url, ?synthetic, or dropped/picked files, and compares two.
import { loadTraces, workerPhases, type TraceRequest } from '../reader/traceLoader.ts';
import { sourcesInAddress } from './pageAddress.ts';
import { createActor } from 'xstate';
import type { JaegerTrace } from '../../model/index.ts';
import { describeLoaded, loadedFromTrace, type LoadedTrace } from '../model/loadedTrace.ts';
import { generateTrace } from '../../model/index.ts';
import { createTraceCompare } from '../views/traceCompare.ts';
import { standaloneFlow } from './standaloneFlow.ts';
import { createTraceViewer } from '../views/traceViewer.ts';

const ZOOMS = [1, 1.25, 1.5, 2, 2.5];
const EMPTY =
  'Open a trace: drop a Jaeger JSON file (or OTLP JSON, or Zipkin v2) anywhere on this page (two files to compare them), use “Open Jaeger JSON files…”, or add ?traceID=… or ?url=… to the address.';

function must<T extends Element>(selector: string): T {
  const e = document.querySelector<T>(selector);
  if (!e) throw new Error(`viewer.html lacks ${selector}`);
  return e;
}

const status = must<HTMLElement>('.vp-status');
const main = must<HTMLElement>('.vp-main');
const compareHost = must<HTMLElement>('.vp-compare');
const fileInput = must<HTMLInputElement>('.vp-file');
const pick = must<HTMLElement>('.vp-pick');
const select = must<HTMLSelectElement>('.vp-select');
const drop = must<HTMLElement>('.vp-drop');
const comparePrevious = must<HTMLButtonElement>('.vp-compare-previous');
const backToOne = must<HTMLButtonElement>('.vp-compare-back');
const page = new URL(location.href);

const viewer = createTraceViewer(main, { tools: true });
/** Made on first use, so a page showing one trace has one viewer in it. */
let compareView: ReturnType<typeof createTraceCompare> | undefined;
const compare = () => (compareView ??= createTraceCompare(compareHost));
let traces: LoadedTrace[] = [];
let shownAt = -1;
/** The trace on show before the current one: "compare with the previous trace". */
let previous: LoadedTrace | undefined;
let zoomStep = Math.max(0, ZOOMS.indexOf(Number(page.searchParams.get('zoom'))));
let pendingFind = page.searchParams.get('find') ?? '';

function say(text: string, isError = false): void {
  status.textContent = text;
  status.classList.toggle('vp-error', isError);
  status.setAttribute('role', isError ? 'alert' : 'status');
}

function comparing(on: boolean): void {
  compareHost.hidden = !on;
  main.hidden = on;
  backToOne.hidden = !on;
  comparePrevious.hidden = on || !previous;
}

function showTrace(k: number): void {
  const t = traces[k];
  if (!t) return;
  const current = traces[shownAt];
  if (current && current !== t) previous = current;
  shownAt = k;
  comparing(false);
  viewer.showLoaded(t);
  document.title = t.model ? `Trace ${t.traceID} — trace viewer` : 'Trace viewer';
  document.body.dataset.shown = t.traceID;
  if (pendingFind) {
    viewer.find(pendingFind);
    pendingFind = '';
  }
}

function showComparison(before: LoadedTrace, after: LoadedTrace): void {
  comparing(true);
  compare().showLoaded(before, after, `${before.traceID} → ${after.traceID}`);
  compare().setZoom(ZOOMS[zoomStep]!);
  document.body.dataset.shown = `${before.traceID} ${after.traceID}`;
}

function open(list: LoadedTrace[], source: string, compareTwo = false): void {
  traces = list;
  select.replaceChildren();
  pick.hidden = list.length < 2;
  list.forEach((t, k) => {
    const o = document.createElement('option');
    o.value = String(k);
    o.textContent = describeLoaded(t, k);
    select.appendChild(o);
  });
  if (compareTwo && list.length === 2) {
    say('');
    shownAt = -1;
    return showComparison(list[0]!, list[1]!);
  }
  say(list.length > 1 ? `${source} holds ${list.length} traces; showing the first — pick another above.` : '');
  showTrace(0);
}

const flow = createActor(standaloneFlow);
let shownList: LoadedTrace[] | undefined;
let compareNext = false;
flow.subscribe((snap) => {
  if (snap.matches('empty')) viewer.clear(EMPTY);
  else if (snap.matches('loading')) say(`Loading ${snap.context.request?.what ?? 'the trace'}…`);
  else if (snap.matches('failed')) say(snap.context.error ?? 'Could not open the trace.', true);
  else if (snap.matches('showing') && snap.context.traces !== shownList) {
    shownList = snap.context.traces;
    open(shownList, snap.context.source, compareNext);
    compareNext = false;
  }
});
flow.start();

function load(what: string, job: () => Promise<LoadedTrace[]>, compareTwo = false): void {
  compareNext = compareTwo;
  flow.send({ type: 'load', request: { what, job } });
}

/** Two sources to compare: the first trace of each. */
function loadPair(what: string, a: TraceRequest, b: TraceRequest): void {
  load(
    what,
    async () => {
      const [x, y] = await Promise.all([a, b].map((r) => loadTraces(r)));
      return [x![0]!, y![0]!];
    },
    true,
  );
}

/** Files go to the worker as they are: it tells Jaeger JSON, OTLP JSON and Zipkin v2 apart, as for ?url=. */
function openFiles(files: File[]): void {
  const [a, b] = files;
  if (a && b) loadPair(`“${a.name}” and “${b.name}”`, { kind: 'file', file: a }, { kind: 'file', file: b });
  else if (a) load(`“${a.name}”`, () => loadTraces({ kind: 'file', file: a }));
}

select.addEventListener('change', () => showTrace(Number(select.value)));
fileInput.addEventListener('change', () => {
  openFiles([...(fileInput.files ?? [])]);
  fileInput.value = '';
});
comparePrevious.addEventListener('click', () => {
  const current = traces[shownAt];
  if (previous && current) showComparison(previous, current);
});
backToOne.addEventListener('click', () => showTrace(Math.max(0, shownAt)));

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
  openFiles([...(e.dataTransfer?.files ?? [])]);
});

function applyZoom(): void {
  const z = ZOOMS[zoomStep]!;
  viewer.setZoom(z);
  compareView?.setZoom(z);
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
comparing(false);

// Already asked for by the page's first script (standaloneEntry.ts): loadTraces picks those requests up.
const sources = sourcesInAddress(page);
if (sources?.kind === 'pair') loadPair(sources.what, ...sources.requests);
else if (sources) load(sources.what, () => loadTraces(sources.request));

/** For scripting the page (tests, the bench): the viewer and the other parts, built from this same bundle. */
declare global {
  interface Window {
    viewerPage: {
      viewer: typeof viewer;
      open: (list: JaegerTrace[]) => void;
      generateTrace: typeof generateTrace;
      createTraceCompare: typeof createTraceCompare;
      /** The trace on show and the other traces of its source, as loaded. */
      traces: () => LoadedTrace[];
      loadedFromTrace: typeof loadedFromTrace;
      workerPhases: typeof workerPhases;
    };
  }
}
window.viewerPage = {
  viewer,
  open: (list) => flow.send({ type: 'open', traces: list.map(loadedFromTrace), source: 'the trace' }),
  generateTrace,
  createTraceCompare,
  traces: () => traces,
  loadedFromTrace,
  workerPhases,
};
