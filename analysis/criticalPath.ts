// The critical path: which span was doing the work the request waited on at each moment, so costs count only waited-on time.
import { forEachChild, type TraceIndex } from './traceIndex.ts';

export interface CriticalPath {
  /** Segments owned by span i are segStart/segEnd[segOffset[i] … segOffset[i+1]), µs from t0, latest first. */
  readonly segOffset: Int32Array;
  readonly segStart: Float64Array;
  readonly segEnd: Float64Array;
  /** Critical-path time owned by each span itself, µs. */
  readonly own: Float64Array;
  /** Critical-path time owned by the span and everything below it, µs. */
  readonly subtree: Float64Array;
}

/**
 * Walks back from each span's end: the child that ended last before the cursor is what the span
 * waited for, the time after it is the span's own, and the cursor jumps to that child's start.
 * Children running past their parent (clock skew, fire-and-forget) are clipped to it. An explicit
 * stack replaces recursion because traces can be deeper than the JS call stack.
 */
export function findCriticalPath(ix: TraceIndex): CriticalPath {
  const n = ix.n;
  const owner: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const emit = (span: number, a: number, b: number) => {
    if (b > a && span >= 0) {
      owner.push(span);
      from.push(a);
      to.push(b);
    }
  };

  // A virtual root (−1) spanning the trace holds the real roots, so several roots work alike.
  const stackSpan: number[] = [-1];
  const stackLo: number[] = [0];
  const stackHi: number[] = [ix.durationUs];
  const kids: number[] = [];
  const kidEnd: number[] = [];
  const byEnd: number[] = [];
  while (stackSpan.length > 0) {
    const u = stackSpan.pop()!;
    const lo = stackLo.pop()!;
    const hi = stackHi.pop()!;
    kids.length = 0;
    kidEnd.length = 0;
    byEnd.length = 0;
    if (u < 0) for (const r of ix.roots) kids.push(r);
    else forEachChild(ix, u, (c) => kids.push(c));
    for (let k = 0; k < kids.length; k++) {
      kidEnd.push(Math.min(hi, ix.end[kids[k]!]!));
      byEnd.push(k);
    }
    byEnd.sort((a, b) => kidEnd[b]! - kidEnd[a]! || a - b);
    let cursor = hi;
    for (const k of byEnd) {
      if (cursor <= lo) break;
      const c = kids[k]!;
      const cs = Math.max(lo, ix.start[c]!);
      // Ends well after the cursor (it ran alongside a later step) or takes no time: not waited on. A
      // child overrunning by a hair (clocks in whole ms, an SDK's anchored clock) was still waited on.
      const overrunSlack = Math.min(1000, 0.1 * (kidEnd[k]! - cs));
      if (kidEnd[k]! > cursor + overrunSlack) continue;
      const ce = Math.min(kidEnd[k]!, cursor);
      if (ce <= cs) continue;
      emit(u, ce, cursor);
      stackSpan.push(c);
      stackLo.push(cs);
      stackHi.push(ce);
      cursor = cs;
    }
    if (cursor > lo) emit(u, lo, cursor);
  }

  const segOffset = new Int32Array(n + 1);
  for (const s of owner) segOffset[s + 1]!++;
  for (let i = 0; i < n; i++) segOffset[i + 1]! += segOffset[i]!;
  const fill = segOffset.slice(0, n);
  const segStart = new Float64Array(owner.length);
  const segEnd = new Float64Array(owner.length);
  const own = new Float64Array(n);
  for (let k = 0; k < owner.length; k++) {
    const s = owner[k]!;
    const at = fill[s]!++;
    segStart[at] = from[k]!;
    segEnd[at] = to[k]!;
    own[s]! += to[k]! - from[k]!;
  }
  const subtree = Float64Array.from(own);
  for (let k = n - 1; k >= 0; k--) {
    const i = ix.topo[k]!;
    const p = ix.parent[i]!;
    if (p >= 0) subtree[p]! += subtree[i]!;
  }
  return { segOffset, segStart, segEnd, own, subtree };
}

/** Critical-path time span i owns itself inside [a, b), µs (e.g. a parent's back-off between two attempts). */
export function ownPathWithin(cp: CriticalPath, i: number, a: number, b: number): number {
  let t = 0;
  for (let k = cp.segOffset[i]!; k < cp.segOffset[i + 1]!; k++) {
    const lo = Math.max(a, cp.segStart[k]!);
    const hi = Math.min(b, cp.segEnd[k]!);
    if (hi > lo) t += hi - lo;
  }
  return t;
}
