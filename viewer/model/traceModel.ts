// Indexes a trace's span columns once into typed arrays, so drawing and interaction never walk span objects again.
// A little over 300 lines: each indexing pass is its own function (see indexSpans), which keeps each loop fast.
import type { JaegerProcess, JaegerTrace } from '../../model/index.ts';
import { columnsFromTrace, REF_CHILD_OF, REF_FOLLOWS_FROM, REF_PARENT_SPAN_ID, TraceShapeError, type SpanColumns } from './spanColumns.ts';

export { TraceShapeError };

/**
 * Every array is indexed by span index (the span's position in the file) unless its name says
 * "pos" (a position in display order). Only typed arrays and strings: it crosses from the worker
 * that builds it to the page without copying.
 */
export interface TraceModel {
  readonly traceID: string;
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
  readonly operation: Uint32Array;
  readonly operations: readonly string[];
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
  /** Span IDs joined by "\n"; span i's is idText[idOffset[i] … idOffset[i+1] − 1). */
  readonly idText: string;
  readonly idOffset: Int32Array;
  /** Lower-cased tag "key=value" pairs and log values, one line per span, lines starting at searchOffset[i]. */
  readonly searchText: string;
  readonly searchOffset: Int32Array;
  readonly processes: Record<string, JaegerProcess>;
}

/** Earliest start and latest end, and times relative to that start. */
function readTimes(c: SpanColumns) {
  const n = c.count;
  let t0 = Infinity;
  let t1 = -Infinity;
  const start = new Float64Array(n);
  const duration = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = c.startTime[i]!;
    const d = Math.max(0, c.duration[i]!);
    if (s < t0) t0 = s;
    if (s + d > t1) t1 = s + d;
    duration[i] = d;
  }
  for (let i = 0; i < n; i++) start[i] = c.startTime[i]! - t0;
  return { t0, t1, start, duration };
}

/** The parent by `parentSpanID`, else the first CHILD_OF found in the trace, else the first FOLLOWS_FROM. */
function findParents(c: SpanColumns): Int32Array {
  const n = c.count;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let found = -1;
    let followsFrom = -1;
    for (let k = c.refOffset[i]!; k < c.refOffset[i + 1]!; k++) {
      const p = c.refTarget[k]!;
      if (p < 0 || p === i) continue;
      const kind = c.refKind[k]!;
      if (kind === REF_PARENT_SPAN_ID || kind === REF_CHILD_OF) {
        found = p;
        break;
      }
      if (kind === REF_FOLLOWS_FROM && followsFrom < 0) followsFrom = p;
    }
    parent[i] = found >= 0 ? found : followsFrom;
  }
  return parent;
}

/**
 * Span indices ordered by start, ties by index, for whole-µs starts below 2^48 µs (the norm: starts
 * are relative to the trace's): a stable radix sort on 16-bit digits, two passes for a trace under a
 * minute, several times faster than the native sort of packed floats at 300k. Undefined otherwise.
 */
function radixByStart(start: Float64Array): Int32Array | undefined {
  const n = start.length;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const v = start[i]!;
    if (!(v >= 0 && Number.isInteger(v))) return undefined;
    if (v > max) max = v;
  }
  if (max >= 2 ** 48) return undefined;
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = start[i]!;
    lo[i] = v % 2 ** 32;
    hi[i] = Math.floor(v / 2 ** 32);
  }
  let from = new Int32Array(n);
  for (let i = 0; i < n; i++) from[i] = i;
  let to = new Int32Array(n);
  const count = new Int32Array(65537);
  for (let shift = 0; shift === 0 || 2 ** shift <= max; shift += 16) {
    const word = shift < 32 ? lo : hi;
    const s = shift % 32;
    count.fill(0);
    for (let k = 0; k < n; k++) count[((word[from[k]!]! >>> s) & 0xffff) + 1]!++;
    for (let d = 0; d < 65536; d++) count[d + 1]! += count[d]!;
    for (let k = 0; k < n; k++) {
      const i = from[k]!;
      to[count[(word[i]! >>> s) & 0xffff]!++] = i;
    }
    [from, to] = [to, from];
  }
  return from;
}

/**
 * Span indices ordered by start, ties by index. Whole-µs starts (the norm) go through radixByStart;
 * else, when they fit, are packed with the index into one float and sorted natively.
 */
function sortByStart(start: Float64Array): Int32Array {
  const radix = radixByStart(start);
  if (radix) return radix;
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

/** Service index per span, services numbered in display order (so colours follow the tree). */
function servicesInOrder(c: SpanColumns, order: Int32Array) {
  const n = c.count;
  const names: string[] = [];
  const byName = new Map<string, number>();
  const byProcess = new Int32Array(c.processIDs.length).fill(-1);
  const service = new Uint16Array(n);
  for (let p = 0; p < n; p++) {
    const u = order[p]!;
    const pk = c.process[u]!;
    let idx = byProcess[pk]!;
    if (idx < 0) {
      const pid = c.processIDs[pk]!;
      const name = c.processes[pid]?.serviceName ?? (pid ? `process ${pid}` : 'unknown service');
      idx = byName.get(name) ?? -1;
      if (idx < 0) {
        idx = names.length;
        names.push(name);
        byName.set(name, idx);
      }
      byProcess[pk] = idx;
    }
    service[u] = Math.min(idx, 0xffff);
  }
  return { services: names, service };
}

/** Where each span's line starts in the search text (lines end in "\n"). */
function lineStarts(text: string, n: number): Int32Array {
  const at = new Int32Array(n + 1);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    at[i] = pos;
    const nl = text.indexOf('\n', pos);
    pos = nl < 0 ? text.length : nl + 1;
  }
  at[n] = text.length;
  return at;
}

/** One pass per concern, each its own function so the engine optimises each loop on its own. */
export function indexSpans(c: SpanColumns): TraceModel {
  const n = c.count;
  if (n === 0) throw new TraceShapeError('this trace has no spans');
  const { t0, t1, start, duration } = readTimes(c);
  const parent = findParents(c);
  const byStart = sortByStart(start);
  const { childOffset, childList } = childrenByStart(parent, byStart);
  const tree = walkTree(parent, byStart, childOffset, childList);
  const selfTime = selfTimes(start, duration, parent, childOffset, childList);
  const { services, service } = servicesInOrder(c, tree.order);
  let errorCount = 0;
  for (let i = 0; i < n; i++) errorCount += c.error[i]!;
  const searchText = c.searchLines.toLowerCase();
  return {
    traceID: c.traceID,
    count: n,
    traceStartUs: t0,
    durationUs: t1 - t0,
    start,
    duration,
    parent,
    ...tree,
    selfTime,
    service,
    operation: c.operation,
    operations: c.operations,
    error: c.error,
    childOffset,
    childList,
    services,
    errorCount,
    idText: c.idText,
    idOffset: c.idOffset,
    searchText,
    searchOffset: lineStarts(searchText, n),
    processes: c.processes,
  };
}

export function buildTraceModel(trace: JaegerTrace): TraceModel {
  return indexSpans(columnsFromTrace(trace));
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

export function operationOf(m: TraceModel, span: number): string {
  return m.operations[m.operation[span]!] ?? '';
}

export function spanIdOf(m: TraceModel, span: number): string {
  return m.idText.slice(m.idOffset[span]!, m.idOffset[span + 1]! - 1);
}

/** Index of the first span with this ID, or −1: one native string search, no map kept. */
export function findSpanIndex(m: TraceModel, id: string): number {
  if (!id || id.includes('\n')) return -1;
  for (let at = m.idText.indexOf(id); at >= 0; at = m.idText.indexOf(id, at + 1)) {
    const end = at + id.length;
    if ((at === 0 || m.idText.charCodeAt(at - 1) === 10) && (end === m.idText.length || m.idText.charCodeAt(end) === 10)) {
      let lo = 0;
      let hi = m.count - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (m.idOffset[mid]! <= at) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    }
  }
  return -1;
}

/** Indices of the spans with these IDs (unknown ones left out), in the order given. */
export function findSpanIndices(m: TraceModel, ids: readonly string[]): number[] {
  if (ids.length <= 16) return ids.map((id) => findSpanIndex(m, id)).filter((i) => i >= 0);
  const wanted = new Map<string, number>();
  for (let i = m.count - 1; i >= 0; i--) wanted.set(spanIdOf(m, i), i);
  return ids.map((id) => wanted.get(id) ?? -1).filter((i) => i >= 0);
}
