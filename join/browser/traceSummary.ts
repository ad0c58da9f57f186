// Where a trace's time went, in a phone-sized nutshell: service/operation pairs ranked by self time.
import { analyzeIndexed, indexTrace, selfTimes } from '../../analysis/index.ts';
import type { JaegerTrace } from '../../model/index.ts';

export interface TimeSink {
  service: string;
  operation: string;
  /** Time spent in these spans themselves, not waiting on their children, in ms. */
  selfMs: number;
  spans: number;
}

export interface TraceSummary {
  spans: number;
  services: number;
  /** From the earliest span start to the latest span end, in ms. */
  durationMs: number;
  /** Spans that failed by the one rule (model/spanStatus.ts). */
  errors: number;
  top: TimeSink[];
  /** The costliest hole the hole finder names in this trace, as a sentence; undefined when it names none. */
  topFinding: string | undefined;
}

/** One index of the trace (analysis/traceIndex.ts) serves the time sinks, the failure count and the hole finder. */
export function summarizeTrace(trace: JaegerTrace, topN = 3): TraceSummary {
  const ix = indexTrace(trace);
  const duration = Float64Array.from(ix.end, (e, i) => e - ix.start[i]!);
  const self = selfTimes(ix.start, duration, ix.childOffset, ix.childList);
  const sinks = new Map<string, TimeSink>();
  let errors = 0;
  for (let i = 0; i < ix.n; i++) {
    errors += ix.error[i]!;
    const service = ix.service[i]!;
    const operation = ix.opNames[ix.opId[i]!]!;
    const key = `${service}\u0000${operation}`;
    let sink = sinks.get(key);
    if (!sink) sinks.set(key, (sink = { service, operation, selfMs: 0, spans: 0 }));
    sink.selfMs += self[i]! / 1000;
    sink.spans++;
  }
  const top = [...sinks.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, topN);
  return {
    spans: ix.n,
    services: new Set(ix.service).size,
    durationMs: ix.durationUs / 1000,
    errors,
    top,
    topFinding: analyzeIndexed(ix)[0]?.title,
  };
}
