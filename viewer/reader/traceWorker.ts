// Fetches, reads and indexes trace files off the page's main thread; the page receives typed arrays it can draw at once.
import { analyzeIndexed, indexTrace, jaegerJsonOf, traceFormatOf } from '../../analysis/index.ts';
import { tracesFromJaegerFile, type JaegerTrace } from '../../model/index.ts';
import { findCriticalPath } from '../model/criticalPath.ts';
import { completeFeed, scanJaegerFile, ScanGaveUp, type ByteFeed, type ScannedTrace } from './jsonScan.ts';
import { columnsFromTrace } from '../model/spanColumns.ts';
import { generateTrace } from '../../model/index.ts';
import { fetchTraceByID, fetchTraceUrl, parseTraceFile, TraceLoadError } from './traceSource.ts';
import { overviewPixels } from '../views/overview.ts';
import { findSpanIndices, indexSpans, type TraceModel } from '../model/traceModel.ts';
import type { WorkerAnswer, WorkerRequest, WireTrace } from './workerProtocol.ts';

const post = (answer: WorkerAnswer, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(answer, transfer);

/** When the last download's last byte arrived (worker clock), for the phases the bench prints. */
let lastByteAt = NaN;

/** A download as a feed: the reader starts on the first bytes while the rest is on its way. */
function feedOf(res: Response): ByteFeed {
  const declared = Number(res.headers.get('content-length'));
  let buf = new Uint8Array(declared > 0 ? declared : 1 << 20);
  let len = 0;
  let complete = false;
  let waiting: (() => void)[] = [];
  const wake = () => {
    const w = waiting;
    waiting = [];
    for (const f of w) f();
  };
  const done = (async () => {
    const reader = res.body!.getReader();
    try {
      for (;;) {
        const { done: end, value } = await reader.read();
        if (end) break;
        if (len + value.length > buf.length) {
          const bigger = new Uint8Array(Math.max(len + value.length, buf.length * 2));
          bigger.set(buf.subarray(0, len));
          buf = bigger;
        }
        buf.set(value, len);
        len += value.length;
        wake();
      }
    } catch (e) {
      throw new TraceLoadError(`The download broke off (${e instanceof Error ? e.message : String(e)}).`);
    } finally {
      complete = true;
      lastByteAt = performance.now();
      wake();
    }
  })();
  done.catch(() => undefined);
  return {
    bytes: () => buf.subarray(0, len),
    complete: () => complete,
    more: () => (complete ? done : new Promise<void>((r) => waiting.push(r))),
    all: () => done,
  };
}

/**
 * The download once it is all in; or (`stream`, to compare the two) read as it arrives. Measured (npm run bench viewer,
 * 2 cores): reading while the bytes come finishes no sooner, as the reader and the download compete for the same
 * cores, and it pays again for each span cut between two chunks; read once they are in, the bytes are read in one go.
 */
async function feedFrom(res: Response, stream: boolean | undefined): Promise<ByteFeed> {
  if (stream) return feedOf(res);
  const bytes = completeFeed(new Uint8Array(await res.arrayBuffer()));
  lastByteAt = performance.now();
  return bytes;
}

/** The bytes of the source as they come, and where the full spans can be read again later. */
async function feedFor(req: Exclude<WorkerRequest, { kind: 'drawn' }>): Promise<{ feed: ByteFeed; blob: Blob | undefined; name: string }> {
  if (req.kind === 'file')
    return { feed: completeFeed(new Uint8Array(await req.file.arrayBuffer())), blob: req.file, name: `The file “${req.file.name}”` };
  if (req.kind === 'id') {
    const res = await fetchTraceByID(req.traceID, new URL(req.page));
    return { feed: await feedFrom(res, req.stream), blob: undefined, name: `The answer for trace ${req.traceID}` };
  }
  if (req.kind === 'url') {
    const res = await fetchTraceUrl(req.url, new URL(req.page));
    return { feed: await feedFrom(res, req.stream), blob: undefined, name: new URL(req.url, req.page).pathname };
  }
  const t = generateTrace(req.count, req.seed);
  return { feed: completeFeed(new TextEncoder().encode(JSON.stringify(t))), blob: undefined, name: 'the generated trace' };
}

/** Bytes enough to tell the three formats apart: their first key, or a Zipkin span's first "traceId". */
const SNIFF_BYTES = 4096;

/**
 * Jaeger JSON passes untouched (the fast reader takes it as it streams); OTLP JSON and Zipkin v2,
 * told apart by their first bytes, are converted to Jaeger JSON once they are all in. `converted`:
 * the source's own bytes no longer hold the spans' JSON.
 */
async function asJaegerFeed(feed: ByteFeed, name: string): Promise<{ feed: ByteFeed; converted: boolean }> {
  while (!feed.complete() && feed.bytes().length < SNIFF_BYTES) await feed.more();
  const head = new TextDecoder().decode(feed.bytes().subarray(0, SNIFF_BYTES));
  if (traceFormatOf(head) === 'jaeger') return { feed, converted: false };
  await feed.all();
  let json: unknown;
  try {
    json = jaegerJsonOf(new TextDecoder().decode(feed.bytes())).json;
  } catch (e) {
    throw new TraceLoadError(`${name} cannot be read (${e instanceof Error ? e.message : String(e)}).`);
  }
  return { feed: completeFeed(new TextEncoder().encode(JSON.stringify(json))), converted: true };
}

/** Parsed the ordinary way: slower and bigger, but it reads any file and names what is wrong with a bad one. */
function ordinaryRead(bytes: Uint8Array, name: string): { scanned: ScannedTrace[]; blob: Blob } {
  const traces = parseTraceFile(new TextDecoder().decode(bytes), name);
  const parts: string[] = [];
  let at = 0;
  const scanned = traces.map((t) => {
    const spans = Array.isArray(t.spans) ? t.spans : [];
    const ranges = new Float64Array(spans.length * 2);
    spans.forEach((s, i) => {
      const text = JSON.stringify(s);
      const len = new TextEncoder().encode(text).length;
      parts.push(text);
      ranges[2 * i] = at;
      ranges[2 * i + 1] = at + len;
      at += len;
    });
    let columns: ReturnType<typeof columnsFromTrace>;
    try {
      columns = columnsFromTrace(t);
    } catch (e) {
      return { columns: undefined, problem: e instanceof Error ? e.message : String(e), ranges, traceID: String(t.traceID) };
    }
    return { columns, ranges };
  });
  return { scanned: scanned as ScannedTrace[], blob: new Blob(parts) };
}

/** The few arrays the worker still reads once the model has gone to the page (the overview; a finding's spans by ID; the tree the hole finder reuses), copied. */
function keptCopy(m: TraceModel): TraceModel {
  const copy = <T extends Int32Array | Float64Array | Uint16Array | Uint8Array>(a: T) => a.slice() as T;
  return {
    ...m,
    order: copy(m.order),
    start: copy(m.start),
    duration: copy(m.duration),
    service: copy(m.service),
    idOffset: copy(m.idOffset),
    // The hole finder's index reuses the tree.
    parent: copy(m.parent),
    childOffset: copy(m.childOffset),
    childList: copy(m.childList),
    roots: copy(m.roots),
    error: copy(m.error),
  };
}

/** Resolves when the page says it has drawn request `id` (or after a while, if it never says). */
const drawn = new Map<number, () => void>();
function whenDrawn(id: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 1500);
    drawn.set(id, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function load(req: Exclude<WorkerRequest, { kind: 'drawn' }>): Promise<void> {
  const t0 = performance.now();
  lastByteAt = NaN;
  const source = await feedFor(req);
  const name = source.name;
  const { feed, converted } = await asJaegerFeed(source.feed, name);
  const sourceBlob = converted ? undefined : source.blob;
  const t1 = performance.now();
  let scanned: (ScannedTrace & { problem?: string; traceID?: string })[];
  let blob = sourceBlob;
  let fast = true;
  try {
    scanned = await scanJaegerFile(feed);
    if (scanned.length === 0) throw new ScanGaveUp('no traces');
  } catch (e) {
    if (!(e instanceof ScanGaveUp)) throw e;
    fast = false;
    await feed.all();
    const read = ordinaryRead(feed.bytes(), name);
    scanned = read.scanned;
    blob = read.blob;
  }
  const t2 = performance.now();
  let indexMs = 0;
  let cpMs = 0;
  const wire: WireTrace[] = [];
  const transfer: Transferable[] = [];
  const kept: (TraceModel | undefined)[] = [];
  for (const s of scanned) {
    let model: TraceModel | undefined;
    let problem = s.problem;
    const ti = performance.now();
    if (s.columns) {
      try {
        model = indexSpans(s.columns);
      } catch (e) {
        problem = e instanceof Error ? e.message : String(e);
      }
    }
    const tc = performance.now();
    const cp = model ? findCriticalPath(model) : undefined;
    indexMs += tc - ti;
    cpMs += performance.now() - tc;
    // What the worker still needs after the model's arrays are handed over: copies, for the overview and the findings.
    kept.push(model ? keptCopy(model) : undefined);
    wire.push({ traceID: s.columns?.traceID ?? s.traceID ?? '', model, cp, problem, ranges: s.ranges });
    for (const part of [model, cp]) {
      if (!part) continue;
      for (const v of Object.values(part)) if (ArrayBuffer.isView(v) && !transfer.includes(v.buffer)) transfer.push(v.buffer);
    }
  }
  const bytes = feed.bytes();
  // "untilBytes": from the request to the bytes being in (streamed: to the answer's headers); "read": from then to the last span read.
  // "…At" entries are epoch ms (timeOrigin + now): the page turns them into times since its own navigation start.
  const phases = {
    untilBytesMs: t1 - t0,
    readMs: t2 - t1,
    indexMs,
    criticalPathMs: cpMs,
    workerAt: performance.timeOrigin + t0,
    lastByteAt: performance.timeOrigin + lastByteAt,
    postAt: performance.timeOrigin + performance.now(),
  };
  post({ id: req.id, type: 'traces', traces: wire, fast, phases }, transfer);
  for (let k = 0; k < wire.length; k++) {
    const m = kept[k];
    if (m) {
      const pixels = overviewPixels(m);
      post({ id: req.id, type: 'overview', trace: k, pixels }, [pixels.buffer]);
    }
  }
  // The page keeps the bytes as a Blob (outside the JS heap) to read a span's details when asked.
  post({ id: req.id, type: 'blob', blob: blob ?? new Blob([bytes as Uint8Array<ArrayBuffer>]) });
  await whenDrawn(req.id);

  // The hole finder works on whole span objects: read them now, after the rows are on screen.
  let traces: JaegerTrace[] = [];
  try {
    traces = tracesFromJaegerFile(JSON.parse(new TextDecoder().decode(bytes)));
  } catch {
    traces = [];
  }
  for (let k = 0; k < wire.length; k++) {
    const t = traces.find((x) => String(x.traceID) === wire[k]!.traceID) ?? traces[k];
    try {
      const m = kept[k];
      // Over the tree the rows were drawn from: the worker indexes each trace once.
      const findings = t && m ? analyzeIndexed(indexTrace(t, m)) : [];
      const indices = m ? findings.map((f) => findSpanIndices(m, f.spanIDs)) : [];
      post({ id: req.id, type: 'findings', trace: k, findings, indices });
    } catch (e) {
      post({ id: req.id, type: 'findings', trace: k, findings: [], indices: [], error: e instanceof Error ? e.message : String(e) });
    }
  }
}

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  const req = e.data;
  if (req.kind === 'drawn') return void drawn.get(req.id)?.();
  load(req).catch((err: unknown) => {
    post({
      id: req.id,
      type: 'error',
      message: err instanceof Error ? err.message : String(err),
      loadError: err instanceof Error && err.name === 'TraceLoadError',
    });
  });
};
