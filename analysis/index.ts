// The hole finder's door: a trace (Jaeger, OTLP or Zipkin JSON) in, ranked findings out. No DOM, no Node built-ins (browser, server and CLI share it).
import type { Finding, FindingAggregate, JaegerTrace, TraceFindings } from '../model/index.ts';
import { analyze, analyzeIndex, type AnalyzeOptions } from './analyze.ts';
import type { TraceIndex } from './traceIndex.ts';
import { aggregate } from './aggregate.ts';

export type { AnalyzeOptions };
export { TraceInputError } from './traceIndex.ts';
/** A trace indexed once (over a tree already built, such as the viewer's model, when given): what the finder and the phone's summary read. */
export { indexTrace, type TraceIndex } from './traceIndex.ts';
/** A kind's name in words ("N+1", "Lock contention"…). */
export { kindName } from './aggregate.ts';
/** The one trace tree: the finder's index and the viewer's model are both built on it. */
export {
  buildSpanTree,
  pickParents,
  selfTimes,
  REF_CHILD_OF,
  REF_FOLLOWS_FROM,
  REF_PARENT_SPAN_ID,
  type SpanRefs,
  type SpanTree,
} from './spanTree.ts';
/** The critical-path walk over any span tree (the viewer draws it over its own model). */
export { criticalPathSegments, type PathOptions, type PathSegments, type PathTree } from './criticalPath.ts';
/** Jaeger, OTLP and Zipkin v2 JSON, told apart by content, as Jaeger traces. */
export { jaegerJsonOf, traceFormatOf, tracesFromText, type TraceFormat } from './formats/index.ts';
/** For CI: SARIF 2.1.0, the build gate and the acknowledgements file. */
export { toSarif, type SarifInput } from './sarif.ts';
export { failing, parseAcknowledgements, parseKinds, type GateOptions } from './ciGate.ts';
/** Where the time went between two traces of one request (the viewer's compare and the slide's proof call this). */
export { diffTraces } from './diff.ts';
/** What the slow traces of one operation (above its p90) have that the rest lack. */
export { compareSlowTraces } from './slowTraces.ts';

/** Every finding in one trace, ranked by the time it cost on the critical path (largest first). */
export function analyzeTrace(trace: JaegerTrace, options?: AnalyzeOptions): Finding[] {
  return analyze(trace, options);
}

/** The same over a trace already indexed with indexTrace, so a caller that reads the index itself indexes once. */
export function analyzeIndexed(ix: TraceIndex, options?: AnalyzeOptions): Finding[] {
  return analyzeIndex(ix, options);
}

/** The findings of several traces, in input order. */
export function analyzeTraces(traces: JaegerTrace[], options?: AnalyzeOptions): TraceFindings[] {
  return traces.map((t) => ({ traceID: t.traceID, findings: analyzeTrace(t, options) }));
}

/** Per hole (fingerprint), how many of the given traces show it, their share and its cost percentiles; most frequent first. */
export function aggregateFindings(perTrace: readonly TraceFindings[]): FindingAggregate[] {
  return aggregate(perTrace);
}
