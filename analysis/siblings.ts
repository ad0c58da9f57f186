// Children of one parent doing the same operation, and how they overlapped: the raw material of most detectors.
import type { Finding } from '../model/index.ts';
import type { CriticalPath } from './criticalPath.ts';
import type { SpanRoles } from './spanRoles.ts';
import type { TraceIndex } from './traceIndex.ts';

/** Same parent, same service, same operation name; members by start time. */
export interface SiblingGroup {
  parent: number;
  members: number[];
}

/** What every detector gets: the indexed trace, its critical path, span roles and the sibling groups. */
export interface AnalysisContext {
  ix: TraceIndex;
  cp: CriticalPath;
  roles: SpanRoles;
  groups: SiblingGroup[];
  /** Findings costing less are dropped, so detectors may skip them before writing any words (µs). */
  floorUs: number;
}

/** A finding before its share is known; costs stay in µs until the end. */
export type Candidate = Omit<Finding, 'costMs' | 'share' | 'fingerprint'> & { costUs: number };

export type Detector = (ctx: AnalysisContext) => Candidate[];

/** Groups of two or more, over the whole trace, in one pass over the children lists. */
export function sameOperationGroups(ix: TraceIndex): SiblingGroup[] {
  const out: SiblingGroup[] = [];
  const byKey = new Map<number, number[]>();
  const ops = ix.opNames.length;
  for (let p = 0; p < ix.n; p++) {
    const from = ix.childOffset[p]!;
    const to = ix.childOffset[p + 1]!;
    if (to - from < 2) continue;
    byKey.clear();
    for (let k = from; k < to; k++) {
      const c = ix.childList[k]!;
      if (c < 0) continue;
      const key = ix.serviceId[c]! * ops + ix.opId[c]!;
      const list = byKey.get(key);
      if (list) list.push(c);
      else byKey.set(key, [c]);
    }
    for (const members of byKey.values()) if (members.length >= 2) out.push({ parent: p, members });
  }
  return out;
}

/**
 * How much two consecutive steps may overlap and still count as one after the other: clocks
 * in whole milliseconds (jaeger-client's default) make back-to-back calls touch or overlap by 1 ms.
 */
export function overlapSlackUs(ix: TraceIndex, members: readonly number[]): number {
  let shortest = Infinity;
  for (const m of members) shortest = Math.min(shortest, ix.end[m]! - ix.start[m]!);
  return Math.min(1000, 0.25 * (Number.isFinite(shortest) ? shortest : 0));
}

/** The most members running at one moment (members sorted by start). */
export function peakConcurrency(ix: TraceIndex, members: readonly number[], slackUs: number): number {
  const ends = members.map((m) => ix.end[m]!).sort((a, b) => a - b);
  let e = 0;
  let active = 0;
  let peak = 0;
  for (const m of members) {
    const s = ix.start[m]!;
    while (e < ends.length && ends[e]! <= s + slackUs) {
      e++;
      active--;
    }
    active++;
    if (active > peak) peak = active;
  }
  return peak;
}

/** Mean concurrency up to which a group still reads as one after another. */
export const SEQUENTIAL_MEAN = 1.2;

/**
 * How many members ran at once on average over the stretch they cover: the sum of their durations
 * over the length of the union of their intervals. About 1 for a sequence even when clocks make
 * neighbours overlap a little, about k for k at a time.
 */
export function meanConcurrency(ix: TraceIndex, members: readonly number[]): number {
  let busy = 0;
  let union = 0;
  let reach = -Infinity;
  for (const m of members) {
    // Members come by start time.
    const s = ix.start[m]!;
    const e = ix.end[m]!;
    busy += e - s;
    if (e > reach) {
      union += e - Math.max(s, reach);
      reach = e;
    }
  }
  return union > 0 ? busy / union : 1;
}

/** Sum of the members' critical-path time, subtrees included, µs. */
export function pathTime(cp: CriticalPath, members: readonly number[]): number {
  let t = 0;
  for (const m of members) t += cp.subtree[m]!;
  return t;
}

export function longest(ix: TraceIndex, members: readonly number[]): number {
  let best = 0;
  for (const m of members) best = Math.max(best, ix.end[m]! - ix.start[m]!);
  return best;
}

export function spanIdsOf(ix: TraceIndex, members: readonly number[]): string[] {
  return members.map((m) => ix.spans[m]!.spanID);
}
