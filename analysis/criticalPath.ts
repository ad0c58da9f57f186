// The critical path: which span was doing the work the request waited on at each moment, so costs count only waited-on time.
import { forEachChild, type TraceIndex } from './traceIndex.ts';

/** What the walk needs of a trace; the hole finder's index and the viewer's model both fit it. */
export interface PathTree {
  readonly n: number;
  /** Earliest start to latest end, µs. */
  readonly durationUs: number;
  readonly roots: ArrayLike<number>;
  /** Start of span i, µs from the earliest start. */
  readonly start: Float64Array;
  /** End of span i, µs from the earliest start: asked only of the children the walk looks at, so nothing O(n) is built for it. */
  endOf(i: number): number;
  forEachChild(i: number, f: (c: number) => void): void;
}

export interface PathOptions {
  /**
   * A child ending a hair after the moment its parent waited until (clocks in whole ms, an SDK's
   * anchored clock) still counts as waited on: min(1 ms, 10% of the child). Off, any overrun
   * means the child ran alongside a later step.
   */
  overrunSlack?: boolean;
}

/** Segments owned by span i are segStart/segEnd[segOffset[i] … segOffset[i+1]), µs from t0, latest first. */
export interface PathSegments {
  readonly segOffset: Int32Array;
  readonly segStart: Float64Array;
  readonly segEnd: Float64Array;
  /** Critical-path time owned by each span itself, µs. */
  readonly own: Float64Array;
}

export interface CriticalPath extends PathSegments {
  /** Critical-path time owned by the span and everything below it, µs. */
  readonly subtree: Float64Array;
}

/**
 * Walks back from each span's end: the child that ended last before the cursor is what the span
 * waited for, the time after it is the span's own, and the cursor jumps to that child's start.
 * Children running past their parent (clock skew, fire-and-forget) are clipped to it. An explicit
 * stack replaces recursion because traces can be deeper than the JS call stack.
 */
export function criticalPathSegments(t: PathTree, options: PathOptions = {}): PathSegments {
  const n = t.n;
  const start = t.start;
  const slack = options.overrunSlack === true;
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
  const stackHi: number[] = [t.durationUs];
  const kids: number[] = [];
  const kidEnd: number[] = [];
  const byEnd: number[] = [];
  const addKid = (c: number) => void kids.push(c);
  while (stackSpan.length > 0) {
    const u = stackSpan.pop()!;
    const lo = stackLo.pop()!;
    const hi = stackHi.pop()!;
    kids.length = 0;
    kidEnd.length = 0;
    byEnd.length = 0;
    if (u < 0) for (let r = 0; r < t.roots.length; r++) kids.push(t.roots[r]!);
    else t.forEachChild(u, addKid);
    for (let k = 0; k < kids.length; k++) {
      kidEnd.push(Math.min(hi, t.endOf(kids[k]!)));
      byEnd.push(k);
    }
    byEnd.sort((a, b) => kidEnd[b]! - kidEnd[a]! || a - b);
    let cursor = hi;
    for (const k of byEnd) {
      if (cursor <= lo) break;
      const c = kids[k]!;
      const cs = Math.max(lo, start[c]!);
      // Ends after the cursor (it ran alongside a later step) or takes no time: not waited on.
      const overrun = slack ? Math.min(1000, 0.1 * (kidEnd[k]! - cs)) : 0;
      if (kidEnd[k]! > cursor + overrun) continue;
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
  return { segOffset, segStart, segEnd, own };
}

/** The hole finder's critical path: overruns by a hair still waited on, and each subtree's total. */
export function findCriticalPath(ix: TraceIndex): CriticalPath {
  const tree: PathTree = {
    n: ix.n,
    durationUs: ix.durationUs,
    roots: ix.roots,
    start: ix.start,
    endOf: (i) => ix.end[i]!,
    forEachChild: (i, f) => forEachChild(ix, i, f),
  };
  const seg = criticalPathSegments(tree, { overrunSlack: true });
  const subtree = Float64Array.from(seg.own);
  for (let k = ix.n - 1; k >= 0; k--) {
    const i = ix.topo[k]!;
    const p = ix.parent[i]!;
    if (p >= 0) subtree[p]! += subtree[i]!;
  }
  return { ...seg, subtree };
}

/** Critical-path time span i owns itself inside [a, b), µs (e.g. a parent's back-off between two attempts). */
export function ownPathWithin(cp: PathSegments, i: number, a: number, b: number): number {
  let t = 0;
  for (let k = cp.segOffset[i]!; k < cp.segOffset[i + 1]!; k++) {
    const lo = Math.max(a, cp.segStart[k]!);
    const hi = Math.min(b, cp.segEnd[k]!);
    if (hi > lo) t += hi - lo;
  }
  return t;
}
