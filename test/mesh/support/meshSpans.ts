// Reading a mesh trace in tests: spans from either oracle (thrift capture or Jaeger JSON) as one shape, plus graph helpers.
import type { JaegerTrace } from '../../../model/jaegerJson.ts';
import type { CapturedSpan } from './thriftCapture.ts';

export type MeshSpan = CapturedSpan;

const noParent = '0000000000000000';

export function fromJaegerTrace(trace: JaegerTrace): MeshSpan[] {
  return trace.spans.map((s) => {
    const proc = trace.processes[s.processID];
    if (!proc) throw new Error(`span ${s.spanID} names process ${s.processID}, which the trace does not list`);
    return {
      traceID: s.traceID,
      spanID: s.spanID,
      // Jaeger drops the CHILD_OF link when a FOLLOWS_FROM names the same span (work its caller gave up on).
      parentSpanID:
        s.references.find((r) => r.refType === 'CHILD_OF')?.spanID ??
        s.parentSpanID ??
        s.references.find((r) => r.refType === 'FOLLOWS_FROM')?.spanID ??
        noParent,
      service: proc.serviceName,
      operation: s.operationName,
      startUs: s.startTime,
      durationUs: s.duration,
      tags: Object.fromEntries(s.tags.map((t) => [t.key, t.value])),
      logs: s.logs.map((l) => ({ timestampUs: l.timestamp, fields: Object.fromEntries(l.fields.map((f) => [f.key, f.value])) })),
      references: s.references.map((r) => ({ refType: r.refType, spanID: r.spanID })),
    };
  });
}

export function rootsOf(spans: MeshSpan[]): MeshSpan[] {
  const ids = new Set(spans.map((s) => s.spanID));
  return spans.filter((s) => s.parentSpanID === noParent || !ids.has(s.parentSpanID));
}

/** The trace's first root span; a trace with none fails here, naming how many spans it had. */
export function firstRoot(spans: MeshSpan[]): MeshSpan {
  const [root] = rootsOf(spans);
  if (!root) throw new Error(`no root among the trace's ${spans.length} spans`);
  return root;
}

export function childrenOf(spans: MeshSpan[], parent: MeshSpan): MeshSpan[] {
  return spans.filter((s) => s.parentSpanID === parent.spanID);
}

export function byOperation(spans: MeshSpan[], service: string, operation: string | RegExp): MeshSpan[] {
  return spans
    .filter((s) => s.service === service && (typeof operation === 'string' ? s.operation === operation : operation.test(s.operation)))
    .sort((a, b) => a.startUs - b.startUs);
}

/** "caller→callee" for every server span whose parent is a client span in another service. */
export function serviceCalls(spans: MeshSpan[]): Set<string> {
  const byId = new Map(spans.map((s) => [s.spanID, s]));
  const calls = new Set<string>();
  for (const s of spans) {
    if (s.tags['span.kind'] !== 'server') continue;
    const parent = byId.get(s.parentSpanID);
    if (parent) calls.add(`${parent.service}→${s.service}`);
  }
  return calls;
}

/** Longest chain of services from the root, counting backing stores (peer.service of db spans) as a level. */
export function serviceDepth(spans: MeshSpan[]): string[] {
  let best: string[] = [];
  const walk = (span: MeshSpan, path: string[]) => {
    const here = span.tags['db.type'] ? String(span.tags['peer.service']) : span.service;
    const next = path[path.length - 1] === here ? path : [...path, here];
    if (next.length > best.length) best = next;
    for (const c of childrenOf(spans, span)) walk(c, next);
  };
  for (const r of rootsOf(spans)) walk(r, []);
  return best;
}

export const endUs = (s: MeshSpan) => s.startUs + s.durationUs;

/** True when each span starts only after the one before it ended (a staircase). */
export function isSequential(spans: MeshSpan[]): boolean {
  const sorted = [...spans].sort((a, b) => a.startUs - b.startUs);
  return sorted.every((s, i) => i === 0 || s.startUs >= endUs(sorted[i - 1]!));
}

/** Most spans running at the same moment. */
export function maxOverlap(spans: MeshSpan[]): number {
  const edges = spans.flatMap((s) => [
    { t: s.startUs, d: 1 },
    { t: endUs(s), d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const e of edges) max = Math.max(max, (now += e.d));
  return max;
}

export const logMessages = (spans: MeshSpan[]) => spans.flatMap((s) => s.logs.map((l) => String(l.fields.message ?? l.fields.event ?? '')));
export const errorSpans = (spans: MeshSpan[]) => spans.filter((s) => s.tags.error === true);

const kv = (key: string, value: string | number | boolean) => ({
  key,
  type: typeof value === 'boolean' ? ('bool' as const) : typeof value === 'number' ? ('float64' as const) : ('string' as const),
  value,
});

/** Captured spans as a Jaeger JSON trace (for the hole finder), one process per service. */
export function toJaegerTrace(spans: MeshSpan[]): import('../../../model/jaegerJson.ts').JaegerTrace {
  const processIds = new Map<string, string>();
  for (const s of spans) if (!processIds.has(s.service)) processIds.set(s.service, `p${processIds.size + 1}`);
  return {
    traceID: spans[0]?.traceID ?? '',
    spans: spans.map((s) => ({
      traceID: s.traceID,
      spanID: s.spanID,
      operationName: s.operation,
      references: [
        ...(s.parentSpanID !== noParent && !s.references?.some((r) => r.spanID === s.parentSpanID)
          ? [{ refType: 'CHILD_OF' as const, traceID: s.traceID, spanID: s.parentSpanID }]
          : []),
        ...(s.references ?? []).map((r) => ({ refType: r.refType, traceID: s.traceID, spanID: r.spanID })),
      ],
      startTime: s.startUs,
      duration: s.durationUs,
      tags: Object.entries(s.tags).map(([k, v]) => kv(k, v)),
      logs: s.logs.map((l) => ({ timestamp: l.timestampUs, fields: Object.entries(l.fields).map(([k, v]) => kv(k, v)) })),
      processID: processIds.get(s.service)!,
      warnings: null,
    })),
    processes: Object.fromEntries([...processIds].map(([service, id]) => [id, { serviceName: service, tags: [] }])),
    warnings: null,
  };
}
