// Renders stored traces in the Jaeger query service's JSON shape (model/jaegerJson.ts), field for field.
import type {
  JaegerKeyValue,
  JaegerLog,
  JaegerProcess,
  JaegerReference,
  JaegerSpan,
  JaegerTrace,
  JaegerValueType,
} from '../model/index.ts';
import { spanLogs, spanTags } from './jaegerThriftTags.ts';
import { clockSkewSteps, hostKeyOf } from './clockSkew.ts';
import { NOTE_UNKNOWN_REF_TYPE, NOTE_UNKNOWN_TAG_TYPE, REF_CHILD_OF, type SpanRecord, type TagList } from './spanModel.ts';
import { traceKey, type TraceRecord } from './traceStore.ts';
import { holdWire, releaseWire } from './wireSlabs.ts';

const TYPE_NAMES: readonly JaegerValueType[] = ['string', 'float64', 'bool', 'int64', 'binary'];

function keyValues(list: TagList | null): JaegerKeyValue[] {
  if (!list) return [];
  const out: JaegerKeyValue[] = new Array(list.length / 3);
  for (let i = 0, j = 0; i < list.length; i += 3, j++) {
    out[j] = { key: list[i] as string, type: TYPE_NAMES[list[i + 1] as number]!, value: list[i + 2]! };
  }
  return out;
}

/** Jaeger (model.MaybeAddParentSpanID) turns parentSpanId into a leading CHILD_OF reference unless a reference already names that span. */
function references(s: SpanRecord): JaegerReference[] {
  const refs: JaegerReference[] = (s.refs ?? []).map((r) => ({
    refType: r.refType === REF_CHILD_OF ? 'CHILD_OF' : 'FOLLOWS_FROM',
    traceID: r.traceId,
    spanID: r.spanId,
  }));
  if (s.parentSpanId) {
    const own = traceKey(s.traceId);
    const named = (s.refs ?? []).some((r) => r.spanId === s.parentSpanId && traceKey(r.traceId) === own);
    if (!named) refs.unshift({ refType: 'CHILD_OF', traceID: s.traceId, spanID: s.parentSpanId });
  }
  return refs;
}

function logs(s: SpanRecord): JaegerLog[] {
  return spanLogs(s)?.map((l) => ({ timestamp: l.timestamp, fields: keyValues(l.fields) })) ?? [];
}

/** Warnings for what arrived odd but was kept (see spanModel.ts NOTE_*). */
function noteWarnings(notes: number): string[] | null {
  if (notes === 0) return null;
  const out: string[] = [];
  if (notes & NOTE_UNKNOWN_TAG_TYPE) out.push('a tag or log field had an unknown value type; kept as a string saying so');
  if (notes & NOTE_UNKNOWN_REF_TYPE) out.push('a reference had an unknown type; read as FOLLOWS_FROM');
  return out;
}

export interface RenderOptions {
  /** Run Jaeger's clock-skew adjuster with this largest shift in µs (0 = only warn); absent = raw, as stored. */
  maxClockSkewUs?: number;
}

export function toJaegerTrace(trace: TraceRecord, opts: RenderOptions = {}): JaegerTrace {
  const steps = jaegerTraceSteps(trace, opts);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** The same in steps: yields after every `step` spans, so a big trace is rendered in slices (boundedAnswer.ts runInSlices). */
export function* jaegerTraceSteps(trace: TraceRecord, opts: RenderOptions = {}, step = 500): Generator<undefined, JaegerTrace> {
  const lazy = yield* lazyTraceSteps(trace, opts, step);
  try {
    const spans: JaegerSpan[] = new Array<JaegerSpan>(lazy.count);
    for (let i = 0; i < spans.length; i++) {
      if (i > 0 && i % step === 0) yield;
      spans[i] = lazy.spanAt(i);
    }
    return { traceID: trace.traceID, spans, processes: lazy.processes, warnings: null };
  } finally {
    lazy.release();
  }
}

/** A rendered trace whose spans are made one at a time, when asked for: a big answer never holds them all. */
export interface LazyTrace {
  traceID: string;
  /** Spans rendered: those the trace had when rendering began (it may grow meanwhile; they come next time). */
  count: number;
  processes: Record<string, JaegerProcess>;
  /** The i-th span as toJaegerTrace renders it (a new object each call). */
  spanAt(i: number): JaegerSpan;
  /** Lets the spans' stored bytes go (the store may reuse them once it has evicted the trace); call once done, however it ended. */
  release(): void;
}

/** Keeps the spans' stored bytes from reuse while they are rendered: the store may evict their trace meanwhile. */
function holdSpans(records: readonly SpanRecord[]): () => void {
  for (const s of records) holdWire(s);
  let held = true;
  return () => {
    if (!held) return;
    held = false;
    for (const s of records) releaseWire(s);
  };
}

/** One span in Jaeger's JSON; key order follows Jaeger's output; flags is omitted when 0, as Go's omitempty does. */
function jaegerSpan(s: SpanRecord, pid: string): JaegerSpan {
  return {
    traceID: s.traceId,
    spanID: s.spanId,
    ...(s.flags !== 0 ? { flags: s.flags >>> 0 } : {}),
    operationName: s.operationName,
    references: references(s),
    startTime: s.startTime,
    duration: s.duration,
    tags: keyValues(spanTags(s)),
    logs: logs(s),
    processID: pid,
    warnings: noteWarnings(s.notes),
  };
}

/**
 * The trace's processes and each span's process id in steps; with clock-skew correction, the adjuster runs
 * (in steps) over the stored spans, and spanAt applies what it decided.
 */
export function* lazyTraceSteps(trace: TraceRecord, opts: RenderOptions = {}, step = 500): Generator<undefined, LazyTrace> {
  // The spans as they are now: the store may add to the trace between two steps.
  const records = trace.spans.slice();
  const release = holdSpans(records);
  let handedOver = false;
  try {
    const lazy = yield* lazySteps(trace.traceID, records, opts, step);
    handedOver = true;
    return { ...lazy, release };
  } finally {
    // Left before the end (the client went): nobody else will release them.
    if (!handedOver) release();
  }
}

function* lazySteps(
  traceID: string,
  records: readonly SpanRecord[],
  opts: RenderOptions,
  step: number,
): Generator<undefined, Omit<LazyTrace, 'release'>> {
  // Process ids p1, p2… in order of first appearance, one per distinct process (by content, as Jaeger
  // hashes them: the same process may be two objects once the store's process table has turned over).
  const pids = new Map<string, string>();
  const processes: Record<string, JaegerProcess> = {};
  const count = records.length;
  const spanPids = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    if (i > 0 && i % (step * 10) === 0) yield;
    const s = records[i]!;
    let pid = pids.get(s.process.key);
    if (!pid) {
      pid = `p${pids.size + 1}`;
      pids.set(s.process.key, pid);
      processes[pid] = { serviceName: s.process.serviceName, tags: keyValues(s.process.tags) };
    }
    spanPids[i] = pid;
  }
  if (opts.maxClockSkewUs === undefined) return { traceID, count, processes, spanAt: (i) => jaegerSpan(records[i]!, spanPids[i]!) };
  const hostByPid = new Map(Object.entries(processes).map(([pid, p]) => [pid, hostKeyOf(p.tags)]));
  const skew = yield* clockSkewSteps(records, (i) => hostByPid.get(spanPids[i]!)!, opts.maxClockSkewUs, step * 4);
  return {
    traceID,
    count,
    processes,
    spanAt(i) {
      const span = jaegerSpan(records[i]!, spanPids[i]!);
      const shift = skew.startUs[i]! - span.startTime;
      if (shift !== 0) {
        span.startTime += shift;
        for (const l of span.logs) l.timestamp += shift;
      }
      const said = skew.warnings.get(i);
      if (said) span.warnings = [...(span.warnings ?? []), ...said];
      return span;
    },
  };
}
