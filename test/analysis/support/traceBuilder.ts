// Writes small Jaeger traces by hand for the detector tests: spans placed on a millisecond timeline under named parents.
import type { JaegerKeyValue, JaegerLog, JaegerSpan, JaegerTrace } from '../../../model/jaegerJson.ts';

export interface SpanSpec {
  id: string;
  parent?: string;
  service?: string;
  op: string;
  /** ms from the trace start */
  at: number;
  /** ms */
  ms: number;
  tags?: Record<string, string | number | boolean>;
  /** [ms from the trace start, fields] */
  logs?: [number, Record<string, string | number>][];
}

const T0 = 1_750_000_000_000_000;

function kv(key: string, value: string | number | boolean): JaegerKeyValue {
  const type = typeof value === 'boolean' ? 'bool' : typeof value === 'number' ? (Number.isInteger(value) ? 'int64' : 'float64') : 'string';
  return { key, type, value };
}

export function buildTrace(specs: SpanSpec[], traceID = 'abc123'): JaegerTrace {
  const services = [...new Set(specs.map((s) => s.service ?? 'app'))];
  const pid = (name: string) => `p${services.indexOf(name) + 1}`;
  const spans: JaegerSpan[] = specs.map((s) => ({
    traceID,
    spanID: s.id,
    operationName: s.op,
    references: s.parent ? [{ refType: 'CHILD_OF', traceID, spanID: s.parent }] : [],
    startTime: T0 + Math.round(s.at * 1000),
    duration: Math.round(s.ms * 1000),
    tags: Object.entries(s.tags ?? {}).map(([k, v]) => kv(k, v)),
    logs: (s.logs ?? []).map(
      ([at, fields]): JaegerLog => ({ timestamp: T0 + Math.round(at * 1000), fields: Object.entries(fields).map(([k, v]) => kv(k, v)) }),
    ),
    processID: pid(s.service ?? 'app'),
    warnings: null,
  }));
  return { traceID, spans, processes: Object.fromEntries(services.map((n) => [pid(n), { serviceName: n, tags: [] }])), warnings: null };
}

/** `count` calls one after another under `parent`, each `ms` long, with a gap of `gap` ms. */
export function sequence(
  parent: string,
  count: number,
  from: number,
  ms: number,
  make: (i: number) => Partial<SpanSpec> & { op: string },
  gap = 0.2,
): SpanSpec[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${parent}-${i}`, parent, at: from + i * (ms + gap), ms, ...make(i) }));
}
