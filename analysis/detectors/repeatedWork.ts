// repeated-work: the same read with the same input done again in one request, which a cache (or reading once) would save.
import { counted, costTail, plural } from '../wording.ts';
import { spanIdsOf, type Candidate, type Detector } from '../siblings.ts';
import { callFailed } from '../traceIndex.ts';

export const detectRepeatedWork: Detector = ({ ix, cp, roles, floorUs }) => {
  // Reads whose input the span shows.
  // Grouped by operation (a number) and then by input, so no key string is built per span.
  const byOperation = new Map<number, Map<string, number[]>>();
  const ops = ix.opNames.length;
  for (let k = 0; k < ix.n; k++) {
    const i = ix.topo[k]!;
    // Failed tries are retries, not repeats; a read already served from a cache is not missing one.
    if (!roles.isCall(i) || roles.servedFromCache(i) || callFailed(ix, i) || !roles.isRead(i)) continue;
    const input = roles.inputKey(i);
    if (input === undefined) continue;
    const op = ix.serviceId[i]! * ops + ix.opId[i]!;
    let inputs = byOperation.get(op);
    if (!inputs) byOperation.set(op, (inputs = new Map()));
    const list = inputs.get(input);
    if (list) list.push(i);
    else inputs.set(input, [i]);
  }
  const byInput: number[][] = [];
  for (const inputs of byOperation.values()) for (const list of inputs.values()) byInput.push(list);
  const member = new Uint8Array(ix.n);
  for (const list of byInput) if (list.length >= 2) for (const i of list) member[i] = 1;
  // A repeated call's own repeated children (its query, say) are the same repetition: count the outermost only.
  const inside = new Uint8Array(ix.n);
  for (let k = 0; k < ix.n; k++) {
    const i = ix.topo[k]!;
    const p = ix.parent[i]!;
    if (p >= 0 && (inside[p] || member[p])) inside[i] = 1;
  }
  const places = new Map<string, { service: string; operation: string; runs: number[]; repeats: number[]; inputs: number }>();
  for (const list of byInput) {
    const outer = list.filter((i) => !inside[i]).sort((a, b) => ix.start[a]! - ix.start[b]! || a - b);
    if (outer.length < 2) continue;
    const first = outer[0]!;
    const key = `${ix.service[first]}\u0000${ix.spans[first]!.operationName}`;
    const place = places.get(key) ?? {
      service: ix.service[first]!,
      operation: ix.spans[first]!.operationName,
      runs: [],
      repeats: [],
      inputs: 0,
    };
    // Loops, not spreads: a trace can repeat one read more times than a call may take arguments.
    for (const i of outer) place.runs.push(i);
    for (let k = 1; k < outer.length; k++) place.repeats.push(outer[k]!);
    place.inputs++;
    places.set(key, place);
  }
  const out: Candidate[] = [];
  for (const place of places.values()) {
    let costUs = 0;
    for (const i of place.repeats) costUs += cp.subtree[i]!;
    if (costUs <= 0 || costUs < floorUs) continue;
    const first = place.runs[0]!;
    const verb = roles.verb(first);
    const noun = verb && verb !== 'GET' ? verb : 'read';
    const total = place.runs.length;
    out.push({
      kind: 'repeated-work',
      title: `${total} ${plural(noun)} from ${place.service} for only ${counted(place.inputs, 'distinct input')}: ${costTail(costUs, ix.durationUs)}`,
      service: place.service,
      operation: place.operation,
      spanIDs: spanIdsOf(ix, place.repeats),
      costUs,
      evidence: [
        `"${place.operation}" ran ${total} times; ${counted(place.repeats.length, 'run')} repeated an input already read in this request`,
        `no cache hit recorded on these reads`,
      ],
      fix: `Cache what "${place.operation}" reads (or read it once per request and pass it along).`,
    });
  }
  return out;
};
