// repeated-sequence (MN+1): the same few calls repeated one round after another, once per item, where each could be batched.
import { costTail, plural } from '../wording.ts';
import { meanConcurrency, pathTime, spanIdsOf, SEQUENTIAL_MEAN, type Candidate, type Detector } from '../siblings.ts';
import { callFailed, forEachChild } from '../traceIndex.ts';

/** Rounds needed to call it a loop (as n-plus-one asks three calls); calls per round looked for. */
const MIN_ROUNDS = 3;
const MAX_ROUND = 4;

export const detectRepeatedSequence: Detector = ({ ix, cp, roles, floorUs }) => {
  const out: Candidate[] = [];
  const kids: number[] = [];
  const keys: number[] = [];
  const ops = ix.opNames.length;
  for (let p = 0; p < ix.n; p++) {
    if (ix.childOffset[p + 1]! - ix.childOffset[p]! < 2 * MIN_ROUNDS) continue;
    kids.length = 0;
    forEachChild(ix, p, (c) => {
      if (roles.isCall(c) && !callFailed(ix, c)) kids.push(c);
    });
    if (kids.length < 2 * MIN_ROUNDS) continue;
    keys.length = 0;
    for (const c of kids) keys.push(ix.serviceId[c]! * ops + ix.opId[c]!);
    const found = longestRepeat(keys);
    if (!found) continue;
    const members = kids.slice(found.from, found.from + found.rounds * found.period);
    if (meanConcurrency(ix, members) > SEQUENTIAL_MEAN) continue;
    // Rounds that begin with a cache lookup that missed are a read-through cache filling up: cold-start cost, as n-plus-one judges it.
    let fills = 0;
    for (let r = 0; r < found.rounds; r++) {
      const first = members[r * found.period]!;
      const last = members[r * found.period + found.period - 1]!;
      if (roles.cacheMissBetween(p, ix.start[first]!, ix.start[last]!)) fills++;
    }
    if (fills * 2 >= found.rounds) continue;
    // Batched, each kind of call is made once, taking about its longest round.
    const most = new Map<number, number>();
    for (const m of members) {
      const key = ix.serviceId[m]! * ops + ix.opId[m]!;
      most.set(key, Math.max(most.get(key) ?? 0, cp.subtree[m]!));
    }
    let batched = 0;
    for (const t of most.values()) batched += t;
    const costUs = pathTime(cp, members) - batched;
    if (costUs <= 0 || costUs < floorUs) continue;
    const round = members.slice(0, found.period).map((m) => `"${ix.spans[m]!.operationName}"`);
    out.push({
      kind: 'repeated-sequence',
      title: `${found.rounds} rounds of the same ${found.period} calls from ${ix.service[p]}, one round per item: ${costTail(costUs, ix.durationUs)}`,
      service: ix.service[p]!,
      operation: ix.spans[p]!.operationName,
      spanIDs: spanIdsOf(ix, members),
      costUs,
      evidence: [`${round.join(' then ')}, ${found.rounds} times in a row, one round after another`],
      fix: `Batch each of the ${found.period} ${plural('call')} across the items (a bulk endpoint, WHERE … IN (…)), so each is made once.`,
    });
  }
  return out;
};

/**
 * The longest stretch made of >= MIN_ROUNDS consecutive rounds of the same 2…MAX_ROUND different calls.
 * A round is compared as a set: clocks that make neighbours overlap can swap two calls' starts.
 */
function longestRepeat(keys: readonly number[]): { from: number; period: number; rounds: number } | undefined {
  let best: { from: number; period: number; rounds: number } | undefined;
  const distinct = (a: number, period: number) => {
    for (let x = a; x < a + period; x++) for (let y = x + 1; y < a + period; y++) if (keys[x] === keys[y]) return false;
    return true;
  };
  // Both rounds hold `period` different calls, and each of a's is in b: the same set.
  const sameSet = (a: number, b: number, period: number) => {
    if (!distinct(a, period)) return false;
    for (let j = 0; j < period; j++) {
      let found = false;
      for (let q = 0; q < period && !found; q++) found = keys[a + j] === keys[b + q];
      if (!found) return false;
    }
    return true;
  };
  for (let period = 2; period <= MAX_ROUND; period++) {
    for (let from = 0; from + MIN_ROUNDS * period <= keys.length; from++) {
      if (!distinct(from, period)) continue;
      let rounds = 1;
      while (from + (rounds + 1) * period <= keys.length && sameSet(from + rounds * period, from, period)) rounds++;
      if (rounds >= MIN_ROUNDS && (!best || rounds * period > best.rounds * best.period)) best = { from, period, rounds };
      // A run starting inside this one is shorter: skip to its last round, so a long run is walked once.
      if (rounds > 1) from += (rounds - 1) * period - 1;
    }
  }
  return best;
}
