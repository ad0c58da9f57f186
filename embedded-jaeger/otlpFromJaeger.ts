// A rendered Jaeger trace → OTLP/JSON resource spans, as Jaeger's v3 API answers GET /api/v3/traces/:id (its translator's mapping, back the other way).
import { failedByStatus, isErrorTagValue, statusTagsOf, type JaegerKeyValue, type JaegerSpan, type JaegerTrace } from '../model/index.ts';

/** OTLP/JSON AnyValue: exactly one member set; int64 as a decimal string, bytes as base64. */
export type OtlpJsonValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { bytesValue: string }
  | { arrayValue: { values: OtlpJsonValue[] } };
export interface OtlpJsonKeyValue {
  key: string;
  value: OtlpJsonValue;
}

const KINDS: Record<string, number> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
/** Where Jaeger v2 keeps span warnings inside OTLP. */
const WARNINGS_ATTRIBUTE = '@jaeger@warnings';

function value(kv: JaegerKeyValue): OtlpJsonValue {
  switch (kv.type) {
    case 'bool':
      return { boolValue: kv.value === true || kv.value === 'true' };
    case 'int64':
      return { intValue: String(kv.value) };
    case 'float64':
      return { doubleValue: Number(kv.value) };
    case 'binary':
      return { bytesValue: String(kv.value) };
    default:
      return { stringValue: String(kv.value) };
  }
}

const attr = (kv: JaegerKeyValue): OtlpJsonKeyValue => ({ key: kv.key, value: value(kv) });
const nanos = (us: number) => (us === 0 ? '0' : `${us}000`);
const traceId32 = (id: string) => id.padStart(32, '0');

/** Resource attributes from a process: service.name first; jaeger-client's hostname and jaeger.version renamed as Jaeger's translator does. */
function resourceAttributes(serviceName: string, tags: JaegerKeyValue[]): OtlpJsonKeyValue[] {
  const out: OtlpJsonKeyValue[] = [{ key: 'service.name', value: { stringValue: serviceName } }];
  const has = (k: string) => tags.some((t) => t.key === k);
  for (const t of tags) {
    if (t.key === 'hostname' && !has('host.name')) out.push({ key: 'host.name', value: value(t) });
    else if (t.key === 'jaeger.version' && !has('opencensus.exporterversion'))
      out.push({ key: 'opencensus.exporterversion', value: { stringValue: `Jaeger-${String(t.value)}` } });
    else out.push(attr(t));
  }
  return out;
}

function parentOf(s: JaegerSpan): string {
  return s.references.find((r) => r.refType === 'CHILD_OF' && r.traceID === s.traceID)?.spanID ?? '';
}

function otlpSpan(s: JaegerSpan): Record<string, unknown> {
  let kind = 0;
  let statusCode = 0;
  let statusMessage = '';
  let traceState = '';
  const attributes: OtlpJsonKeyValue[] = [];
  // The status is the project's one failure rule; the bool error tag it came from is not kept as an attribute too.
  const status = statusTagsOf(s.tags);
  const error = s.tags.some((t) => t.key === 'error' && t.type === 'bool' && isErrorTagValue(t.value));
  if (failedByStatus(status)) statusCode = 2;
  else if (status['otel.status_code'] === 'OK') statusCode = 1;
  for (const t of s.tags) {
    if (t.key === 'span.kind' && typeof t.value === 'string' && KINDS[t.value] !== undefined) kind = KINDS[t.value]!;
    else if (t.key === 'error' && error) continue;
    else if (t.key === 'otel.status_code' || t.key === 'otel.scope.name' || t.key === 'otel.scope.version') continue;
    else if (t.key === 'otel.status_description' && statusCode !== 0) statusMessage = String(t.value);
    else if (t.key === 'w3c.tracestate') traceState = String(t.value);
    else attributes.push(attr(t));
  }
  if (s.warnings?.length)
    attributes.push({ key: WARNINGS_ATTRIBUTE, value: { arrayValue: { values: s.warnings.map((w) => ({ stringValue: w })) } } });
  const parent = parentOf(s);
  const links = s.references
    .filter((r) => !(r.refType === 'CHILD_OF' && r.spanID === parent && r.traceID === s.traceID))
    .map((r) => ({
      traceId: traceId32(r.traceID),
      spanId: r.spanID,
      attributes: [{ key: 'opentracing.ref_type', value: { stringValue: r.refType === 'CHILD_OF' ? 'child_of' : 'follows_from' } }],
    }));
  const events = s.logs.map((l) => {
    const name = l.fields.find((f) => f.key === 'event');
    return {
      timeUnixNano: nanos(l.timestamp),
      ...(name ? { name: String(name.value) } : {}),
      ...(l.fields.length > (name ? 1 : 0) ? { attributes: l.fields.filter((f) => f !== name).map(attr) } : {}),
    };
  });
  // Zero values left out, as Jaeger's protobuf JSON does.
  return {
    traceId: traceId32(s.traceID),
    spanId: s.spanID,
    ...(traceState ? { traceState } : {}),
    ...(parent ? { parentSpanId: parent } : {}),
    name: s.operationName,
    ...(kind ? { kind } : {}),
    startTimeUnixNano: nanos(s.startTime),
    endTimeUnixNano: nanos(s.startTime + s.duration),
    ...(attributes.length ? { attributes } : {}),
    ...(events.length ? { events } : {}),
    ...(links.length ? { links } : {}),
    status: { ...(statusMessage ? { message: statusMessage } : {}), ...(statusCode ? { code: statusCode } : {}) },
  };
}

/** One resourceSpans entry per process, one scopeSpans per instrumentation scope within it. */
export function toOtlpResourceSpans(trace: JaegerTrace): Record<string, unknown>[] {
  const byProcess = new Map<string, Map<string, { scope: Record<string, string>; spans: Record<string, unknown>[] }>>();
  for (const s of trace.spans) {
    let scopes = byProcess.get(s.processID);
    if (!scopes) byProcess.set(s.processID, (scopes = new Map()));
    const name = String(s.tags.find((t) => t.key === 'otel.scope.name')?.value ?? '');
    const version = name ? String(s.tags.find((t) => t.key === 'otel.scope.version')?.value ?? '') : '';
    const key = `${name}\u0000${version}`;
    let group = scopes.get(key);
    if (!group) scopes.set(key, (group = { scope: { ...(name ? { name } : {}), ...(version ? { version } : {}) }, spans: [] }));
    group.spans.push(otlpSpan(s));
  }
  return [...byProcess].map(([pid, scopes]) => {
    const p = trace.processes[pid] ?? { serviceName: '', tags: [] };
    return {
      resource: { attributes: resourceAttributes(p.serviceName, p.tags) },
      scopeSpans: [...scopes.values()].map((g) => ({ scope: g.scope, spans: g.spans })),
    };
  });
}
