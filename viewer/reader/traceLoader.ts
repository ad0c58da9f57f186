// The page's side of the trace worker: asks it to load a source and turns its answer into traces ready to draw.
import type { Finding } from '../../model/index.ts';
import type { JaegerSpan } from '../../model/index.ts';
import type { LoadedTrace } from '../model/loadedTrace.ts';
import { TraceLoadError } from './traceSource.ts';
import type { TraceRequest, WorkerAnswer, WorkerRequest } from './workerProtocol.ts';

export type { TraceRequest };

interface Pending {
  blob: Promise<Blob>;
  gotBlob: (b: Blob) => void;
  resolve: (t: LoadedTrace[]) => void;
  reject: (e: Error) => void;
  findings: ((f: { findings: Finding[]; indices: number[][]; error?: string }) => void)[];
  overviews: ((pixels: Uint32Array) => void)[];
}

let worker: Worker | undefined;
let lastPhases: Record<string, number> | undefined;
/** When the page last asked the worker for a source (its clock), to tell the worker's start-up from the rest. */
let askedAt = NaN;

/** How long the worker spent fetching, reading and indexing the last source (for the bench and devtools). */
export const workerPhases = () => lastPhases;
let nextId = 1;
const pending = new Map<number, Pending>();

function onAnswer(a: WorkerAnswer): void {
  const p = pending.get(a.id);
  if (!p) return;
  if (a.type === 'error') {
    pending.delete(a.id);
    p.reject(a.loadError ? new TraceLoadError(a.message) : new Error(a.message));
    return;
  }
  if (a.type === 'blob') return p.gotBlob(a.blob);
  if (a.type === 'overview') return p.overviews[a.trace]?.(a.pixels);
  if (a.type === 'findings') {
    p.findings[a.trace]?.(a);
    if (a.trace === p.findings.length - 1) pending.delete(a.id);
    return;
  }
  // Times since this page's navigation start, beside the worker's durations.
  lastPhases = {};
  for (const [k, v] of Object.entries(a.phases)) lastPhases[k] = k.endsWith('At') ? v - performance.timeOrigin : v;
  lastPhases.receivedAt = performance.now();
  lastPhases.askedAt = askedAt;
  const blob = p.blob;
  // Once the page has had a frame to draw them, the worker goes on to the findings.
  requestAnimationFrame(() => setTimeout(() => worker?.postMessage({ id: a.id, kind: 'drawn' } satisfies WorkerRequest), 0));
  p.resolve(
    a.traces.map((w, k) => {
      const findings = new Promise<Finding[]>((resolve, reject) => {
        p.findings[k] = (f) => (f.error ? reject(new Error(f.error)) : resolve(f.findings));
      });
      findings.catch(() => undefined);
      const overview = new Promise<Uint32Array>((resolve) => (p.overviews[k] = resolve));
      return {
        overview,
        traceID: w.traceID,
        model: w.model,
        cp: w.cp,
        problem: w.problem,
        findings,
        async detail(i: number): Promise<JaegerSpan> {
          const text = await (await blob).slice(w.ranges[2 * i]!, w.ranges[2 * i + 1]!).text();
          return JSON.parse(text) as JaegerSpan;
        },
      };
    }),
  );
}

/** One worker for the page, started on first use (and as early as the page asks). */
export function startTraceWorker(): Worker {
  if (!worker) {
    worker = new Worker(new URL('./traceWorker.ts', import.meta.url), { type: 'module', name: 'trace reader' });
    worker.onmessage = (e: MessageEvent<WorkerAnswer>) => onAnswer(e.data);
  }
  return worker;
}

/** Loads asked for before the page's code had loaded (standaloneEntry.ts), by request, until the page asks for them. */
const preloaded = new Map<string, Promise<LoadedTrace[]>>();
const keyOf = (req: TraceRequest) => (req.kind === 'file' ? undefined : JSON.stringify(req));

/** Starts loading a source now; the page's own loadTraces of the same request later gets this load. */
export function preloadTraces(req: TraceRequest): void {
  const key = keyOf(req);
  if (key === undefined || preloaded.has(key)) return;
  const load = startLoad(req);
  // Its failure is reported when the page asks for it, not before.
  load.catch(() => undefined);
  preloaded.set(key, load);
}

/** Loads every trace of a source; fails with a TraceLoadError a person can act on. */
export function loadTraces(req: TraceRequest): Promise<LoadedTrace[]> {
  const key = keyOf(req);
  const early = key === undefined ? undefined : preloaded.get(key);
  if (early && key !== undefined) {
    preloaded.delete(key);
    return early;
  }
  return startLoad(req);
}

function startLoad(req: TraceRequest): Promise<LoadedTrace[]> {
  const w = startTraceWorker();
  const id = nextId++;
  return new Promise<LoadedTrace[]>((resolve, reject) => {
    let gotBlob!: (b: Blob) => void;
    const blob = new Promise<Blob>((r) => (gotBlob = r));
    pending.set(id, { blob, gotBlob, resolve, reject, findings: [], overviews: [] });
    askedAt = performance.now();
    w.postMessage({ ...req, id } satisfies WorkerRequest);
  });
}
