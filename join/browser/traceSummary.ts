// Where a trace's time went, in a phone-sized nutshell: service/operation pairs ranked by self time.
import { analyzeTrace } from '../../analysis/index.ts';
import type { JaegerSpan, JaegerTrace } from '../../model/index.ts';

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
  errors: number;
  top: TimeSink[];
  /** The costliest hole the hole finder names in this trace, as a sentence; undefined when it names none. */
  topFinding: string | undefined;
}

function parentOf(span: JaegerSpan): string | undefined {
  return span.references.find((r) => r.refType === 'CHILD_OF')?.spanID ?? span.parentSpanID;
}

/** Length of the part of [start, end) that the intervals cover, each counted once. */
function coveredWithin(start: number, end: number, intervals: [number, number][]): number {
  const clipped = intervals
    .map(([s, e]): [number, number] => [Math.max(s, start), Math.min(e, end)])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let reach = start;
  for (const [s, e] of clipped) {
    if (e <= reach) continue;
    covered += e - Math.max(s, reach);
    reach = e;
  }
  return covered;
}

function isError(span: JaegerSpan): boolean {
  return span.tags.some((t) => t.key === 'error' && (t.value === true || t.value === 'true'));
}

export function summarizeTrace(trace: JaegerTrace, topN = 3): TraceSummary {
  const children = new Map<string, [number, number][]>();
  for (const span of trace.spans) {
    const parent = parentOf(span);
    if (parent === undefined) continue;
    let list = children.get(parent);
    if (!list) children.set(parent, (list = []));
    list.push([span.startTime, span.startTime + span.duration]);
  }

  const sinks = new Map<string, TimeSink>();
  let first = Infinity;
  let last = -Infinity;
  let errors = 0;
  for (const span of trace.spans) {
    const end = span.startTime + span.duration;
    first = Math.min(first, span.startTime);
    last = Math.max(last, end);
    if (isError(span)) errors++;
    const selfMicros = span.duration - coveredWithin(span.startTime, end, children.get(span.spanID) ?? []);
    const service = trace.processes[span.processID]?.serviceName ?? span.processID;
    const key = `${service}\u0000${span.operationName}`;
    let sink = sinks.get(key);
    if (!sink) sinks.set(key, (sink = { service, operation: span.operationName, selfMs: 0, spans: 0 }));
    sink.selfMs += selfMicros / 1000;
    sink.spans++;
  }

  const top = [...sinks.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, topN);
  return {
    spans: trace.spans.length,
    services: new Set(trace.spans.map((s) => trace.processes[s.processID]?.serviceName ?? s.processID)).size,
    durationMs: trace.spans.length ? (last - first) / 1000 : 0,
    errors,
    top,
    topFinding: analyzeTrace(trace)[0]?.title,
  };
}
