// The hole finder's door: Jaeger trace in, ranked findings out. No DOM, no Node built-ins (browser, server and CLI share it).
import type { Finding, FindingAggregate, JaegerTrace, TraceFindings } from '../model/index.ts';
import { analyze, type AnalyzeOptions } from './analyze.ts';
import { aggregate } from './aggregate.ts';

export type { AnalyzeOptions };
export { TraceInputError } from './traceIndex.ts';
/** A kind's name in words ("N+1", "Lock contention"…). */
export { kindName } from './aggregate.ts';
/** The critical-path walk over any span tree (the viewer draws it over its own model). */
export { criticalPathSegments, type PathOptions, type PathSegments, type PathTree } from './criticalPath.ts';

/** Every finding in one trace, ranked by the time it cost on the critical path (largest first). */
export function analyzeTrace(trace: JaegerTrace, options?: AnalyzeOptions): Finding[] {
  return analyze(trace, options);
}

/** The findings of several traces, in input order. */
export function analyzeTraces(traces: JaegerTrace[], options?: AnalyzeOptions): TraceFindings[] {
  return traces.map((t) => ({ traceID: t.traceID, findings: analyzeTrace(t, options) }));
}

/** Per kind and place, how many of the given traces show it and its median cost; most frequent first. */
export function aggregateFindings(perTrace: TraceFindings[]): FindingAggregate[] {
  return aggregate(perTrace);
}
