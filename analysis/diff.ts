// Where the time went between two traces of one request: their critical paths aligned by service/operation lineage, and the findings gone or new.
import type { Finding, JaegerTrace, PathChange, TraceDiff } from '../model/index.ts';
import { analyze } from './analyze.ts';
import { findCriticalPath } from './criticalPath.ts';
import { indexTrace } from './traceIndex.ts';
import { formatMs, formatShare } from './wording.ts';

interface Place {
  service: string;
  operation: string;
  lineage: string[];
  count: number;
  ownUs: number;
  /** The spans' own durations summed, µs: did they take longer, or only move on or off the path? */
  spanUs: number;
}

/**
 * Each span's place is the chain of "service operation" from its root: the same step of the
 * request in both traces whatever its span ids, and its repeats (an N+1's calls, a retry's
 * attempts) add up at one place, so "3 calls → 1" reads as one change.
 */
function places(trace: JaegerTrace): { durationUs: number; byKey: Map<string, Place> } {
  const ix = indexTrace(trace);
  const cp = findCriticalPath(ix);
  const keyOf = new Array<string>(ix.n);
  const byKey = new Map<string, Place>();
  for (let k = 0; k < ix.n; k++) {
    const i = ix.topo[k]!;
    const p = ix.parent[i]!;
    const operation = ix.spans[i]!.operationName;
    const me = `${ix.service[i]} ${operation}`;
    const key = p >= 0 ? `${keyOf[p]}\u0000${me}` : me;
    keyOf[i] = key;
    let place = byKey.get(key);
    if (!place)
      byKey.set(key, (place = { service: ix.service[i]!, operation, lineage: key.split('\u0000'), count: 0, ownUs: 0, spanUs: 0 }));
    place.count++;
    place.ownUs += cp.own[i]!;
    place.spanUs += ix.end[i]! - ix.start[i]!;
  }
  return { durationUs: ix.durationUs, byKey };
}

/** Spans must shrink or grow by more than this ratio to count as faster or slower rather than moved on or off the path. */
const SAME_SPEED = 1.25;

function changeOf(pa: Place | undefined, pb: Place | undefined, deltaUs: number): PathChange['change'] {
  if (!pa) return 'added';
  if (!pb) return 'removed';
  // Less waited on: faster only if the spans themselves shrank (work run alongside can even take longer).
  if (deltaUs < 0) return pb.spanUs * SAME_SPEED < pa.spanUs ? 'faster' : 'off-path';
  return pb.spanUs > pa.spanUs * SAME_SPEED ? 'slower' : 'on-path';
}

const CHANGE_WORDS: Record<PathChange['change'], string> = {
  added: 'added',
  removed: 'removed',
  slower: 'slower',
  faster: 'faster',
  'off-path': 'now alongside other work, off the critical path',
  'on-path': 'about as long, now waited on',
};

const ms = (us: number) => Math.round(us / 100) / 10;
/** "−555 ms", "+12 ms": a sign always, a true minus. */
const signed = (us: number) => `${us < 0 ? '\u2212' : '+'}${formatMs(Math.abs(us))}`;
/** A finding's title without its cost tail (the diff states its own figures). */
const shortTitle = (f: Finding) => f.title.replace(/: [^:]*% of the request$/, '');

/** Changes smaller than this share of the end-to-end change (or 1 ms) are left unnamed, at most this many named. */
const NAMED_SHARE = 0.01;
const MAX_NAMED = 12;

export function diffTraces(before: JaegerTrace, after: JaegerTrace): TraceDiff {
  const a = places(before);
  const b = places(after);
  const changeUs = b.durationUs - a.durationUs;
  const all: (PathChange & { deltaUs: number })[] = [];
  for (const key of new Set([...a.byKey.keys(), ...b.byKey.keys()])) {
    const pa = a.byKey.get(key);
    const pb = b.byKey.get(key);
    const place = (pa ?? pb)!;
    const deltaUs = (pb?.ownUs ?? 0) - (pa?.ownUs ?? 0);
    if (deltaUs === 0 && pa && pb && pa.count === pb.count) continue;
    all.push({
      service: place.service,
      operation: place.operation,
      lineage: place.lineage,
      change: changeOf(pa, pb, deltaUs),
      countBefore: pa?.count ?? 0,
      countAfter: pb?.count ?? 0,
      beforeMs: ms(pa?.ownUs ?? 0),
      afterMs: ms(pb?.ownUs ?? 0),
      deltaMs: ms(deltaUs),
      deltaUs,
    });
  }
  all.sort((x, y) => Math.abs(y.deltaUs) - Math.abs(x.deltaUs));
  const floorUs = Math.max(1000, NAMED_SHARE * Math.abs(changeUs));
  const named = all.filter((c) => Math.abs(c.deltaUs) >= floorUs).slice(0, MAX_NAMED);
  const explainedUs = named.reduce((t, c) => t + c.deltaUs, 0);

  const fa = analyze(before);
  const fb = analyze(after);
  const inB = new Set(fb.map((f) => f.fingerprint));
  const inA = new Set(fa.map((f) => f.fingerprint));
  const gone = fa.filter((f) => !inB.has(f.fingerprint));
  const appeared = fb.filter((f) => !inA.has(f.fingerprint));

  const what = [
    ...(gone.length ? [`${gone.map(shortTitle).join('; ')} gone`] : []),
    ...(appeared.length ? [`${appeared.map(shortTitle).join('; ')} appeared`] : []),
  ];
  const top = named[0];
  const headline = `${signed(changeUs)}: ${what.length ? what.join(', ') : top ? `mostly ${top.service} ${top.operation} (${CHANGE_WORDS[top.change]})` : 'no step changed'}`;
  const explainedShare = changeUs === 0 ? 1 : explainedUs / changeUs;
  const lines = [
    headline,
    `  ${formatMs(a.durationUs)} → ${formatMs(b.durationUs)}; ${named.length} critical-path ${named.length === 1 ? 'change explains' : 'changes explain'} ${formatShare(Math.max(0, explainedShare))} of it:`,
    ...named.map(
      (c) =>
        `  ${signed(c.deltaUs).padStart(9)}  ${c.service} ${c.operation}${c.countBefore !== c.countAfter ? ` ×${c.countBefore} → ×${c.countAfter}` : ''} (${CHANGE_WORDS[c.change]})`,
    ),
    ...gone.map((f) => `  gone: [${f.kind}] ${f.title}`),
    ...appeared.map((f) => `  new: [${f.kind}] ${f.title}`),
  ];
  return {
    beforeMs: ms(a.durationUs),
    afterMs: ms(b.durationUs),
    changeMs: ms(changeUs),
    changes: named.map(({ deltaUs: _, ...c }) => c),
    explainedMs: ms(explainedUs),
    explainedShare: Math.round(explainedShare * 1000) / 1000,
    gone,
    appeared,
    headline,
    lines,
  };
}
