// chatty-calls: one service calling another many times with several kinds of call in one request, where a coarser call would do.
import { costTail, formatMs } from '../wording.ts';
import { longest, pathTime, spanIdsOf, type Candidate, type Detector } from '../siblings.ts';

/** perf-sentinel's line for a chatty service; fewer calls are a normal conversation. */
const CHATTY_MIN_CALLS = 15;
/** Fewer kinds of call are a loop, the n-plus-one's or repeated-work's to name. */
const CHATTY_MIN_OPERATIONS = 3;

export const detectChattyCalls: Detector = ({ ix, cp, roles, floorUs }) => {
  // First per calling service (numbers only): enough calls, of enough kinds, costing enough on the path.
  const services = new Map<number, { calls: number; ops: Set<number>; pathUs: number }>();
  const isCall = new Uint8Array(ix.n);
  for (let i = 0; i < ix.n; i++) {
    if (!roles.isCall(i)) continue;
    isCall[i] = 1;
    let s = services.get(ix.serviceId[i]!);
    if (!s) services.set(ix.serviceId[i]!, (s = { calls: 0, ops: new Set(), pathUs: 0 }));
    s.calls++;
    if (s.ops.size < CHATTY_MIN_OPERATIONS) s.ops.add(ix.opId[i]!);
    s.pathUs += cp.subtree[i]!;
  }
  const worth = (i: number) => {
    const s = services.get(ix.serviceId[i]!)!;
    return s.calls >= CHATTY_MIN_CALLS && s.ops.size >= CHATTY_MIN_OPERATIONS && s.pathUs >= floorUs;
  };
  // Then, for those, per peer.
  const byPair = new Map<string, number[]>();
  for (let i = 0; i < ix.n; i++) {
    if (!isCall[i] || !worth(i)) continue;
    const peer = roles.peerOf(i);
    if (!peer || peer === ix.service[i]) continue;
    const key = `${ix.service[i]}\u0000${peer}`;
    const list = byPair.get(key);
    if (list) list.push(i);
    else byPair.set(key, [i]);
  }
  const out: Candidate[] = [];
  for (const [key, calls] of byPair) {
    if (calls.length < CHATTY_MIN_CALLS) continue;
    const ops = new Set(calls.map((c) => ix.opId[c]!));
    if (ops.size < CHATTY_MIN_OPERATIONS) continue;
    // What the calls cost the request beyond the one call a coarser API would still make.
    const costUs = pathTime(cp, calls) - longest(ix, calls);
    if (costUs <= 0 || costUs < floorUs) continue;
    const [service, peer] = key.split('\u0000') as [string, string];
    // The place is the span most of the calls come from.
    const parents = new Map<number, number>();
    for (const c of calls) parents.set(ix.parent[c]!, (parents.get(ix.parent[c]!) ?? 0) + 1);
    const owner = [...parents].sort((a, b) => b[1] - a[1])[0]![0];
    const at = owner >= 0 ? owner : calls[0]!;
    out.push({
      kind: 'chatty-calls',
      title: `${service} called ${peer} ${calls.length} times (${ops.size} kinds of call) in one request: ${costTail(costUs, ix.durationUs)}`,
      service,
      operation: ix.spans[at]!.operationName,
      spanIDs: spanIdsOf(ix, calls),
      costUs,
      evidence: [
        `${calls.length} calls from ${service} to ${peer}: ${[...ops]
          .slice(0, 4)
          .map((o) => `"${ix.opNames[o]}"`)
          .join(', ')}${ops.size > 4 ? ', …' : ''}`,
        `${formatMs(pathTime(cp, calls))} of them on the critical path; the longest single call took ${formatMs(longest(ix, calls))}`,
      ],
      fix: `Give ${peer} a coarser call that answers what ${service} needs in one round trip (or cache what it asks for again).`,
    });
  }
  return out;
};
