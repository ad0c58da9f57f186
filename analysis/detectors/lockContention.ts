// lock-contention: work that waited for a resource others held, seen as a wait step right before the work, or a wait inside a span.
import { ownPathWithin } from '../criticalPath.ts';
import { costTail, formatMs } from '../wording.ts';
import type { Candidate, Detector } from '../siblings.ts';
import type { TraceIndex } from '../traceIndex.ts';

export const detectLockContention: Detector = ({ ix, cp, roles, floorUs }) => {
  const out: Candidate[] = [];
  for (let w = 0; w < ix.n; w++) {
    const p = ix.parent[w]!;
    // Both shapes cost at most the span's own path time: below the floor, neither can be named.
    if (p < 0 || cp.subtree[w]! <= 0 || cp.subtree[w]! < floorUs) continue;
    // Shape 1: a step with no work below it, directly followed by work on the same resource.
    if (ix.childOffset[w + 1]! - ix.childOffset[w]! === 0) {
      const next = nextSibling(ix, p, w);
      if (next >= 0) {
        const peer = roles.peerOf(w);
        const waitText = peer !== undefined && peer === roles.peerOf(next) ? roles.waitText(w) : undefined;
        if (waitText) {
          const costUs = cp.subtree[w]!;
          out.push({
            kind: 'lock-contention',
            title: `${ix.service[w]} waited for ${peer}, held by others: ${costTail(costUs, ix.durationUs)}`,
            service: ix.service[w]!,
            operation: ix.spans[w]!.operationName,
            spanIDs: [ix.spans[w]!.spanID, ix.spans[next]!.spanID],
            costUs,
            evidence: [
              `"${ix.spans[w]!.operationName}" took ${formatMs(ix.end[w]! - ix.start[w]!)} and did no work of its own; "${ix.spans[next]!.operationName}" on ${peer} started the moment it ended`,
              waitText,
            ],
            fix: `Hold ${peer} for less time or give it more capacity (a larger pool, finer-grained locks), so requests stop queueing for it.`,
          });
          continue;
        }
      }
    }
    // Shape 2: the span logged a wait, then did nothing (no child, no log) until the wait ended.
    const logs = ix.spans[w]!.logs;
    if (!Array.isArray(logs) || logs.length === 0) continue;
    const wait = loggedWait(ix, w, roles.waitText);
    if (wait) {
      const costUs = ownPathWithin(cp, w, wait.from, wait.to);
      if (costUs <= 0 || costUs < floorUs) continue;
      out.push({
        kind: 'lock-contention',
        title: `${ix.service[w]} waited in line before its work: ${costTail(costUs, ix.durationUs)}`,
        service: ix.service[w]!,
        operation: ix.spans[w]!.operationName,
        spanIDs: [ix.spans[w]!.spanID],
        costUs,
        evidence: [`logged "${wait.text}", then nothing happened for ${formatMs(wait.to - wait.from)}`],
        fix: 'Shorten what holds the shared resource, or give it more capacity, so requests stop queueing for it.',
      });
    }
  }
  return out;
};

/** The sibling that starts first at or after w's end (children are by start, so it is found a few steps on). */
function nextSibling(ix: TraceIndex, p: number, w: number): number {
  const tol = Math.min(1000, 0.05 * (ix.end[w]! - ix.start[w]!));
  for (let k = ix.childPos[w]! + 1; k < ix.childOffset[p + 1]!; k++) {
    const c = ix.childList[k]!;
    if (c < 0) continue;
    // "Right after": within a tenth of the wait (a busy process takes a few ms to resume), at least 2 ms.
    if (ix.start[c]! >= ix.end[w]! - tol) return ix.start[c]! - ix.end[w]! <= Math.max(2000, 0.1 * (ix.end[w]! - ix.start[w]!)) ? c : -1;
  }
  return -1;
}

/** From the last wait-worded log to the next thing the span did (a child starting, another log, its end). */
function loggedWait(
  ix: TraceIndex,
  w: number,
  waitText: (i: number) => string | undefined,
): { from: number; to: number; text: string } | undefined {
  const s = ix.spans[w]!;
  const logs = Array.isArray(s.logs) ? s.logs : [];
  if (logs.length === 0 || !waitText(w)) return undefined;
  const times = logs.map((l) => (Number.isFinite(l?.timestamp) ? l.timestamp - ix.t0 : NaN));
  let best: { from: number; to: number; text: string } | undefined;
  for (let k = 0; k < logs.length; k++) {
    const text = (Array.isArray(logs[k]!.fields) ? logs[k]!.fields : []).map((f) => String(f?.value)).join(' ');
    if (!/\b(wait(s|ed|ing)?|queued?|lock(ed)?|behind|blocked)\b/i.test(text)) continue;
    const from = times[k]!;
    if (!Number.isFinite(from)) continue;
    let to = ix.end[w]!;
    for (let j = 0; j < logs.length; j++) if (times[j]! > from && times[j]! < to) to = times[j]!;
    for (let q = ix.childOffset[w]!; q < ix.childOffset[w + 1]!; q++) {
      const c = ix.childList[q]!;
      if (c >= 0 && ix.start[c]! >= from && ix.start[c]! < to) to = ix.start[c]!;
    }
    // Nothing marks the wait's end (no later log, no child): it may have been the work itself.
    if (to >= ix.end[w]!) continue;
    if (!best || to - from > best.to - best.from) best = { from, to, text };
  }
  return best;
}
