// The hole finder's output: findings on one trace, and the same findings aggregated over many traces.

/** The kinds the analysis names today; the strings are a contract (more kinds may be added). */
export const findingKinds = [
  'lock-contention',
  'n-plus-one',
  'retries',
  'pool-saturation',
  'repeated-work',
  'sequential-calls',
  'chatty-calls',
  'fan-out',
  'slow-query',
  'repeated-sequence',
] as const;

export type FindingKind = (typeof findingKinds)[number];

/** One performance hole named in one trace, with the spans that prove it and what would plug it. */
export interface Finding {
  kind: FindingKind;
  /** A sentence a back row can read, e.g. "12 sequential SELECTs from menu, one per item: 240 ms, 31% of the request". */
  title: string;
  /** Where the hole is: the service and operation of the span that owns the pattern (e.g. the N+1 loop's parent). */
  service: string;
  operation: string;
  /** The spans that show the pattern (hex ids as the query API gives them), most telling first. */
  spanIDs: string[];
  /** Time the hole cost on the critical path, ms. */
  costMs: number;
  /** costMs over the trace's duration, 0…1. */
  share: number;
  /** Short facts read from the spans (counts, waits, log lines, tags) that support the title. */
  evidence: string[];
  /** What would plug it, in one sentence. */
  fix: string;
  /**
   * The same hole in any trace has the same fingerprint: kind, service, operation and the shape
   * (the distinct service/operation pairs of its spans), never ids, counts or times.
   * e.g. "n-plus-one:5f0c2a9e41d7b3c8".
   */
  fingerprint: string;
}

/** The findings of one trace, ranked by costMs, largest first. */
export interface TraceFindings {
  traceID: string;
  findings: Finding[];
}

/** `POST /api/analyze` and `GET /api/traces/:id/findings` answer `{data:[TraceFindings…]}`. */
export interface FindingsResponse {
  data: TraceFindings[];
}

/** One hole (one fingerprint) across the recent traces (`GET /api/findings`). */
export interface FindingAggregate {
  /** The hole's fingerprint (see Finding.fingerprint): the same hole in every trace it shows in. */
  fingerprint: string;
  kind: FindingKind;
  service: string;
  operation: string;
  /** e.g. "N+1 in menu: 38 of the last 40 requests, median 210 ms". */
  title: string;
  /** Traces it appears in, out of `ofTraces` analysed. */
  traces: number;
  ofTraces: number;
  /** traces / ofTraces, 0…1. */
  shareOfTraces: number;
  medianCostMs: number;
  /** Its cost per trace it shows in (the costliest finding with that fingerprint), ms. */
  costPercentilesMs: { p50: number; p90: number; p99: number; max: number };
  /** A few trace ids where it appears, newest first, so a click can open one. */
  exampleTraceIDs: string[];
}

/** `GET /api/findings?service=&lookback=` */
export interface FindingsAggregateResponse {
  data: FindingAggregate[];
  /** Traces analysed and the window they came from (µs since the epoch). */
  ofTraces: number;
  startTime: number;
  endTime: number;
  /** With ?operation=: that operation's slow traces (above its p90) against the rest, over the newest of the same traces. */
  slow?: SlowComparison;
}

/** One place on the critical path (a service/operation lineage from the root) whose waited-on time changed between two traces. */
export interface PathChange {
  service: string;
  operation: string;
  /** "service operation" from the root down to this place. */
  lineage: string[];
  /**
   * slower/faster: its spans took longer/less; off-path: less of them is waited on although they did not
   * shrink (they now run alongside other work); on-path: more is waited on although they did not grow.
   */
  change: 'added' | 'removed' | 'slower' | 'faster' | 'off-path' | 'on-path';
  /** Spans at this place in each trace. */
  countBefore: number;
  countAfter: number;
  /** Critical-path time the place's spans owned themselves (children excluded), ms. */
  beforeMs: number;
  afterMs: number;
  deltaMs: number;
}

/** Where the time went between two traces of the same request (`npm run analyze -- --diff`, the viewer's compare, the slide's proof). */
export interface TraceDiff {
  beforeMs: number;
  afterMs: number;
  /** afterMs − beforeMs: negative when the after trace is faster. */
  changeMs: number;
  /** The named changes, largest first; together they explain `explainedShare` of changeMs. */
  changes: PathChange[];
  explainedMs: number;
  explainedShare: number;
  /** Findings (by fingerprint) in before but not after, and the other way round. */
  gone: Finding[];
  appeared: Finding[];
  /** e.g. "−555 ms: 2 failed calls to payments retried by storefront gone". */
  headline: string;
  /** The headline, then one line per change and per finding gone or appeared. */
  lines: string[];
}

/** The slow traces of one operation against the rest: what is over-represented among the slow ones. */
export interface SlowComparison {
  operation: string;
  /** Traces holding the operation, the threshold (its p90 duration) and how many lie above it. */
  traces: number;
  thresholdMs: number;
  slow: number;
  rest: number;
  /** Largest over-representation first. */
  factors: SlowFactor[];
  lines: string[];
}

export interface SlowFactor {
  what: 'finding' | 'service' | 'operation' | 'attribute';
  /** The finding's fingerprint and title, "service", "service operation" or "key=value". */
  key: string;
  label: string;
  inSlow: number;
  inRest: number;
  /** inSlow/slow − inRest/rest. */
  lift: number;
}
