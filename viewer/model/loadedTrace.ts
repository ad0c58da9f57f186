// A trace ready to draw: its index, critical path, the full span on demand, and the hole finder's findings when they come.
import { analyzeIndexed, indexTrace } from '../../analysis/index.ts';
import type { Finding } from '../../model/index.ts';
import type { JaegerSpan, JaegerTrace } from '../../model/index.ts';
import { findCriticalPath, type CriticalPath } from './criticalPath.ts';
import { buildTraceModel, type TraceModel } from './traceModel.ts';

export interface LoadedTrace {
  traceID: string;
  /** Undefined when the trace cannot be drawn; `problem` then says why. */
  model: TraceModel | undefined;
  cp: CriticalPath | undefined;
  problem: string | undefined;
  /** The whole span (tags, logs, references) by span index: big files keep it out of memory until asked. */
  detail(span: number): Promise<JaegerSpan>;
  /** The minimap's picture, when painted elsewhere (the worker); otherwise the minimap paints it. */
  overview?: Promise<Uint32Array>;
  /** The hole finder's findings; big traces are analysed off the main thread, after the first rows are drawn. */
  findings: Promise<Finding[]>;
  /** The whole trace when it is already in memory (the slide, a recording): what the compare's duration diff reads. */
  trace?: JaegerTrace;
}

/** The hole finder over the drawn model's tree: the trace is indexed once, not once per reader. */
export function findingsOver(trace: JaegerTrace, model: TraceModel): Finding[] {
  return analyzeIndexed(indexTrace(trace, model));
}

/** Findings, or none when the analysis stumbles: the viewer must draw the trace either way. */
function findingsOf(trace: JaegerTrace, model: TraceModel): Promise<Finding[]> {
  try {
    return Promise.resolve(findingsOver(trace, model));
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}

/** A trace already in memory (the live Demo slide, a recording): indexed here, on the main thread. */
export function loadedFromTrace(trace: JaegerTrace): LoadedTrace {
  let model: TraceModel | undefined;
  let problem: string | undefined;
  try {
    model = buildTraceModel(trace);
  } catch (e) {
    problem = e instanceof Error ? e.message : String(e);
  }
  let findings: Promise<Finding[]> | undefined;
  return {
    traceID: String(trace?.traceID),
    model,
    cp: model ? findCriticalPath(model) : undefined,
    problem,
    detail: (i) => Promise.resolve(trace.spans[i]!),
    trace,
    // Analysed when first asked, so a caller that never shows findings never pays for them.
    get findings() {
      findings ??= model ? findingsOf(trace, model) : Promise.resolve([]);
      return findings;
    },
  };
}

/** "3. GET /order — 12,000 spans — 5eed…" for a picker. */
export function describeLoaded(t: LoadedTrace, k: number): string {
  const m = t.model;
  if (!m) return `${k + 1}. cannot be drawn — ${t.traceID}`;
  const root = m.roots[0]!;
  return `${k + 1}. ${m.operations[m.operation[root]!] ?? ''} — ${m.count} spans — ${t.traceID}`;
}
