// Flattens a Jaeger trace into typed arrays once, so drawing and interaction never walk span objects again.
import type { JaegerSpan, JaegerTrace } from '../model/jaegerJson.ts';
import { isTruthyTag } from './format.ts';
import { buildSpanIdIndex, type SpanIdIndex } from './spanIdIndex.ts';

/** A trace that cannot be drawn, with a reason a person can act on. */
export class TraceShapeError extends Error {
  override name = 'TraceShapeError';
}

/**
 * Every array is indexed by span index (the span's position in `trace.spans`) unless its
 * name says "pos" (a position in display order).
 */
export interface TraceModel {
  readonly trace: JaegerTrace;
  readonly spans: readonly JaegerSpan[];
  readonly count: number;
  /** Absolute start of the earliest span, µs since the epoch. */
  readonly traceStartUs: number;
  /** From the earliest start to the latest end, µs. */
  readonly durationUs: number;
  /** Start relative to `traceStartUs`, µs. */
  readonly start: Float64Array;
  readonly duration: Float64Array;
  /** Parent span index in the drawn tree, −1 for a root. */
  readonly parent: Int32Array;
  readonly depth: Int32Array;
  /** Number of children in the drawn tree. */
  readonly childCount: Int32Array;
  /** Spans in this span's subtree, itself included. */
  readonly subtreeSize: Int32Array;
  /** Duration not covered by any child. */
  readonly selfTime: Float64Array;
  readonly service: Uint16Array;
  readonly error: Uint8Array;
  /** Display order: depth first, siblings by start time. */
  readonly order: Int32Array;
  /** Inverse of `order`. */
  readonly orderPos: Int32Array;
  /** Children of span i are childList[childOffset[i] … childOffset[i+1]), by start time. */
  readonly childOffset: Int32Array;
  readonly childList: Int32Array;
  readonly roots: Int32Array;
  /** Service names in order of first appearance in display order. */
  readonly services: readonly string[];
  /** Deepest level + 1 (a lone root has depth 1). */
  readonly levels: number;
  readonly errorCount: number;
}

function checkSpan(s: unknown, i: number): asserts s is JaegerSpan {
  const o = s as Record<string, unknown> | null;
  if (
    o &&
    typeof o === 'object' &&
    typeof o.spanID === 'string' &&
    typeof o.startTime === 'number' &&
    Number.isFinite(o.startTime) &&
    typeof o.duration === 'number' &&
    Number.isFinite(o.duration)
  ) {
    return;
  }
  // Only a bad span pays for building the message.
  if (!o || typeof o !== 'object') throw new TraceShapeError(`span #${i + 1} is not an object`);
  const name = typeof o.spanID === 'string' ? `span #${i + 1} (${o.spanID})` : `span #${i + 1}`;
  if (typeof o.spanID !== 'string') throw new TraceShapeError(`${name} has no "spanID" string`);
  if (typeof o.startTime !== 'number' || !Number.isFinite(o.startTime)) {
    throw new TraceShapeError(`${name} has no numeric "startTime" (µs since the epoch)`);
  }
  throw new TraceShapeError(`${name} has no numeric "duration" (µs)`);
}

/** The parent by `parentSpanID`, else the first CHILD_OF found in the trace, else the first FOLLOWS_FROM. */
function findParent(s: JaegerSpan, self: number, ids: SpanIdIndex): number {
  if (typeof s.parentSpanID === 'string') {
    const p = ids.get(s.parentSpanID);
    if (p >= 0 && p !== self) return p;
  }
  const refs = s.references;
  if (!Array.isArray(refs)) return -1;
  let followsFrom = -1;
  for (let k = 0; k < refs.length; k++) {
    const r = refs[k];
    if (!r || typeof r.spanID !== 'string') continue;
    const p = ids.get(r.spanID);
    if (p < 0 || p === self) continue;
    if (r.refType === 'CHILD_OF') return p;
    if (r.refType === 'FOLLOWS_FROM' && followsFrom < 0) followsFrom = p;
  }
  return followsFrom;
}

/**
 * Span indices ordered by start, ties by index. Whole-µs starts (the norm) are packed with the
 * index into one float and sorted natively, several times faster than a comparator at 100k.
 */
function sortByStart(start: Float64Array): Int32Array {
  const n = start.length;
  const out = new Int32Array(n);
  const scale = 2 ** Math.ceil(Math.log2(n + 1));
  let packable = true;
  for (let i = 0; i < n && packable; i++) {
    const v = start[i]!;
    packable = Number.isInteger(v) && v * scale + scale < Number.MAX_SAFE_INTEGER;
  }
  if (packable) {
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = start[i]! * scale + i;
    keys.sort();
    for (let k = 0; k < n; k++) out[k] = keys[k]! % scale;
    return out;
  }
  for (let i = 0; i < n; i++) out[i] = i;
  out.sort((a, b) => start[a]! - start[b]! || a - b);
  return out;
}

/**
 * Service index per span (services numbered in display order) and the error flag. Kept
 * apart: inlined in one big builder this loop ran many times slower.
 */
function servicesAndErrors(trace: JaegerTrace, order: Int32Array) {
  const spans = trace.spans;
  const n = spans.length;
  const services: string[] = [];
  const serviceIndex = new Map<string, number>();
  const byProcess = new Map<string, number>();
  const service = new Uint16Array(n);
  const error = new Uint8Array(n);
  let errorCount = 0;
  const processes = trace.processes && typeof trace.processes === 'object' ? trace.processes : {};
  for (let p = 0; p < n; p++) {
    const u = order[p]!;
    const s = spans[u]!;
    let idx = byProcess.get(s.processID);
    if (idx === undefined) {
      const name = processes[s.processID]?.serviceName ?? (s.processID ? `process ${s.processID}` : 'unknown service');
      idx = serviceIndex.get(name);
      if (idx === undefined) {
        idx = services.length;
        services.push(name);
        serviceIndex.set(name, idx);
      }
      byProcess.set(s.processID, idx);
    }
    service[u] = Math.min(idx, 0xffff);
    const tags = s.tags;
    if (Array.isArray(tags)) {
      for (let k = 0; k < tags.length; k++) {
        const t = tags[k];
        if (t && t.key === 'error' && isTruthyTag(t)) {
          error[u] = 1;
          errorCount++;
          break;
        }
      }
    }
  }

  return { services, service, error, errorCount };
}

/** Validates every span and reads its times relative to the earliest start. */
function readTimes(spans: readonly JaegerSpan[]) {
  const n = spans.length;
  let t0 = Infinity;
  let t1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const s = spans[i];
    checkSpan(s, i);
    if (s.startTime < t0) t0 = s.startTime;
    const end = s.startTime + Math.max(0, s.duration);
    if (end > t1) t1 = end;
  }
  const start = new Float64Array(n);
  const duration = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = spans[i]!;
    start[i] = s.startTime - t0;
    duration[i] = Math.max(0, s.duration);
  }
  return { t0, t1, start, duration };
}

/** Children lists sorted by start: spans, already sorted by start, bucketed under their parent. */
function childrenByStart(parent: Int32Array, byStart: Int32Array) {
  const n = parent.length;
  const childOffset = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) if (parent[i]! >= 0) childOffset[parent[i]! + 1]!++;
  for (let i = 0; i < n; i++) childOffset[i + 1]! += childOffset[i]!;
  const fill = childOffset.slice(0, n);
  const childList = new Int32Array(childOffset[n]!);
  for (let k = 0; k < n; k++) {
    const i = byStart[k]!;
    const p = parent[i]!;
    if (p >= 0) childList[fill[p]!++] = i;
  }
  return { childOffset, childList };
}

/**
 * Depth-first walk from the roots, rewriting `parent` to the drawn tree. A span in a reference
 * cycle is never reached from a root, so the earliest such span is cut loose as a root and the
 * walk goes on from it.
 */
function walkTree(parent: Int32Array, byStart: Int32Array, childOffset: Int32Array, childList: Int32Array) {
  const n = parent.length;
  const order = new Int32Array(n);
  const orderPos = new Int32Array(n);
  const depth = new Int32Array(n);
  const childCount = new Int32Array(n);
  const visited = new Uint8Array(n);
  const stack = new Int32Array(n);
  const rootList: number[] = [];
  let pos = 0;
  let levels = 1;
  const walkFrom = (root: number) => {
    rootList.push(root);
    parent[root] = -1;
    let top = 0;
    stack[top++] = root;
    visited[root] = 1;
    depth[root] = 0;
    while (top > 0) {
      const u = stack[--top]!;
      orderPos[u] = pos;
      order[pos++] = u;
      const d = depth[u]! + 1;
      for (let k = childOffset[u + 1]! - 1; k >= childOffset[u]!; k--) {
        const c = childList[k]!;
        if (visited[c]) continue;
        visited[c] = 1;
        parent[c] = u;
        depth[c] = d;
        if (d + 1 > levels) levels = d + 1;
        childCount[u]!++;
        stack[top++] = c;
      }
    }
  };
  for (let k = 0; k < n; k++) if (parent[byStart[k]!] === -1) walkFrom(byStart[k]!);
  for (let k = 0; pos < n && k < n; k++) if (!visited[byStart[k]!]) walkFrom(byStart[k]!);

  const subtreeSize = new Int32Array(n).fill(1);
  for (let p = n - 1; p >= 0; p--) {
    const u = order[p]!;
    if (parent[u]! >= 0) subtreeSize[parent[u]!]! += subtreeSize[u]!;
  }
  return { order, orderPos, depth, childCount, subtreeSize, roots: Int32Array.from(rootList), levels };
}

/** Self time: the part of a span that none of its children cover (children clipped to it). */
function selfTimes(start: Float64Array, duration: Float64Array, parent: Int32Array, childOffset: Int32Array, childList: Int32Array) {
  const n = start.length;
  const selfTime = new Float64Array(n);
  for (let u = 0; u < n; u++) {
    const us = start[u]!;
    const ue = us + duration[u]!;
    let covered = 0;
    let runStart = -1;
    let runEnd = -1;
    for (let k = childOffset[u]!; k < childOffset[u + 1]!; k++) {
      const c = childList[k]!;
      if (parent[c] !== u) continue;
      const cs = Math.max(us, start[c]!);
      const ce = Math.min(ue, start[c]! + duration[c]!);
      if (ce <= cs) continue;
      if (cs > runEnd) {
        covered += runEnd - runStart;
        runStart = cs;
        runEnd = ce;
      } else if (ce > runEnd) runEnd = ce;
    }
    covered += runEnd - runStart;
    selfTime[u] = Math.max(0, duration[u]! - covered);
  }
  return selfTime;
}

/** One pass per concern, each its own function so the engine optimises each loop on its own. */
export function buildTraceModel(trace: JaegerTrace): TraceModel {
  if (!trace || !Array.isArray(trace.spans)) throw new TraceShapeError('this trace has no "spans" list');
  const spans = trace.spans;
  const n = spans.length;
  if (n === 0) throw new TraceShapeError('this trace has no spans');
  if (n > 0x7fffffff) throw new TraceShapeError('too many spans');

  const { t0, t1, start, duration } = readTimes(spans);
  // Duplicate span IDs exist in real exports: the first keeps the ID, every span still gets a row.
  const ids = buildSpanIdIndex(n, (i) => spans[i]!.spanID);
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = findParent(spans[i]!, i, ids);
  const byStart = sortByStart(start);
  const { childOffset, childList } = childrenByStart(parent, byStart);
  const tree = walkTree(parent, byStart, childOffset, childList);
  const selfTime = selfTimes(start, duration, parent, childOffset, childList);
  const { services, service, error, errorCount } = servicesAndErrors(trace, tree.order);

  return {
    trace,
    spans,
    count: n,
    traceStartUs: t0,
    durationUs: t1 - t0,
    start,
    duration,
    parent,
    ...tree,
    selfTime,
    service,
    error,
    childOffset,
    childList,
    services,
    errorCount,
  };
}

/** Children of `u` in the drawn tree (a cut reference cycle can leave stale entries in childList). */
export function forEachChild(m: TraceModel, u: number, fn: (child: number) => void): void {
  for (let k = m.childOffset[u]!; k < m.childOffset[u + 1]!; k++) {
    const c = m.childList[k]!;
    if (m.parent[c] === u) fn(c);
  }
}

export function serviceOf(m: TraceModel, span: number): string {
  return m.services[m.service[span]!] ?? 'unknown service';
}
