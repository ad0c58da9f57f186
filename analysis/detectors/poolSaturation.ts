// pool-saturation: a fan-out of like tasks that ran at most k at a time, each new one starting as another ended (a staircase).
import { ownPathWithin } from '../criticalPath.ts';
import { costTail } from '../wording.ts';
import {
  longest,
  meanConcurrency,
  overlapSlackUs,
  pathTime,
  peakConcurrency,
  spanIdsOf,
  SEQUENTIAL_MEAN,
  type Candidate,
  type Detector,
} from '../siblings.ts';
import type { SpanRoles } from '../spanRoles.ts';
import { forEachChild, type TraceIndex } from '../traceIndex.ts';

const MIN_TASKS = 3;

/**
 * Like tasks: same service and component, and the same first word of the operation ("resize 1",
 * "resize 2"), as one number per span (ids interned once per trace).
 */
function familyKeys(ix: TraceIndex, roles: SpanRoles): Float64Array {
  const heads = new Map<string, number>();
  const headOfOp = ix.opNames.map((op) => {
    const h = headWord(op);
    let id = heads.get(h);
    if (id === undefined) heads.set(h, (id = heads.size));
    return id;
  });
  const components = new Map<string | undefined, number>();
  const keys = new Float64Array(ix.n);
  let services = 1;
  for (let i = 0; i < ix.n; i++) services = Math.max(services, ix.serviceId[i]! + 1);
  for (let i = 0; i < ix.n; i++) {
    const comp = roles.component(i);
    let cid = components.get(comp);
    if (cid === undefined) components.set(comp, (cid = components.size));
    keys[i] = (cid * services + ix.serviceId[i]!) * (heads.size + 1) + headOfOp[ix.opId[i]!]!;
  }
  return keys;
}

function headWord(op: string | undefined): string {
  const m = /^[^\s:/(]*/.exec(op ?? '');
  return m ? m[0] : '';
}

/** Tasks (after the first k) that started the moment another task of the same fan-out ended. */
function handoffs(ix: TraceIndex, members: number[], slackUs: number): number {
  const ends = members.map((m) => ix.end[m]!).sort((a, b) => a - b);
  let count = 0;
  for (const m of members) {
    const s = ix.start[m]!;
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! < s - slackUs) lo = mid + 1;
      else hi = mid;
    }
    if (lo < ends.length && ends[lo]! <= s + slackUs && ends[lo]! !== ix.end[m]) count++;
  }
  return count;
}

export const detectPoolSaturation: Detector = ({ ix, cp, roles, floorUs }) => {
  const out: Candidate[] = [];
  const families = new Map<number, number[]>();
  const familyOf = familyKeys(ix, roles);
  for (let p = 0; p < ix.n; p++) {
    if (ix.childOffset[p + 1]! - ix.childOffset[p]! < MIN_TASKS) continue;
    families.clear();
    forEachChild(ix, p, (c) => {
      const key = familyOf[c]!;
      const list = families.get(key);
      if (list) list.push(c);
      else families.set(key, [c]);
    });
    for (const members of families.values()) {
      // The pool lives in the parent's process: children answered in another service show the callee's side.
      if (members.length < MIN_TASKS || ix.service[members[0]!] !== ix.service[p]) continue;
      const calls = members.every((m) => roles.isCall(m));
      const slack = Math.max(overlapSlackUs(ix, members), 200);
      const mean = meanConcurrency(ix, members);
      // A sequence whose neighbours touch (clock jitter) is not a pool of two: judge k from the average too.
      const k = mean <= SEQUENTIAL_MEAN ? 1 : peakConcurrency(ix, members, slack);
      if (k >= members.length) continue;
      // One at a time is a pool only for in-process tasks (calls one at a time are n-plus-one's), and only
      // when the spans also speak of queueing: a plain loop of in-process steps looks the same.
      if (k === 1 && calls) continue;
      const queueWords = () => roles.waitText(p) ?? members.map((m) => roles.waitText(m)).find((x) => x !== undefined);
      const queueText = k === 1 ? queueWords() : undefined;
      if (k === 1 && !queueText) continue;
      const waiting = members.length - k;
      const h = handoffs(ix, members, Math.max(slack, 1000));
      if (h < Math.max(2, Math.ceil(0.8 * waiting))) continue;
      let from = Infinity;
      let to = -Infinity;
      for (const m of members) {
        from = Math.min(from, ix.start[m]!);
        to = Math.max(to, ix.end[m]!);
      }
      const onPath = pathTime(cp, members) + ownPathWithin(cp, p, from, to);
      const costUs = Math.min(onPath, to - from) - longest(ix, members);
      if (costUs <= 0 || costUs < floorUs) continue;
      const head = headWord(ix.spans[members[0]!]!.operationName) || 'task';
      const service = ix.service[p]!;
      out.push({
        kind: 'pool-saturation',
        title: `${members.length} ${head} tasks ran at most ${k} at a time in ${ix.service[members[0]!]}: ${costTail(costUs, ix.durationUs)}`,
        service,
        operation: ix.spans[p]!.operationName,
        spanIDs: spanIdsOf(ix, members),
        costUs,
        evidence: [
          `${members.length} like tasks under ${service}: ${ix.spans[p]!.operationName}, never more than ${k} running`,
          `${h} of them started the moment another ended: a staircase`,
          ...(queueText ? [queueText] : []),
        ],
        fix: `Let more run at once: a pool of ${members.length} (or enough workers for the fan-out) would finish in about the longest task.`,
      });
    }
  }
  return out;
};
