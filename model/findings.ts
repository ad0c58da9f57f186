// The hole finder's output: findings on one trace, and the same findings aggregated over many traces.

/** The kinds the analysis names today; the strings are a contract (more kinds may be added). */
export const findingKinds = [
  'lock-contention',
  'n-plus-one',
  'retries',
  'pool-saturation',
  'repeated-work',
  'sequential-calls',
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

/** One kind of hole at one place, across the recent traces (`GET /api/findings`). */
export interface FindingAggregate {
  kind: FindingKind;
  service: string;
  operation: string;
  /** e.g. "N+1 in menu: 38 of the last 40 requests, median 210 ms". */
  title: string;
  /** Traces it appears in, out of `ofTraces` analysed. */
  traces: number;
  ofTraces: number;
  medianCostMs: number;
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
}
