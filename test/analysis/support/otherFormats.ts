// Writes a Jaeger JSON trace as OTLP JSON (as Jaeger's v3 API does) and as Zipkin v2 (endpoints, kinds, string tags, events as OpenTelemetry's Zipkin exporter writes them).
import type { JaegerKeyValue, JaegerTrace } from '../../../model/jaegerJson.ts';
import { toOtlpResourceSpans } from '../../../embedded-jaeger/otlpFromJaeger.ts';

const pad = (id: string, n: number) => id.toLowerCase().padStart(n, '0');

/** OTLP and Zipkin ids are fixed-width hex; some Jaeger exports write them shorter. */
function withFullIds(trace: JaegerTrace): JaegerTrace {
  return {
    ...trace,
    spans: trace.spans.map((s) => ({
      ...s,
      spanID: pad(s.spanID, 16),
      references: (s.references ?? []).map((r) => ({ ...r, spanID: pad(r.spanID, 16) })),
    })),
  };
}

/** One ExportTraceServiceRequest, by the mapping Jaeger's v3 API uses to answer with OTLP (embedded-jaeger/otlpFromJaeger.ts). */
export function toOtlpJson(trace: JaegerTrace): { resourceSpans: Record<string, unknown>[] } {
  return { resourceSpans: toOtlpResourceSpans(withFullIds(trace)) };
}

/** A log as OpenTelemetry's Zipkin exporter writes an event: its name, or {"name":{attributes}} when it has attributes. */
function annotationOf(fields: JaegerKeyValue[]): string {
  const named = fields[0]?.key === 'event';
  const name = named ? String(fields[0]!.value) : '';
  const rest = named ? fields.slice(1) : fields;
  if (rest.length === 0) return name;
  return JSON.stringify({
    [name]: Object.fromEntries(rest.map((f) => [f.key, f.type === 'bool' ? f.value === true || f.value === 'true' : f.value])),
  });
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
