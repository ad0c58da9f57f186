// retries: a call that failed or timed out, followed by another try of the same operation with the same input.
import { ownPathWithin } from '../criticalPath.ts';
import { counted, costTail, formatMs } from '../wording.ts';
import { overlapSlackUs, spanIdsOf, type Candidate, type Detector } from '../siblings.ts';
import { callFailed as failed, forEachChild, type TraceIndex } from '../traceIndex.ts';

function otherStartedBetween(ix: TraceIndex, parent: number, a: number, b: number): boolean {
  const op = ix.spans[a]!.operationName;
  let found = false;
  forEachChild(ix, parent, (c) => {
    if (!found && c !== a && c !== b && ix.spans[c]!.operationName !== op && ix.start[c]! >= ix.end[a]! && ix.start[c]! < ix.start[b]!)
      found = true;
  });
  return found;
}

export const detectRetries: Detector = ({ ix, cp, roles, groups, floorUs }) => {
  const out: Candidate[] = [];
  for (const { parent, members } of groups) {
    const slack = overlapSlackUs(ix, members);
    const retried: number[] = [];
    let last = -1;
    let costUs = 0;
    for (let k = 0; k + 1 < members.length; k++) {
      const a = members[k]!;
      const b = members[k + 1]!;
      if (!failed(ix, a)) continue;
      // A retry starts once the failed try is over; an overlapping one is a parallel call (or a hedge).
      if (ix.start[b]! < ix.end[a]! - slack) continue;
      // Something else started in between: the next call of the same operation is a new use, not a retry.
      if (otherStartedBetween(ix, parent, a, b)) continue;
      const ka = roles.inputKey(a);
      const kb = roles.inputKey(b);
      if (ka !== undefined && kb !== undefined && ka !== kb) continue;
      retried.push(a);
      last = b;
      // The failed try, and the back-off the parent spent before trying again.
      costUs += cp.subtree[a]! + ownPathWithin(cp, parent, ix.end[a]!, ix.start[b]!);
    }
    if (retried.length === 0 || costUs <= 0 || costUs < floorUs) continue;
    const first = retried[0]!;
    const peer = roles.peerOf(first);
    const service = ix.service[parent]!;
    const durations = retried.map((m) => ix.end[m]! - ix.start[m]!);
    const evidence = [
      `${counted(retried.length, 'failed try')} of "${ix.spans[first]!.operationName}", each followed by another try`,
      `failed tries took ${durations.map(formatMs).join(', ')}`,
    ];
    const why = roles.retryText(first) ?? roles.retryText(parent);
    if (why) evidence.push(why);
    evidence.push(ix.error[last] || failed(ix, last) ? 'the last try failed too' : 'the last try succeeded');
    out.push({
      kind: 'retries',
      title: `${counted(retried.length, 'failed call')}${peer ? ` to ${peer}` : ''} retried by ${service}: ${costTail(costUs, ix.durationUs)}`,
      service,
      operation: ix.spans[parent]!.operationName,
      spanIDs: spanIdsOf(ix, [...retried, last]),
      costUs,
      evidence,
      fix: `Fix or fail fast on ${peer ?? 'the dependency'}: a shorter timeout, a circuit breaker, or a fallback instead of waiting out each try.`,
    });
  }
  return out;
};
