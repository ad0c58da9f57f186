// Flattens a Jaeger trace once into arrays (times, services, failures, and the shared tree of spanTree.ts) that every detector reads.
import { spanFailed, type JaegerKeyValue, type JaegerSpan, type JaegerTrace } from '../model/index.ts';
import {
  buildSpanTree,
  pickParents,
  REF_CHILD_OF,
  REF_FOLLOWS_FROM,
  REF_PARENT_SPAN_ID,
  type SpanRefs,
  type SpanTree,
} from './spanTree.ts';

export interface TraceIndex {
  readonly trace: JaegerTrace;
  readonly spans: readonly JaegerSpan[];
  readonly n: number;
  /** Earliest start, µs since the epoch. */
  readonly t0: number;
  /** Earliest start to latest end, µs. */
  readonly durationUs: number;
  /** Start and end relative to t0, µs. */
  readonly start: Float64Array;
  readonly end: Float64Array;
  /** Parent index, −1 for a root (missing parents and cut cycles make roots): spanTree.ts's rule, as the viewer draws it. */
  readonly parent: Int32Array;
  /** Children of i are childList[childOffset[i] … childOffset[i+1]), by start time. */
  readonly childOffset: Int32Array;
  readonly childList: Int32Array;
  readonly roots: Int32Array;
  /** Parents before children (the display order, depth first); reversed it serves bottom-up sums. */
  readonly topo: Int32Array;
  readonly service: readonly string[];
  /** Interned ids, so grouping compares numbers: equal ids, equal service / operation name. */
  readonly serviceId: Int32Array;
  readonly opId: Int32Array;
  /** Distinct operation names, by opId. */
  readonly opNames: readonly string[];
  /** Index of span i within its parent's childList. */
  readonly childPos: Int32Array;
  /** 1 where the span failed by the one rule (model/spanStatus.ts). */
  readonly error: Uint8Array;
  /** The span failed, or the server span answering it in another service did (see callFailed). */
  readonly failedCall: Uint8Array;
}

const EMPTY: JaegerKeyValue[] = [];

export function tagsOf(s: JaegerSpan): JaegerKeyValue[] {
  return Array.isArray(s.tags) ? s.tags : EMPTY;
}

/** The value of a tag, or undefined. */
export function tagValue(s: JaegerSpan, key: string): string | number | boolean | undefined {
  for (const t of tagsOf(s)) if (t && t.key === key) return t.value;
  return undefined;
}

export function tagString(s: JaegerSpan, key: string): string | undefined {
  const v = tagValue(s, key);
  return v === undefined ? undefined : String(v);
}

/** Thrown for input that is not a trace at all; detectors never see it. */
export class TraceInputError extends Error {
  override name = 'TraceInputError';
}

/**
 * A tree already built over the same spans in the same order (the viewer's model): the index reuses
 * it instead of building the tree a second time. `start` must be µs from the earliest start, as here.
 */
export interface BuiltTree extends Pick<SpanTree, 'parent' | 'childOffset' | 'childList' | 'roots' | 'order'> {
  readonly start: Float64Array;
  /** Failed spans by the same rule, when the builder already read them. */
  readonly error?: Uint8Array;
}

export function indexTrace(trace: JaegerTrace, built?: BuiltTree): TraceIndex {
  if (!trace || typeof trace !== 'object' || !Array.isArray(trace.spans)) {
    throw new TraceInputError('not a Jaeger trace: expected an object with a "spans" array');
  }
  // Spans without usable times are left out rather than failing the whole trace.
  const usable = (s: JaegerSpan) =>
    s && typeof s === 'object' && typeof s.spanID === 'string' && Number.isFinite(s.startTime) && Number.isFinite(s.duration);
  const spans = trace.spans.every(usable) ? trace.spans : trace.spans.filter(usable);
  const n = spans.length;
  const reuse = built !== undefined && spans === trace.spans && built.parent.length === n ? built : undefined;
  let t0 = Infinity;
  let tEnd = -Infinity;
  for (const s of spans) {
    if (s.startTime < t0) t0 = s.startTime;
    const e = s.startTime + Math.max(0, s.duration);
    if (e > tEnd) tEnd = e;
  }
  if (n === 0) t0 = tEnd = 0;
  const start = reuse ? reuse.start : new Float64Array(n);
  const end = new Float64Array(n);
  const error = reuse?.error ?? new Uint8Array(n);
  const service: string[] = new Array<string>(n);
  const processes = trace.processes && typeof trace.processes === 'object' ? trace.processes : {};
  const serviceId = new Int32Array(n);
  const opId = new Int32Array(n);
  const serviceIds = new Map<string, number>();
  const opIds = new Map<string, number>();
  const opNames: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = spans[i]!;
    if (!reuse) start[i] = s.startTime - t0;
    if (!reuse?.error) error[i] = spanFailed(s) ? 1 : 0;
    end[i] = start[i]! + Math.max(0, s.duration);
    const p = processes[s.processID];
    service[i] = p && typeof p.serviceName === 'string' ? p.serviceName : String(s.processID ?? '?');
    let sid = serviceIds.get(service[i]!);
    if (sid === undefined) serviceIds.set(service[i]!, (sid = serviceIds.size));
    serviceId[i] = sid;
    const op = typeof s.operationName === 'string' ? s.operationName : '';
    let oid = opIds.get(op);
    if (oid === undefined) {
      opIds.set(op, (oid = opNames.length));
      opNames.push(op);
    }
    opId[i] = oid;
  }
  const tree = reuse ?? buildSpanTree(start, pickParents(n, refsOf(spans)));
  const { parent, childOffset, childList } = tree;
  const childPos = new Int32Array(n).fill(-1);
  for (let p = 0; p < n; p++) for (let k = childOffset[p]!; k < childOffset[p + 1]!; k++) childPos[childList[k]!] = k;
  const failedCall = Uint8Array.from(error);
  for (let i = 0; i < n; i++) {
    const p = parent[i]!;
    if (p >= 0 && error[i] && service[p] !== service[i]) failedCall[p] = 1;
  }
  return {
    trace,
    spans,
    n,
    t0,
    durationUs: Math.max(0, tEnd - t0),
    start,
    end,
    parent,
    childOffset,
    childList,
    roots: tree.roots,
    // Depth-first display order: parents come before children, which is all the bottom-up sums need.
    topo: tree.order,
    service,
    serviceId,
    opId,
    opNames,
    childPos,
    error,
    failedCall,
  };
}

/** The spans' references as the tree builder reads them (an all-zero parent id means "no parent" in some exports). */
function refsOf(spans: readonly JaegerSpan[]): SpanRefs {
  const n = spans.length;
  const ids = new Map<string, number>();
  // Duplicate span IDs exist in real exports: the first span keeps the ID.
  for (let i = 0; i < n; i++) if (!ids.has(spans[i]!.spanID)) ids.set(spans[i]!.spanID, i);
  const refOffset = new Int32Array(n + 1);
  const target: number[] = [];
  const kind: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = spans[i]!;
    const pid = s.parentSpanID;
    if (typeof pid === 'string' && pid !== '' && !/^0+$/.test(pid)) {
      target.push(ids.get(pid) ?? -1);
      kind.push(REF_PARENT_SPAN_ID);
    }
    for (const r of Array.isArray(s.references) ? s.references : []) {
      if (!r || typeof r.spanID !== 'string') continue;
      const k = r.refType === 'CHILD_OF' ? REF_CHILD_OF : r.refType === 'FOLLOWS_FROM' ? REF_FOLLOWS_FROM : -1;
      if (k < 0) continue;
      target.push(ids.get(r.spanID) ?? -1);
      kind.push(k);
    }
    refOffset[i + 1] = target.length;
  }
  return { refOffset, refTarget: Int32Array.from(target), refKind: Uint8Array.from(kind) };
}

/** Calls `f` for each child of `i`, by start time. */
export function forEachChild(ix: TraceIndex, i: number, f: (c: number) => void): void {
  for (let k = ix.childOffset[i]!; k < ix.childOffset[i + 1]!; k++) {
    f(ix.childList[k]!);
  }
}

/** A call failed if it, or the server span answering it in another service, is marked failed. */
export function callFailed(ix: TraceIndex, i: number): boolean {
  return ix.failedCall[i] === 1;
}
