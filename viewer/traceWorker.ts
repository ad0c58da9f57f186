// Fetches, reads and indexes trace files off the page's main thread; the page receives typed arrays it can draw at once.
import { analyzeTrace } from '../analysis/index.ts';
import { tracesFromJaegerFile, type JaegerTrace } from '../model/jaegerJson.ts';
import { findCriticalPath } from './criticalPath.ts';
import { scanJaegerFile, ScanGaveUp, type ScannedTrace } from './jsonScan.ts';
import { columnsFromTrace } from './spanColumns.ts';
import { generateTrace } from './syntheticTrace.ts';
import { fetchTraceByID, fetchTraceUrl, parseTraceFile } from './traceSource.ts';
import { findSpanIndices, indexSpans, type TraceModel } from './traceModel.ts';
import type { WorkerAnswer, WorkerRequest, WireTrace } from './workerProtocol.ts';

const post = (answer: WorkerAnswer, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(answer, transfer);

/** The bytes of the source, and where the full spans can be read again later. */
async function bytesOf(req: WorkerRequest): Promise<{ bytes: Uint8Array; blob: Blob | undefined; name: string }> {
  if (req.kind === 'file') return { bytes: new Uint8Array(await req.file.arrayBuffer()), blob: req.file, name: `The file “${req.file.name}”` };
  if (req.kind === 'id') {
    const res = await fetchTraceByID(req.traceID, new URL(req.page));
    return { bytes: new Uint8Array(await res.arrayBuffer()), blob: undefined, name: `The answer for trace ${req.traceID}` };
  }
  if (req.kind === 'url') {
    const res = await fetchTraceUrl(req.url, new URL(req.page));
    return { bytes: new Uint8Array(await res.arrayBuffer()), blob: undefined, name: new URL(req.url, req.page).pathname };
  }
  const t = generateTrace(req.count, req.seed);
  return { bytes: new TextEncoder().encode(JSON.stringify(t)), blob: undefined, name: 'the generated trace' };
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
    let columns;
    try {
      columns = columnsFromTrace(t);
    } catch (e) {
      return { columns: undefined, problem: e instanceof Error ? e.message : String(e), ranges, traceID: String(t.traceID) };
    }
    return { columns, ranges };
  });
  return { scanned: scanned as ScannedTrace[], blob: new Blob(parts) };
}

/** Kept after the model's arrays are handed over: enough to name a finding's spans by index. */
const idsByRequest = new Map<number, { idText: string; idOffset: Int32Array; count: number }[]>();

async function load(req: WorkerRequest): Promise<void> {
  const { bytes, blob: sourceBlob, name } = await bytesOf(req);
  let scanned: (ScannedTrace & { problem?: string; traceID?: string })[];
  let blob = sourceBlob;
  let fast = true;
  try {
    scanned = scanJaegerFile(bytes);
    if (scanned.length === 0) throw new ScanGaveUp('no traces');
  } catch (e) {
    if (!(e instanceof ScanGaveUp)) throw e;
    fast = false;
    const read = ordinaryRead(bytes, name);
    scanned = read.scanned;
    blob = read.blob;
  }
  const wire: WireTrace[] = [];
  const transfer: Transferable[] = [];
  const kept: { idText: string; idOffset: Int32Array; count: number }[] = [];
  for (const s of scanned) {
    let model: TraceModel | undefined;
    let problem = s.problem;
    if (s.columns) {
      try {
        model = indexSpans(s.columns);
      } catch (e) {
        problem = e instanceof Error ? e.message : String(e);
      }
    }
    const cp = model ? findCriticalPath(model) : undefined;
    kept.push(model ? { idText: model.idText, idOffset: model.idOffset.slice(), count: model.count } : { idText: '', idOffset: new Int32Array(1), count: 0 });
    wire.push({ traceID: s.columns?.traceID ?? s.traceID ?? '', model, cp, problem, ranges: s.ranges });
    for (const part of [model, cp]) {
      if (!part) continue;
      for (const v of Object.values(part)) if (ArrayBuffer.isView(v) && !transfer.includes(v.buffer)) transfer.push(v.buffer);
    }
  }
  idsByRequest.set(req.id, kept);
  // The page keeps the bytes as a Blob (outside the JS heap) to read a span's details when asked.
  blob ??= new Blob([bytes as Uint8Array<ArrayBuffer>]);
  post({ id: req.id, type: 'traces', traces: wire, blob, fast }, transfer);

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
      const findings = t && wire[k]!.model ? analyzeTrace(t) : [];
      const ids = kept[k]!;
      const indices = findings.map((f) => findSpanIndices(ids as unknown as TraceModel, f.spanIDs));
      post({ id: req.id, type: 'findings', trace: k, findings, indices });
    } catch (e) {
      post({ id: req.id, type: 'findings', trace: k, findings: [], indices: [], error: e instanceof Error ? e.message : String(e) });
    }
  }
  idsByRequest.delete(req.id);
}

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  const req = e.data;
  load(req).catch((err: unknown) => {
    post({ id: req.id, type: 'error', message: err instanceof Error ? err.message : String(err), loadError: err instanceof Error && err.name === 'TraceLoadError' });
  });
};
