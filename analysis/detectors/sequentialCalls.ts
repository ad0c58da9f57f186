// sequential-calls: reads to different services made one after another by one parent, which could have run side by side.
import { costTail } from '../wording.ts';
import { longest, overlapSlackUs, pathTime, peakConcurrency, spanIdsOf, type Candidate, type Detector } from '../siblings.ts';
import { callFailed, forEachChild } from '../traceIndex.ts';

export const detectSequentialCalls: Detector = ({ ix, cp, roles, floorUs }) => {
  const out: Candidate[] = [];
  const opCount = new Map<string, number>();
  for (let p = 0; p < ix.n; p++) {
    if (ix.childOffset[p + 1]! - ix.childOffset[p]! < 2) continue;
    opCount.clear();
    forEachChild(ix, p, (c) => opCount.set(ix.spans[c]!.operationName, (opCount.get(ix.spans[c]!.operationName) ?? 0) + 1));
    // Reads only: they change nothing, so their order cannot matter. Loops of one operation are n-plus-one's.
    const reads: number[] = [];
    forEachChild(ix, p, (c) => {
      if (roles.isCall(c) && roles.isRead(c) && !callFailed(ix, c) && opCount.get(ix.spans[c]!.operationName) === 1) reads.push(c);
    });
    // Two calls in a row are often a lookup and its use; three or more independent reads make the case.
    if (reads.length < 3) continue;
    const peers = new Set(reads.map((c) => roles.peerOf(c) ?? ix.spans[c]!.operationName));
    if (peers.size < 2) continue;
    if (peakConcurrency(ix, reads, overlapSlackUs(ix, reads)) > 1) continue;
    const costUs = pathTime(cp, reads) - longest(ix, reads);
    if (costUs <= 0 || costUs < floorUs) continue;
    const names = [...peers];
    out.push({
      kind: 'sequential-calls',
      title: `${reads.length} independent reads from ${ix.service[p]} (${names.join(', ')}) ran one after another: ${costTail(costUs, ix.durationUs)}`,
      service: ix.service[p]!,
      operation: ix.spans[p]!.operationName,
      spanIDs: spanIdsOf(ix, reads),
      costUs,
      evidence: [`${reads.length} reads to ${names.length} different services, none overlapping, none repeated`],
      fix: 'Start these reads together (Promise.all or equivalent) and wait for all of them: the slowest sets the time.',
    });
  }
  return out;
};
