// Test-only: an OTLP/HTTP protobuf body (what the OpenTelemetry SDK's exporter really sent) as captured spans, mapped as Jaeger shows OTLP spans.
import { ExportTraceServiceRequest, type IAnyValue, type IKeyValue } from '../../../embedded-jaeger/otlp/otlpSchema.ts';
import type { CapturedSpan } from './thriftCapture.ts';

const kinds = ['', 'internal', 'server', 'client', 'producer', 'consumer'];
const hex = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('hex') : '');
/** Jaeger keeps µs: an OTLP time (ns, a protobufjs Long or number) floored to them. */
const micros = (ns: unknown) => Number(BigInt(String(ns ?? 0)) / 1000n);

function anyValueOf(v: IAnyValue | null | undefined): string | number | boolean {
  if (!v) return '';
  if (v.stringValue != null) return v.stringValue;
  if (v.boolValue != null) return v.boolValue;
  if (v.intValue != null) return Number(String(v.intValue));
  if (v.doubleValue != null) return v.doubleValue;
  return JSON.stringify(v);
}
const mapOf = (kvs: IKeyValue[] | null | undefined) => Object.fromEntries((kvs ?? []).map((kv) => [kv.key ?? '', anyValueOf(kv.value)]));

export function capturedFromOtlp(body: Uint8Array): CapturedSpan[] {
  const out: CapturedSpan[] = [];
  for (const rs of ExportTraceServiceRequest.decode(body).resourceSpans ?? []) {
    const processTags = mapOf(rs.resource?.attributes);
    const service = String(processTags['service.name'] ?? 'missing-service-name');
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const tags = mapOf(s.attributes);
        if (s.kind) tags['span.kind'] = kinds[s.kind] ?? 'unspecified';
        if (s.status?.code === 2) Object.assign(tags, { 'otel.status_code': 'ERROR', error: true });
        const startUs = micros(s.startTimeUnixNano);
        const parent = hex(s.parentSpanId);
        out.push({
          // The capture keys traces by their low 64 bits, as jaeger-client's traceIdLow.
          traceID: hex(s.traceId).slice(16),
          spanID: hex(s.spanId),
          parentSpanID: parent || '0000000000000000',
          service,
          operation: s.name ?? '',
          startUs,
          durationUs: micros(s.endTimeUnixNano) - startUs,
          tags,
          logs: (s.events ?? []).map((e) => ({
            timestampUs: micros(e.timeUnixNano),
            fields: { event: e.name ?? '', ...mapOf(e.attributes) },
          })),
          references: (s.links ?? []).map((l) => ({
            refType: mapOf(l.attributes)['opentracing.ref_type'] === 'child_of' ? 'CHILD_OF' : 'FOLLOWS_FROM',
            spanID: hex(l.spanId),
          })),
          door: 'otlp',
          processTags,
        });
      }
    }
  }
  return out;
}
