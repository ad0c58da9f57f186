// fan-out: one step calling more than twenty others at once and waiting for the slowest of them.
import { costTail, formatMs } from '../wording.ts';
import { longest, overlapSlackUs, pathTime, peakConcurrency, spanIdsOf, type Candidate, type Detector } from '../siblings.ts';
import { forEachChild } from '../traceIndex.ts';

/** perf-sentinel's line: more than this many children calling out. */
const FAN_OUT_OVER = 20;

export const detectFanOut: Detector = ({ ix, cp, roles, floorUs }) => {
  const out: Candidate[] = [];
  const calls: number[] = [];
  for (let p = 0; p < ix.n; p++) {
    if (ix.childOffset[p + 1]! - ix.childOffset[p]! <= FAN_OUT_OVER) continue;
    calls.length = 0;
    forEachChild(ix, p, (c) => {
      if (roles.isCall(c)) calls.push(c);
    });
    if (calls.length <= FAN_OUT_OVER) continue;
    // At once: at least half in flight together. Fewer at a time is a loop or a pool (n-plus-one's, pool-saturation's).
    const peak = peakConcurrency(ix, calls, overlapSlackUs(ix, calls));
    if (peak * 2 < calls.length) continue;
    // The request waited for the slowest call; the fan-out cost what the calls held the path.
    const costUs = pathTime(cp, calls);
    if (costUs <= 0 || costUs < floorUs) continue;
    const peers = new Set(calls.map((c) => roles.peerOf(c) ?? ix.spans[c]!.operationName));
    const durations = calls.map((c) => ix.end[c]! - ix.start[c]!).sort((a, b) => a - b);
    const median = durations[Math.floor(durations.length / 2)]!;
    out.push({
      kind: 'fan-out',
      title: `${ix.service[p]} fanned out to ${calls.length} calls at once and waited for the slowest: ${costTail(costUs, ix.durationUs)}`,
      service: ix.service[p]!,
      operation: ix.spans[p]!.operationName,
      spanIDs: spanIdsOf(ix, calls),
      costUs,
      evidence: [
        `${calls.length} calls under "${ix.spans[p]!.operationName}" to ${peers.size} ${peers.size === 1 ? 'peer' : 'peers'}, up to ${peak} at once`,
        `the median call took ${formatMs(median)}, the slowest ${formatMs(longest(ix, calls))}: the request waits for the tail`,
      ],
      fix: 'Call fewer, coarser endpoints; give the slowest a deadline (or hedge it) and answer with what has arrived.',
    });
  }
  return out;
};
