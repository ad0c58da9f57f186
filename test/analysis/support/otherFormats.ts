// Writes a Jaeger JSON trace as OTLP JSON and as Zipkin v2, inverting the mappings Jaeger itself applies (resource ↔ process, scope/kind/status ↔ tags, events ↔ logs, links ↔ references; Zipkin's endpoints, kinds, string tags and annotations).
import type { JaegerKeyValue, JaegerTrace } from '../../../model/jaegerJson.ts';

const KINDS = ['', 'internal', 'server', 'client', 'producer', 'consumer'];
const pad = (id: string, n: number) => id.toLowerCase().padStart(n, '0');

function anyValue(t: JaegerKeyValue): Record<string, unknown> {
  switch (t.type) {
    case 'bool':
      return { boolValue: t.value === true || t.value === 'true' };
    case 'int64':
      return { intValue: String(t.value) };
    case 'float64':
      return { doubleValue: Number(t.value) };
    case 'binary':
      return { bytesValue: String(t.value) };
    default:
      return { stringValue: String(t.value) };
  }
}
const attrs = (tags: JaegerKeyValue[]) => tags.map((t) => ({ key: t.key, value: anyValue(t) }));
/** µs → ns as a decimal string, as OTLP JSON writes 64-bit integers. */
const ns = (us: number) => (us === 0 ? '0' : `${us}000`);

/** One ExportTraceServiceRequest: a resourceSpans per process, a scopeSpans per instrumentation scope. */
export function toOtlpJson(trace: JaegerTrace): object {
  const resourceSpans = Object.entries(trace.processes).map(([pid, p]) => {
    const scopes = new Map<string, { scope: { name?: string; version?: string }; spans: object[] }>();
    for (const s of trace.spans.filter((x) => x.processID === pid)) {
      const tags = s.tags ?? [];
      const take = (key: string) => tags.find((t) => t.key === key)?.value;
      const scopeName = take('otel.scope.name');
      const scopeVersion = take('otel.scope.version');
      const kind = KINDS.indexOf(String(take('span.kind') ?? ''));
      const status = take('otel.status_code');
      const failed = status === 'ERROR';
      const dropped = new Set(['otel.scope.name', 'otel.scope.version', 'span.kind', 'otel.status_code', 'otel.status_description', 'w3c.tracestate']);
      const kept = tags.filter((t) => !dropped.has(t.key) && !(failed && t.key === 'error'));
      const refs = s.references ?? [];
      const parentRef = refs.find((r) => r.refType === 'CHILD_OF' && r.traceID === s.traceID) ?? refs.find((r) => r.traceID === s.traceID);
      const parent = s.parentSpanID && !/^0+$/.test(s.parentSpanID) ? s.parentSpanID : parentRef?.spanID;
      const links = refs
        .filter((r) => r !== parentRef || r.refType === 'FOLLOWS_FROM')
        .map((r) => ({ traceId: pad(r.traceID, 32), spanId: pad(r.spanID, 16), attributes: [{ key: 'opentracing.ref_type', value: { stringValue: r.refType === 'CHILD_OF' ? 'child_of' : 'follows_from' } }] }));
      const key = `${scopeName ?? ''}\u0000${scopeVersion ?? ''}`;
      if (!scopes.has(key)) scopes.set(key, { scope: { ...(scopeName ? { name: String(scopeName) } : {}), ...(scopeVersion ? { version: String(scopeVersion) } : {}) }, spans: [] });
      scopes.get(key)!.spans.push({
        traceId: pad(s.traceID, 32),
        spanId: pad(s.spanID, 16),
        ...(parent ? { parentSpanId: pad(parent, 16) } : {}),
        ...(take('w3c.tracestate') ? { traceState: String(take('w3c.tracestate')) } : {}),
        name: s.operationName,
        kind: Math.max(0, kind),
        startTimeUnixNano: ns(s.startTime),
        endTimeUnixNano: ns(s.startTime + s.duration),
        attributes: attrs(kept),
        // A log's first field named "event" is the event's name (Jaeger writes it first); any other stays an attribute.
        events: (s.logs ?? []).map((l) => {
          const named = l.fields[0]?.key === 'event';
          return { timeUnixNano: ns(l.timestamp), name: named ? String(l.fields[0]!.value) : '', attributes: attrs(named ? l.fields.slice(1) : l.fields) };
        }),
        links,
        status: { ...(status === 'OK' ? { code: 1 } : failed ? { code: 2 } : {}), ...(take('otel.status_description') ? { message: String(take('otel.status_description')) } : {}) },
      });
    }
    return {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: p.serviceName } }, ...attrs(p.tags ?? [])] },
      scopeSpans: [...scopes.values()],
    };
  });
  return { resourceSpans };
}

/** A log as OpenTelemetry's Zipkin exporter writes an event: its name, or {"name":{attributes}} when it has attributes. */
function annotationOf(fields: JaegerKeyValue[]): string {
  const named = fields[0]?.key === 'event';
  const name = named ? String(fields[0]!.value) : '';
  const rest = named ? fields.slice(1) : fields;
  if (rest.length === 0) return name;
  return JSON.stringify({ [name]: Object.fromEntries(rest.map((f) => [f.key, f.type === 'bool' ? f.value === true || f.value === 'true' : f.value])) });
}

/** A Zipkin v2 span list: tags as strings, logs as annotations. */
export function toZipkinJson(trace: JaegerTrace): object[] {
  return trace.spans.map((s) => {
    const p = trace.processes[s.processID]!;
    const kind = String((s.tags ?? []).find((t) => t.key === 'span.kind')?.value ?? '');
    const zkind = ['server', 'client', 'producer', 'consumer'].includes(kind) ? kind.toUpperCase() : undefined;
    const parent = s.parentSpanID ?? (s.references ?? []).find((r) => r.refType === 'CHILD_OF')?.spanID ?? s.references?.[0]?.spanID;
    const tags: Record<string, string> = {};
    for (const t of s.tags ?? []) if (!(zkind && t.key === 'span.kind')) tags[t.key] = String(t.value);
    const ip = (p.tags ?? []).find((t) => t.key === 'ip')?.value;
    return {
      traceId: pad(s.traceID, s.traceID.length > 16 ? 32 : 16),
      ...(parent ? { parentId: pad(parent, 16) } : {}),
      id: pad(s.spanID, 16),
      ...(zkind ? { kind: zkind } : {}),
      name: s.operationName,
      timestamp: s.startTime,
      duration: s.duration,
      localEndpoint: { serviceName: p.serviceName, ...(typeof ip === 'string' ? { ipv4: ip } : {}) },
      annotations: (s.logs ?? []).map((l) => ({ timestamp: l.timestamp, value: annotationOf(l.fields) })),
      tags,
    };
  });
}
