// Indexes a trace's span columns once into typed arrays (the tree is the hole finder's own, analysis/spanTree.ts), so drawing and interaction never walk span objects again.
import { buildSpanTree, pickParents, selfTimes, type SpanTree } from '../../analysis/index.ts';
import type { JaegerProcess, JaegerTrace } from '../../model/index.ts';
import { columnsFromTrace, TraceShapeError, type SpanColumns } from './spanColumns.ts';

export { TraceShapeError };

/**
 * Every array is indexed by span index (the span's position in the file) unless its name says
 * "pos" (a position in display order). Only typed arrays and strings: it crosses from the worker
 * that builds it to the page without copying. The tree's arrays (parent, children, roots, order,
 * depth…) are the shared SpanTree's.
 */
export interface TraceModel extends SpanTree {
  readonly traceID: string;
  readonly count: number;
  /** Absolute start of the earliest span, µs since the epoch. */
  readonly traceStartUs: number;
  /** From the earliest start to the latest end, µs. */
  readonly durationUs: number;
  /** Start relative to `traceStartUs`, µs. */
  readonly start: Float64Array;
  readonly duration: Float64Array;
  /** Duration not covered by any child. */
  readonly selfTime: Float64Array;
  readonly service: Uint16Array;
  readonly operation: Uint32Array;
  readonly operations: readonly string[];
  /** 1 where the span failed by the one rule (model/spanStatus.ts). */
  readonly error: Uint8Array;
  /** Service names in order of first appearance in display order. */
  readonly services: readonly string[];
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
  const tree = buildSpanTree(start, pickParents(n, c));
  const selfTime = selfTimes(start, duration, tree.childOffset, tree.childList);
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
    parent: tree.parent,
    childOffset: tree.childOffset,
    childList: tree.childList,
    roots: tree.roots,
    order: tree.order,
    orderPos: tree.orderPos,
    depth: tree.depth,
    childCount: tree.childCount,
    subtreeSize: tree.subtreeSize,
    levels: tree.levels,
    selfTime,
    service,
    operation: c.operation,
    operations: c.operations,
    error: c.error,
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

/** Children of `u`, by start time. */
export function forEachChild(m: TraceModel, u: number, fn: (child: number) => void): void {
  for (let k = m.childOffset[u]!; k < m.childOffset[u + 1]!; k++) fn(m.childList[k]!);
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
