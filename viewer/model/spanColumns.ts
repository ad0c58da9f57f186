// A trace as flat columns (one entry per span): what the viewer indexes, whether read from objects or straight from a file's bytes.
import { spanFailed, type JaegerProcess, type JaegerSpan, type JaegerTrace } from '../../model/index.ts';
import { formatValue } from './format.ts';
import { buildSpanIdIndex } from '../reader/spanIdIndex.ts';

import { REF_CHILD_OF, REF_FOLLOWS_FROM, REF_PARENT_SPAN_ID, type SpanRefs } from '../../analysis/index.ts';

/** The references (SpanRefs) are the shared tree builder's input, as they are. */
export interface SpanColumns extends SpanRefs {
  traceID: string;
  count: number;
  /** Span IDs joined by "\n"; span i's is idText[idOffset[i] … idOffset[i+1] − 1). */
  idText: string;
  idOffset: Int32Array;
  /** Absolute, µs since the epoch. */
  startTime: Float64Array;
  duration: Float64Array;
  /** Index into `operations`. */
  operation: Uint32Array;
  operations: string[];
  /** Index into `processIDs`. */
  process: Uint32Array;
  processIDs: string[];
  processes: Record<string, JaegerProcess>;
  /** 1 where the span failed by the one rule (model/spanStatus.ts). */
  error: Uint8Array;
  /** Tag "key=value" pairs and log values of each span, one line per span (lines end in "\n"). */
  searchLines: string;
}

/** A trace that cannot be drawn, with a reason a person can act on. */
export class TraceShapeError extends Error {
  override name = 'TraceShapeError';
}

function checkSpan(s: unknown, i: number): asserts s is JaegerSpan {
  const o = s as Record<string, unknown> | null;
  if (o && typeof o === 'object' && typeof o.spanID === 'string' && Number.isFinite(o.startTime) && Number.isFinite(o.duration)) return;
  // Only a bad span pays for building the message.
  if (!o || typeof o !== 'object') throw new TraceShapeError(`span #${i + 1} is not an object`);
  const name = typeof o.spanID === 'string' ? `span #${i + 1} (${o.spanID})` : `span #${i + 1}`;
  if (typeof o.spanID !== 'string') throw new TraceShapeError(`${name} has no "spanID" string`);
  if (typeof o.startTime !== 'number' || !Number.isFinite(o.startTime)) {
    throw new TraceShapeError(`${name} has no numeric "startTime" (µs since the epoch)`);
  }
  throw new TraceShapeError(`${name} has no numeric "duration" (µs)`);
}

/** Gives each distinct string a small number, in order of first sight. */
class Interner {
  readonly list: string[] = [];
  private readonly index = new Map<string, number>();
  of(s: string): number {
    let k = this.index.get(s);
    if (k === undefined) {
      k = this.list.length;
      this.list.push(s);
      this.index.set(s, k);
    }
    return k;
  }
}

/** Search text of one span: newlines inside values become spaces so each span stays one line. */
function searchLineOf(parts: string[]): string {
  return `${parts.join(' ').replace(/\n/g, ' ')}\n`;
}

/** Columns from a parsed trace (the live Demo slide, recordings, a small dropped file). */
export function columnsFromTrace(trace: JaegerTrace): SpanColumns {
  if (!trace || !Array.isArray(trace.spans)) throw new TraceShapeError('this trace has no "spans" list');
  const spans = trace.spans;
  const n = spans.length;
  const ops = new Interner();
  const procs = new Interner();
  const startTime = new Float64Array(n);
  const duration = new Float64Array(n);
  const operation = new Uint32Array(n);
  const process = new Uint32Array(n);
  const error = new Uint8Array(n);
  const refOffset = new Int32Array(n + 1);
  const refSpanID: string[] = [];
  const kinds: number[] = [];
  const lines: string[] = [];
  const spanIDs: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const s = spans[i];
    checkSpan(s, i);
    spanIDs[i] = s.spanID;
    startTime[i] = s.startTime;
    duration[i] = s.duration;
    operation[i] = ops.of(typeof s.operationName === 'string' ? s.operationName : '');
    process[i] = procs.of(typeof s.processID === 'string' ? s.processID : '');
    if (typeof s.parentSpanID === 'string') {
      refSpanID.push(s.parentSpanID);
      kinds.push(REF_PARENT_SPAN_ID);
    }
    for (const r of Array.isArray(s.references) ? s.references : []) {
      if (!r || typeof r.spanID !== 'string') continue;
      const kind = r.refType === 'CHILD_OF' ? REF_CHILD_OF : r.refType === 'FOLLOWS_FROM' ? REF_FOLLOWS_FROM : -1;
      if (kind < 0) continue;
      refSpanID.push(r.spanID);
      kinds.push(kind);
    }
    refOffset[i + 1] = refSpanID.length;
    const words: string[] = [];
    for (const t of Array.isArray(s.tags) ? s.tags : []) {
      if (!t) continue;
      words.push(`${t.key}=${formatValue(t)}`);
    }
    error[i] = spanFailed(s) ? 1 : 0;
    for (const log of Array.isArray(s.logs) ? s.logs : []) {
      for (const f of Array.isArray(log?.fields) ? log.fields : []) if (f) words.push(formatValue(f));
    }
    lines.push(searchLineOf(words));
  }
  const ids = buildSpanIdIndex(n, (i) => spanIDs[i]!);
  const idOffset = new Int32Array(n + 1);
  for (let i = 0, pos = 0; i < n; i++) {
    pos += spanIDs[i]!.length + 1;
    idOffset[i + 1] = pos;
  }
  return {
    traceID: String(trace.traceID),
    count: n,
    idText: spanIDs.join('\n'),
    idOffset,
    startTime,
    duration,
    operation,
    operations: ops.list,
    process,
    processIDs: procs.list,
    processes: trace.processes && typeof trace.processes === 'object' ? trace.processes : {},
    error,
    refOffset,
    // Duplicate span IDs exist in real exports: the first span keeps the ID.
    refTarget: Int32Array.from(refSpanID, (id) => ids.get(id)),
    refKind: Uint8Array.from(kinds),
    searchLines: lines.join(''),
  };
}
