// Many traces of one operation: what its slow ones (above p90) have that the rest lack — findings, services, operations, attribute values.
import { ascending, quantile, type Finding, type JaegerTrace, type SlowComparison, type SlowFactor } from '../model/index.ts';
import { analyze } from './analyze.ts';
import { tagsOf } from './traceIndex.ts';
import { formatMs } from './wording.ts';

/** Attribute values longer than this are ids, texts or statements, not something traces share. */
const MAX_VALUE = 60;
const MAX_FACTORS = 12;
/** Among equal lifts, a finding says more than an operation, an operation more than a service or a tag. */
const ORDER: Record<SlowFactor['what'], number> = { finding: 0, operation: 1, service: 2, attribute: 3 };

/** The operation's time in a trace: its longest span named `operation` or "service operation". */
function timeOf(trace: JaegerTrace, operation: string): number | undefined {
  let best: number | undefined;
  for (const s of trace.spans) {
    const service = trace.processes?.[s.processID]?.serviceName;
    if (s.operationName !== operation && `${service} ${s.operationName}` !== operation) continue;
    if (Number.isFinite(s.duration) && (best === undefined || s.duration > best)) best = s.duration;
  }
  return best;
}

function featuresOf(trace: JaegerTrace, findings: readonly Finding[]): Map<string, { what: SlowFactor['what']; label: string }> {
  const out = new Map<string, { what: SlowFactor['what']; label: string }>();
  for (const f of findings)
    out.set(`f:${f.fingerprint}`, { what: 'finding', label: `[${f.kind}] ${f.title.replace(/: [^:]*% of the request$/, '')}` });
  for (const s of trace.spans) {
    const service = trace.processes?.[s.processID]?.serviceName ?? String(s.processID);
    out.set(`s:${service}`, { what: 'service', label: service });
    out.set(`o:${service} ${s.operationName}`, { what: 'operation', label: `${service} ${s.operationName}` });
    for (const t of tagsOf(s)) {
      if (!t || (typeof t.value === 'number' && !Number.isInteger(t.value))) continue;
      const v = String(t.value);
      if (v.length > MAX_VALUE) continue;
      out.set(`a:${t.key}=${v}`, { what: 'attribute', label: `${t.key}=${v}` });
    }
  }
  return out;
}

/**
 * Traces holding `operation` split at its p90 duration; each feature's lift is its share among the
 * slow ones minus its share among the rest. A feature must show in two slow traces (one is chance).
 */
export function compareSlowTraces(
  traces: readonly JaegerTrace[],
  operation: string,
  findings?: readonly (readonly Finding[])[],
): SlowComparison {
  const timed: { us: number; at: number }[] = [];
  traces.forEach((t, at) => {
    const us = timeOf(t, operation);
    if (us !== undefined) timed.push({ us, at });
  });
  const threshold = timed.length ? quantile(ascending(timed.map((t) => t.us)), 0.9) : 0;
  const slowSet = timed.filter((t) => t.us > threshold);
  const restSet = timed.filter((t) => t.us <= threshold);
  const counts = new Map<string, { what: SlowFactor['what']; label: string; inSlow: number; inRest: number }>();
  for (const [set, field] of [
    [slowSet, 'inSlow'],
    [restSet, 'inRest'],
  ] as const) {
    for (const { at } of set) {
      for (const [key, f] of featuresOf(traces[at]!, findings?.[at] ?? analyze(traces[at]!))) {
        let c = counts.get(key);
        if (!c) counts.set(key, (c = { ...f, inSlow: 0, inRest: 0 }));
        c[field]++;
      }
    }
  }
  const factors: SlowFactor[] = [];
  for (const [key, c] of counts) {
    if (c.inSlow < Math.min(2, slowSet.length)) continue;
    const lift = c.inSlow / Math.max(1, slowSet.length) - c.inRest / Math.max(1, restSet.length);
    if (lift <= 0) continue;
    factors.push({
      what: c.what,
      key: key.slice(2),
      label: c.label,
      inSlow: c.inSlow,
      inRest: c.inRest,
      lift: Math.round(lift * 1000) / 1000,
    });
  }
  factors.sort((a, b) => b.lift - a.lift || ORDER[a.what] - ORDER[b.what] || a.label.localeCompare(b.label));
  const top = factors.slice(0, MAX_FACTORS);
  const lines = [
    slowSet.length === 0
      ? `${operation}: ${timed.length} traces, none slower than the rest`
      : `slow ${operation} (over ${formatMs(threshold)}, its p90): ${slowSet.length} of ${timed.length} traces; over-represented in them:`,
    ...top.map((f) => `  ${f.what} ${f.label}: in ${f.inSlow} of ${slowSet.length} vs ${f.inRest} of ${restSet.length}`),
  ];
  return {
    operation,
    traces: timed.length,
    thresholdMs: Math.round(threshold / 100) / 10,
    slow: slowSet.length,
    rest: restSet.length,
    factors: top,
    lines,
  };
}
