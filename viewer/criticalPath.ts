// The critical path: the chain of work the request actually waited on, found by walking back from its end.
import { forEachChild, type TraceModel } from './traceModel.ts';

/**
 * Segments of time, each owned by the one span that was doing the waited-on work then.
 * Segments of span i are segStart/segEnd[offset[i] … offset[i+1]) (µs from the trace start).
 */
export interface CriticalPath {
  readonly offset: Int32Array;
  readonly segStart: Float64Array;
  readonly segEnd: Float64Array;
  /** Time on the critical path owned by each span: its self time on the path. */
  readonly ownTime: Float64Array;
}

/**
 * From a span's end, step back: the child that finished last before the cursor is what the
 * span waited for; the gap after it is the span's own work; the cursor jumps to that child's
 * start and the search repeats. Children overrunning their parent are clipped to it. Each span
 * is visited once with its window, so an explicit stack replaces recursion (traces can be
 * deeper than the JS call stack).
 */
export function findCriticalPath(m: TraceModel): CriticalPath {
  const n = m.count;
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

  // A virtual root spanning the trace holds the real roots, so several roots work alike.
  const stackSpan: number[] = [-1];
  const stackLo: number[] = [0];
  const stackHi: number[] = [m.durationUs];
  const kids: number[] = [];
  const kidEnd: number[] = [];
  const byEnd: number[] = [];

  while (stackSpan.length > 0) {
    const u = stackSpan.pop()!;
    const lo = stackLo.pop()!;
    const hi = stackHi.pop()!;
    kids.length = 0;
    kidEnd.length = 0;
    if (u < 0) {
      for (const r of m.roots) kids.push(r);
    } else {
      forEachChild(m, u, (c) => kids.push(c));
    }
    byEnd.length = 0;
    for (let k = 0; k < kids.length; k++) {
      const c = kids[k]!;
      kidEnd.push(Math.min(hi, m.start[c]! + m.duration[c]!));
      byEnd.push(k);
    }
    byEnd.sort((a, b) => kidEnd[b]! - kidEnd[a]! || a - b);

    let cursor = hi;
    for (const k of byEnd) {
      if (cursor <= lo) break;
      const c = kids[k]!;
      const ce = kidEnd[k]!;
      const cs = Math.max(lo, m.start[c]!);
      // Overruns the cursor (it ran alongside a later step) or takes no time: not waited on.
      if (ce > cursor || ce <= cs) continue;
      emit(u, ce, cursor);
      stackSpan.push(c);
      stackLo.push(cs);
      stackHi.push(ce);
      cursor = cs;
    }
    if (cursor > lo) emit(u, lo, cursor);
  }

  const offset = new Int32Array(n + 1);
  for (const s of owner) offset[s + 1]!++;
  for (let i = 0; i < n; i++) offset[i + 1]! += offset[i]!;
  const fill = offset.slice(0, n);
  const segStart = new Float64Array(owner.length);
  const segEnd = new Float64Array(owner.length);
  const ownTime = new Float64Array(n);
  for (let k = 0; k < owner.length; k++) {
    const s = owner[k]!;
    const at = fill[s]!++;
    segStart[at] = from[k]!;
    segEnd[at] = to[k]!;
    ownTime[s]! += to[k]! - from[k]!;
  }
  return { offset, segStart, segEnd, ownTime };
}
