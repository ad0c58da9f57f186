// How Jaeger v2 shows an OTLP span in its v1 model: the rules both OTLP readers follow (the collector's otlp/otlpToSpans.ts, the finder's analysis/formats/otlpJson.ts).

/** OpenTelemetry's span kinds, numbered as OTLP numbers them (0 = not said). */
export const OTLP_SPAN_KINDS = ['', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

const STATUS_OK = 1;
const STATUS_ERROR = 2;

/** The operation name Jaeger gives a span without a name. */
export const EMPTY_SPAN_NAME = 'empty-span-name';

/** The resource attribute that names the service (it becomes the process's name, not one of its tags). */
export const SERVICE_NAME_KEY = 'service.name';

/** The service name Jaeger's ingest gives a resource: its service.name, or a name saying what was wrong with it. */
export function serviceNameOf(attribute: { isString: boolean; value: unknown } | undefined): string {
  if (!attribute) return 'missing-service-name';
  if (!attribute.isString) return 'service-name-wrong-type';
  return attribute.value === '' ? 'empty-service-name' : String(attribute.value);
}

/** Jaeger prints a trace id with 16 digits when its high half is zero. */
export function jaegerTraceId(hex32: string): string {
  return hex32.startsWith('0000000000000000') ? hex32.slice(16) : hex32;
}

/** A time as whole µs and the nanoseconds left over. */
export interface SplitNanos {
  us: number;
  rest: number;
}

/** The duration in whole µs; Jaeger turns an end not after the start into start + 1 ns: 0 µs here. */
export function durationUsOf(start: SplitNanos, end: SplitNanos): number {
  const ns = (end.us - start.us) * 1000 + (end.rest - start.rest);
  return ns > 0 ? Math.floor(ns / 1000) : 0;
}

/** What of an OTLP span becomes tags beside its attributes. */
export interface OtlpSpanHead {
  scopeName: string;
  scopeVersion: string;
  kind: number;
  statusCode: number;
  statusMessage: string;
  traceState: string;
}

/**
 * The span's tags in the order Jaeger's translator writes them: scope, the attributes (added by
 * `attributes`), kind, status (an ERROR status also as error=true), trace state.
 */
export function jaegerSpanTags(head: OtlpSpanHead, attributes: () => void, add: (key: string, value: string | boolean) => void): void {
  if (head.scopeName) add('otel.scope.name', head.scopeName);
  if (head.scopeVersion) add('otel.scope.version', head.scopeVersion);
  attributes();
  if (head.kind >= 1 && head.kind <= 5) add('span.kind', OTLP_SPAN_KINDS[head.kind]!);
  if (head.statusCode === STATUS_OK) add('otel.status_code', 'OK');
  if (head.statusCode === STATUS_ERROR) {
    add('otel.status_code', 'ERROR');
    add('error', true);
  }
  if (head.statusMessage) add('otel.status_description', head.statusMessage);
  if (head.traceState) add('w3c.tracestate', head.traceState);
}

/** An event's name becomes its log's first field, `event`, unless an attribute already says it. */
export function eventFieldNeeded(name: string, attributeKeys: readonly string[]): boolean {
  return name !== '' && !attributeKeys.includes('event');
}

/** The attribute on a link that says which OpenTracing reference it was. */
export const LINK_REF_TYPE_KEY = 'opentracing.ref_type';

/** A link is CHILD_OF when its opentracing.ref_type says child_of, FOLLOWS_FROM otherwise. */
export function linkIsChildOf(refType: unknown): boolean {
  return refType === 'child_of';
}
