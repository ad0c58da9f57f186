// The hole finder's door: Jaeger trace in, ranked findings out. No DOM, no Node built-ins (browser, server and CLI share it).
import type { JaegerTrace } from '../model/jaegerJson.ts';
import type { Finding, FindingAggregate, TraceFindings } from '../model/findings.ts';

/** Every finding in one trace, ranked by the time it cost on the critical path (largest first). */
export function analyzeTrace(trace: JaegerTrace): Finding[] {
  void trace;
  return []; // filled in by the hole finder's detectors
}

/** The findings of several traces, in input order. */
export function analyzeTraces(traces: JaegerTrace[]): TraceFindings[] {
  return traces.map((t) => ({ traceID: t.traceID, findings: analyzeTrace(t) }));
}

/** Per kind and place, how many of the given traces show it and its median cost; most frequent first. */
export function aggregateFindings(perTrace: TraceFindings[]): FindingAggregate[] {
  void perTrace;
  return [];
}
