// n-plus-one: a parent calling the same operation many times one after another, where one batched call would do.
import { callFailed } from '../traceIndex.ts';
import { statementShape } from '../spanRoles.ts';
import { plural, clip, costTail, formatMs } from '../wording.ts';
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

/** Fewer than this many calls is a pair, not a loop. */
const N_PLUS_ONE_MIN_CALLS = 3;

export const detectNPlusOne: Detector = ({ ix, cp, roles, groups, floorUs }) => {
  const out: Candidate[] = [];
  for (const group of groups) {
    if (group.members.length < N_PLUS_ONE_MIN_CALLS) continue;
    const parent = group.parent;
    // Failed tries are the retries detector's; what is left must still be a loop.
    const members = group.members.filter((m) => !callFailed(ix, m));
    if (members.length < N_PLUS_ONE_MIN_CALLS) continue;
    if (!members.every((m) => roles.isCall(m))) continue;
    // One after another: never two at once, or (with clocks that make neighbours touch) about one on average.
    if (peakConcurrency(ix, members, overlapSlackUs(ix, members)) > 1 && meanConcurrency(ix, members) > SEQUENTIAL_MEAN) continue;
    const inputs = members.map((m) => roles.inputKey(m));
    const distinct = new Set(inputs.filter((k) => k !== undefined)).size;
    const known = inputs.filter((k) => k !== undefined).length;
    // Reads mostly repeating the same input are a missing cache (repeated-work), not a loop to batch.
    if (members.every((m) => roles.isRead(m)) && known > 0 && (known - distinct) * 2 >= members.length) continue;
    // A loop of cache hits is already the cheap path: the N+1 worth batching is of calls that do the work.
    if (members.filter((m) => roles.servedFromCache(m)).length * 2 >= members.length) continue;
    // Each round of the loop began with a cache miss: a read-through cache filling up (the fetch, then the
    // store), cold-start cost that the next request does not pay.
    let fills = 0;
    members.forEach((m, k) => {
      if (roles.cacheMissBetween(parent, k === 0 ? ix.start[parent]! : ix.end[members[k - 1]!]!, ix.start[m]!)) fills++;
    });
    if (fills * 2 >= members.length) continue;
    const costUs = pathTime(cp, members) - longest(ix, members);
    if (costUs <= 0 || costUs < floorUs) continue;
    if (!oneStatementRepeated(members, (m) => roles.statement(m))) continue;
    const first = members[0]!;
    const verb = roles.verb(first);
    const noun = verb && verb !== 'GET' && verb !== 'POST' && verb !== 'PUT' && verb !== 'DELETE' && verb !== 'PATCH' ? verb : 'call';
    const peer = roles.peerOf(first);
    const service = ix.service[parent]!;
    const perItem = distinct === known && known === members.length ? ', one per item' : '';
    const span = ix.spans[first]!;
    const evidence = [
      `${members.length} × "${span.operationName}" under ${service}: ${ix.spans[parent]!.operationName}, never two at once`,
      `each about ${formatMs(pathTime(cp, members) / members.length)} on the critical path; one batched call would take about ${formatMs(longest(ix, members))}`,
    ];
    const samples = [...new Set(inputs.filter((k): k is string => k !== undefined))].slice(0, 2);
    if (samples.length > 0) evidence.push(`inputs like ${samples.map((s) => `"${clip(s, 60)}"`).join(', ')}`);
    out.push({
      kind: 'n-plus-one',
      title: `${members.length} sequential ${plural(noun)}${peer ? ` to ${peer}` : ''} from ${service}${perItem}: ${costTail(costUs, ix.durationUs)}`,
      service,
      operation: ix.spans[parent]!.operationName,
      spanIDs: spanIdsOf(ix, members),
      costUs,
      evidence,
      fix: `Batch the ${members.length} calls into one (a bulk endpoint, or WHERE … IN (…) for a query).`,
    });
  }
  return out;
};

/**
 * Different statements that share a span name (OpenTelemetry names a query "SELECT <db>") are a page's
 * queries, not a loop: a loop runs one statement shape again and again. Calls without statements pass.
 */
function oneStatementRepeated(members: readonly number[], statement: (i: number) => string | undefined): boolean {
  const counts = new Map<string, number>();
  for (const m of members) {
    const st = statement(m);
    if (st === undefined) return true;
    const shape = statementShape(st);
    const n = (counts.get(shape) ?? 0) + 1;
    if (n >= N_PLUS_ONE_MIN_CALLS) return true;
    counts.set(shape, n);
  }
  return false;
}
