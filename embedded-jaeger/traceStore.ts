// The bounded in-memory trace store: assembles traces from spans in any order, evicts whole traces, answers searches.
// Over 300 lines: ingest, the three bounds and eviction, and the search and dependency walks share the same indexes.
import {
  REF_CHILD_OF,
  SPAN_KINDS,
  TRANSPORTS,
  type DecodedBatch,
  type ProcessRecord,
  type SpanRecord,
  type WireBytes,
} from './spanModel.ts';
import { retainedSpanBytes } from './storeBytes.ts';
import { WireSlabs } from './wireSlabs.ts';
import { sameSpan, spanMatches, type TraceQuery } from './spanMatch.ts';
import type { JaegerDependencyLink } from '../model/index.ts';

export interface TraceRecord {
  /** The trace id without leading zeros: jaeger-client's toTraceId() may drop them, Jaeger prints them. */
  readonly key: string;
  /** The id as Jaeger prints it (16 or 32 hex digits). */
  readonly traceID: string;
  readonly spans: SpanRecord[];
  /** µs: earliest span start and latest span end. */
  startTime: number;
  endTime: number;
  /** spanId → spans with that id, built only once a trace is big enough for scans to cost. */
  byId: Map<string, SpanRecord[]> | null;
  /** Last ingest that touched this trace, so a batch moves it to the young end once. */
  stamp: number;
  /** Bytes its spans hold on their own (retainedSpanBytes), not counting the wire bytes they share. */
  bytes: number;
}

export type { TraceQuery } from './spanMatch.ts';

export interface IngestOutcome {
  stored: number;
  duplicates: number;
  touched: TraceRecord[];
}

interface ServiceIndex {
  traces: Set<TraceRecord>;
  /** operation → traces holding a span of this service with that operation. */
  operations: Map<string, Set<TraceRecord>>;
  /** operation → bit set of the span kinds (SPAN_KINDS indexes) it was seen with; outlives eviction, like the names. */
  kinds: Map<string, number>;
}

/** One entry of Jaeger's operation list: a name with one span kind ('' when the spans said none). */
export interface OperationKind {
  name: string;
  spanKind: string;
}

const BY_ID_THRESHOLD = 32;
const MAX_PROCESSES = 10_000;

export function traceKey(id: string): string {
  let i = 0;
  while (i < id.length - 1 && id.charCodeAt(i) === 48) i++;
  return i === 0 ? id : id.slice(i);
}

/** Accepts a trace id as Jaeger does: hex, 1–32 digits, any case, leading zeros optional, nothing around it. */
export function parseTraceId(id: string): string | undefined {
  const lower = id.toLowerCase();
  return /^[0-9a-f]{1,32}$/.test(lower) ? traceKey(lower) : undefined;
}

/** The span's parent within its trace: parentSpanId (jaeger-client) or its first CHILD_OF reference. */
export function parentIdOf(span: SpanRecord): string {
  if (span.parentSpanId) return span.parentSpanId;
  if (span.refs)
    for (const r of span.refs) if (r.refType === REF_CHILD_OF && traceKey(r.traceId) === traceKey(span.traceId)) return r.spanId;
  return '';
}

export class TraceStore {
  private readonly traces = new Map<string, TraceRecord>();
  private readonly services = new Map<string, ServiceIndex>();
  private readonly processes = new Map<string, ProcessRecord>();
  private stampSeq = 0;
  spanCount = 0;
  evictedTraces = 0;
  evictedSpans = 0;
  /** Spans evicted, by the transport they arrived on. */
  readonly evictedByVia = TRANSPORTS.map(() => 0);
  /** Bytes spans hold on their own (retainedSpanBytes). */
  private spanBytes = 0;
  /** The batches' wire bytes, in slabs that eviction hands back. */
  private readonly wire = new WireSlabs();
  evictedBytes = 0;

  constructor(
    readonly maxSpans: number,
    readonly maxTraces: number,
    readonly maxBytes = Infinity,
  ) {}

  /** Bytes held: spans on their own, plus the slabs holding their batches' wire bytes. */
  get bytes(): number {
    return this.spanBytes + this.wire.held;
  }

  get traceCount(): number {
    return this.traces.size;
  }

  /** Stores a fully decoded batch (decoding finished first, so a bad batch never half-lands). */
  ingest(batch: DecodedBatch, via: number): IngestOutcome {
    const process = this.canonicalProcess(batch.process);
    const stamp = ++this.stampSeq;
    const touched: TraceRecord[] = [];
    let stored = 0;
    let duplicates = 0;
    // The batch's spans share their wire bytes: copied into the store's slabs once, held while any span reads them.
    let wire: { from: WireBytes; to: WireBytes; stored: number } | undefined;
    for (const span of batch.spans) {
      if (!span.inline) {
        if (wire?.from !== span.wire) {
          if (wire) this.wire.retain(wire.to, wire.stored);
          wire = { from: span.wire, to: this.wire.keep(span.wire), stored: 0 };
        }
        span.wire = wire.to;
      }
      span.process = process;
      span.via = via;
      const key = traceKey(span.traceId);
      let trace = this.traces.get(key);
      // One id string per trace, not per span.
      if (trace) span.traceId = trace.traceID;
      if (!trace) {
        trace = {
          key,
          traceID: span.traceId,
          spans: [],
          startTime: span.startTime,
          endTime: span.startTime + span.duration,
          byId: null,
          stamp,
          bytes: 0,
        };
        this.traces.set(key, trace);
        touched.push(trace);
      } else if (this.isDuplicate(trace, span)) {
        duplicates++;
        continue;
      } else if (trace.stamp !== stamp) {
        // Re-insert so Map order stays "least recently grown first": eviction takes idle traces.
        trace.stamp = stamp;
        this.traces.delete(key);
        this.traces.set(key, trace);
        touched.push(trace);
      }
      this.add(trace, span);
      stored++;
      if (!span.inline) wire!.stored++;
    }
    if (wire) this.wire.retain(wire.to, wire.stored);
    this.evictOverflow(stamp);
    return { stored, duplicates, touched };
  }

  private canonicalProcess(p: ProcessRecord): ProcessRecord {
    const known = this.processes.get(p.key);
    if (known) return known;
    if (this.processes.size >= MAX_PROCESSES) this.processes.clear();
    this.processes.set(p.key, p);
    return p;
  }

  /** Also lets the span share its parent-id text with a stored span: siblings and parents repeat it. */
  private isDuplicate(trace: TraceRecord, span: SpanRecord): boolean {
    if (trace.byId) return trace.byId.get(span.spanId)?.some((s) => sameSpan(s, span)) ?? false;
    const parent = span.parentSpanId;
    for (const s of trace.spans) {
      if (sameSpan(s, span)) return true;
      if (parent !== '') {
        if (s.spanId === parent) span.parentSpanId = s.spanId;
        else if (s.parentSpanId === parent) span.parentSpanId = s.parentSpanId;
      }
    }
    return false;
  }

  private add(trace: TraceRecord, span: SpanRecord): void {
    trace.spans.push(span);
    this.spanCount++;
    const own = retainedSpanBytes(span);
    trace.bytes += own;
    this.spanBytes += own;
    if (span.startTime < trace.startTime) trace.startTime = span.startTime;
    const end = span.startTime + span.duration;
    if (end > trace.endTime) trace.endTime = end;
    if (trace.byId) addById(trace.byId, span);
    else if (trace.spans.length >= BY_ID_THRESHOLD) {
      trace.byId = new Map();
      for (const s of trace.spans) addById(trace.byId, s);
    }
    const idx = this.serviceIndex(span.process.serviceName);
    idx.traces.add(trace);
    let ops = idx.operations.get(span.operationName);
    if (!ops) idx.operations.set(span.operationName, (ops = new Set()));
    ops.add(trace);
    const kinds = idx.kinds.get(span.operationName) ?? 0;
    if ((kinds & (1 << span.kind)) === 0) idx.kinds.set(span.operationName, kinds | (1 << span.kind));
  }

  /** The spans of a batch share one process, so the last lookup is nearly always the answer. */
  private lastIndex: { service: string; idx: ServiceIndex } | undefined;
  private serviceIndex(service: string): ServiceIndex {
    const last = this.lastIndex;
    if (last && last.service === service) return last.idx;
    let idx = this.services.get(service);
    if (!idx) this.services.set(service, (idx = { traces: new Set(), operations: new Map(), kinds: new Map() }));
    this.lastIndex = { service, idx };
    return idx;
  }

  private overflowing(): boolean {
    return this.spanCount > this.maxSpans || this.traces.size > this.maxTraces || this.bytes > this.maxBytes;
  }

  private evictOverflow(stamp: number): void {
    if (!this.overflowing()) return;
    for (const oldest of this.traces.values()) {
      // The trace that just grew is never evicted by its own spans; a single trace may overshoot.
      if (oldest.stamp === stamp) break;
      // Deleting the entry being visited is safe for a Map iterator.
      this.evict(oldest);
      if (!this.overflowing()) break;
    }
  }

  private evict(trace: TraceRecord): void {
    this.traces.delete(trace.key);
    this.spanCount -= trace.spans.length;
    this.evictedTraces++;
    this.evictedSpans += trace.spans.length;
    const before = this.bytes;
    this.spanBytes -= trace.bytes;
    // A trace's spans mostly come in few batches: their bytes are let go a run at a time.
    let run: WireBytes | undefined;
    let runLength = 0;
    for (const s of trace.spans) {
      if (!s.inline) {
        if (s.wire !== run) {
          if (run) this.wire.release(run, runLength);
          run = s.wire;
          runLength = 0;
        }
        runLength++;
      }
      this.evictedByVia[s.via]!++;
      const idx = this.serviceIndex(s.process.serviceName);
      idx.traces.delete(trace);
      idx.operations.get(s.operationName)?.delete(trace);
    }
    if (run) this.wire.release(run, runLength);
    this.evictedBytes += before - this.bytes;
  }

  get(id: string): TraceRecord | undefined {
    return this.traces.get(traceKey(id));
  }

  /** Every service that ever reported, like Jaeger (the list outlives evicted traces). */
  serviceNames(): string[] {
    return [...this.services.keys()].sort();
  }

  operations(service: string): string[] {
    return [...(this.services.get(service)?.operations.keys() ?? [])].sort();
  }

  /** Jaeger's (name, span kind) pairs for a service, by name; `kind` ('' = not said) filters when given. */
  operationKinds(service: string, kind?: string): OperationKind[] {
    const out: OperationKind[] = [];
    for (const name of this.operations(service)) {
      const bits = this.services.get(service)!.kinds.get(name) ?? 1;
      SPAN_KINDS.forEach((k, i) => {
        if (bits & (1 << i) && (kind === undefined || kind === k)) out.push({ name, spanKind: k });
      });
    }
    return out;
  }

  /**
   * The search in steps, for answers that must not hold the event loop (embedded-jaeger/boundedAnswer.ts):
   * yields each matching trace, and `undefined` after every `step` traces looked at so the caller can pause.
   */
  *scan(q: TraceQuery, step = 25): Generator<TraceRecord | undefined> {
    let candidates: Iterable<TraceRecord>;
    if (q.service !== undefined) {
      const idx = this.services.get(q.service);
      if (!idx) return;
      candidates = q.operation !== undefined ? (idx.operations.get(q.operation) ?? []) : idx.traces;
    } else candidates = this.traces.values();
    let looked = 0;
    for (const t of candidates) {
      if (t.spans.some((s) => spanMatches(s, q))) yield t;
      if (++looked % step === 0) yield undefined;
    }
  }

  /** Calls between services (a child span whose parent span belongs to another service), walked in steps: yields after every `step` traces so the public API runs it in slices. */
  *dependencySteps(sinceUs: number, untilUs: number, step = 50): Generator<undefined, JaegerDependencyLink[]> {
    const counts = new Map<string, { parent: string; child: string; callCount: number }>();
    let looked = 0;
    for (const t of this.traces.values()) {
      if (++looked % step === 0) yield undefined;
      if (t.startTime > untilUs || t.endTime < sinceUs) continue;
      const byId = new Map<string, SpanRecord>();
      for (const s of t.spans) byId.set(s.spanId, s);
      for (const s of t.spans) {
        const pid = parentIdOf(s);
        const parent = pid ? byId.get(pid) : undefined;
        if (!parent || parent.process.serviceName === s.process.serviceName) continue;
        const k = `${parent.process.serviceName}\u0000${s.process.serviceName}`;
        const link = counts.get(k);
        if (link) link.callCount++;
        else counts.set(k, { parent: parent.process.serviceName, child: s.process.serviceName, callCount: 1 });
      }
    }
    return [...counts.values()];
  }

  /** The counts, and the bytes held as counted (test/jaeger/storeBytes.test.ts checks them against RSS and the heap). */
  stats() {
    return {
      traces: this.traces.size,
      spans: this.spanCount,
      evictedTraces: this.evictedTraces,
      evictedSpans: this.evictedSpans,
      maxSpans: this.maxSpans,
      maxTraces: this.maxTraces,
      bytes: this.bytes,
      evictedBytes: this.evictedBytes,
      maxBytes: Number.isFinite(this.maxBytes) ? this.maxBytes : null,
    };
  }
}

function addById(map: Map<string, SpanRecord[]>, s: SpanRecord): void {
  const list = map.get(s.spanId);
  if (list) list.push(s);
  else map.set(s.spanId, [s]);
}
