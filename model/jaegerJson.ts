// The Jaeger query service's JSON model (v2.x `/api/traces…`), written once and shared by
// the embedded Jaeger (which produces it), the viewer (which draws it) and the tests.

/** Tag value types as Jaeger's query JSON names them. */
export type JaegerValueType = 'string' | 'bool' | 'int64' | 'float64' | 'binary';

/**
 * A tag or log field. `value` is a JSON string for `string` and `binary` (base64),
 * a boolean for `bool`, a number for `float64`, and a number for `int64` — or a decimal
 * string when the int64 lies outside ±(2^53−1). Fixtures exported from older UIs may carry
 * bools as the strings "true"/"false", so readers should accept both.
 */
export interface JaegerKeyValue {
  key: string;
  type: JaegerValueType;
  value: string | number | boolean;
}

export interface JaegerLog {
  /** Microseconds since the Unix epoch. */
  timestamp: number;
  fields: JaegerKeyValue[];
}

export type JaegerRefType = 'CHILD_OF' | 'FOLLOWS_FROM';

export interface JaegerReference {
  refType: JaegerRefType;
  traceID: string;
  spanID: string;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  /** Present in some exports; Jaeger's query service puts the parent in `references`. */
  parentSpanID?: string;
  flags?: number;
  operationName: string;
  references: JaegerReference[];
  /** Microseconds since the Unix epoch. */
  startTime: number;
  /** Microseconds. */
  duration: number;
  tags: JaegerKeyValue[];
  logs: JaegerLog[];
  processID: string;
  warnings: string[] | null;
}

export interface JaegerProcess {
  serviceName: string;
  tags: JaegerKeyValue[];
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, JaegerProcess>;
  warnings: string[] | null;
}

export interface JaegerError {
  /** Absent on a traceID= search's "trace not found" entries (Jaeger omits it there). */
  code?: number;
  msg: string;
  traceID?: string;
}

/** The envelope every query endpoint answers with. */
export interface JaegerEnvelope<T> {
  data: T;
  total: number;
  limit: number;
  offset: number;
  errors: JaegerError[] | null;
}

/** One edge of `GET /api/dependencies`. */
export interface JaegerDependencyLink {
  parent: string;
  child: string;
  callCount: number;
}

/** A file exported from Jaeger opens whether it is the envelope or a bare trace. */
export function tracesFromJaegerFile(json: unknown): JaegerTrace[] {
  if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    if (Array.isArray(o.data)) return o.data.filter(isJaegerTrace);
    if (isJaegerTrace(o)) return [o];
  }
  throw new Error('not a Jaeger trace: expected {"data":[trace…]} or a trace object with "traceID" and "spans"');
}

export function isJaegerTrace(x: unknown): x is JaegerTrace {
  if (!x || typeof x !== 'object') return false;
  const o = x as Record<string, unknown>;
  return typeof o.traceID === 'string' && Array.isArray(o.spans);
}
