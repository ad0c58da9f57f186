// slow-query: one database statement far slower than the request's other statements, holding up the request.
import { clip, costTail, formatMs } from '../wording.ts';
import type { Candidate, Detector } from '../siblings.ts';
import { statementShape } from '../spanRoles.ts';

/** Statements needed besides the slow one to know what "usual" is here. */
const MIN_SIBLINGS = 3;
/** How many times the others' median a statement must take to stand out… */
const SLOW_RATIO = 5;
/**
 * …and by how much, µs: a busy process stalls every statement for tens of ms now and then (a burst on
 * the mesh stalls a 1 ms cache read to 70 ms). Sentry's absolute line is 500 ms; relative to its
 * siblings a statement needs less, but not a stall's worth.
 */
const SLOW_EXCESS_US = 100_000;

export const detectSlowQuery: Detector = ({ ix, cp, roles, floorUs }) => {
  // Leaf statements only (a transaction's span holds its statements' time), grouped by the database they went to.
  const leaf = (i: number) => roles.statement(i) !== undefined && ix.childOffset[i + 1] === ix.childOffset[i];
  // Most traces hold no statement long enough to be slow: then nothing is grouped.
  let anyLong = false;
  for (let i = 0; i < ix.n && !anyLong; i++) anyLong = ix.end[i]! - ix.start[i]! >= SLOW_EXCESS_US && leaf(i);
  if (!anyLong) return [];
  const byDatabase = new Map<string, number[]>();
  for (let i = 0; i < ix.n; i++) {
    if (!leaf(i)) continue;
    // A write is not compared with reads: siblings share the database and the verb (SELECT with SELECT, SET with SET).
    const db = `${ix.service[i]}\u0000${roles.peerOf(i) ?? ''}\u0000${roles.verb(i) ?? ''}`;
    const list = byDatabase.get(db);
    if (list) list.push(i);
    else byDatabase.set(db, [i]);
  }
  const out: Candidate[] = [];
  for (const queries of byDatabase.values()) slowAmong(queries);
  return out;

  function slowAmong(queries: number[]): void {
    if (queries.length < MIN_SIBLINGS + 1) return;
    const durations = queries.map((q) => ix.end[q]! - ix.start[q]!);
    const sorted = [...durations].sort((a, b) => a - b);
    // The median of the others: with the slow one at the top, the lower median of the whole set.
    const usual = sorted[Math.floor((sorted.length - 2) / 2)]!;
    let shapes: string[] | undefined;
    queries.forEach((q, k) => {
      const took = durations[k]!;
      if (took < SLOW_RATIO * Math.max(usual, 1) || took - usual < SLOW_EXCESS_US) return;
      // The same statement ran fast elsewhere in this request: this once was a hiccup (a busy disk, a pause), not the query.
      shapes ??= queries.map((x) => statementShape(roles.statement(x)!));
      if (shapes.some((shape, j) => j !== k && shape === shapes![k] && durations[j]! * SLOW_RATIO <= took)) return;
      // A statement that waited (for a lock, a connection) is the lock detectors' to name.
      if (roles.waitText(q)) return;
      // What it cost beyond a usual statement, as far as the request waited on it.
      const costUs = Math.min(cp.subtree[q]!, took - usual);
      if (costUs <= 0 || costUs < floorUs) return;
      const verb = roles.verb(q) ?? 'query';
      const peer = roles.peerOf(q);
      out.push({
        kind: 'slow-query',
        title: `One ${verb}${peer ? ` to ${peer}` : ''} in ${ix.service[q]} took ${formatMs(took)}, ${Math.round(took / Math.max(usual, 1))}× the median of its ${queries.length - 1} siblings: ${costTail(costUs, ix.durationUs)}`,
        service: ix.service[q]!,
        operation: ix.spans[q]!.operationName,
        spanIDs: [ix.spans[q]!.spanID],
        costUs,
        evidence: [
          `"${clip(roles.statement(q)!, 100)}" took ${formatMs(took)}`,
          `the request's other ${queries.length - 1} statements of that kind to the same database took ${formatMs(usual)} in the middle case`,
        ],
        fix: "Read this query's plan: an index, a narrower query or a precomputed result; if it is slow in every request, cache it.",
      });
    });
  }
};
