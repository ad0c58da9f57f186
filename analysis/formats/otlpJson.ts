// OTLP JSON (ExportTraceServiceRequest) → Jaeger JSON traces, mapped as Jaeger v2 shows OTLP spans (model/otlpAsJaeger.ts: the rules the embedded collector's reader follows too).
import {
  durationUsOf,
  EMPTY_SPAN_NAME,
  eventFieldNeeded,
  type JaegerKeyValue,
  type JaegerLog,
  type JaegerProcess,
  type JaegerReference,
  type JaegerSpan,
  type JaegerTrace,
  jaegerSpanTags,
  jaegerTraceId,
  LINK_REF_TYPE_KEY,
  linkIsChildOf,
  OTLP_SPAN_KINDS,
  SERVICE_NAME_KEY,
  serviceNameOf,
} from '../../model/index.ts';
import { TraceInputError } from '../traceIndex.ts';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => !!x && typeof x === 'object' && !Array.isArray(x);

const MAX_DEPTH = 16;

/** Protobuf's JSON mapping accepts both lowerCamel and the proto field name. */
function field(o: Obj, camel: string): unknown {
  if (o[camel] !== undefined) return o[camel];
  return o[camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)];
}

function list(x: unknown, what: string): unknown[] {
  if (x === null || x === undefined) return [];
  if (!Array.isArray(x)) throw new TraceInputError(`OTLP JSON: ${what} is not a list`);
  return x;
}

function text(x: unknown): string {
  return typeof x === 'string' ? x : '';
}

/** Hex as OTLP JSON writes ids; base64 as protobuf's generic JSON mapping does. Empty or all-zero = absent. */
function idOf(x: unknown, bytes: 8 | 16, what: string): string {
  if (x === null || x === undefined || x === '') return '';
  if (typeof x === 'string') {
    let hex = '';
    if (x.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(x)) hex = x.toLowerCase();
    else if (/^[A-Za-z0-9+/]+={0,2}$/.test(x) && Math.floor((x.length * 3) / 4) - (x.match(/=/g)?.length ?? 0) === bytes) {
      hex = base64ToHex(x);
    }
    if (hex) return /^0+$/.test(hex) ? '' : hex;
  }
  throw new TraceInputError(`OTLP JSON: ${what} is not ${bytes * 2} hex digits: ${JSON.stringify(String(x).slice(0, 40))}`);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 → hex by hand: atob is not in every runtime this code runs in (the shared lib has no DOM). */
function base64ToHex(b64: string): string {
  let bits = 0;
  let acc = 0;
  let hex = '';
  for (const c of b64.replace(/=+$/, '')) {
    acc = (acc << 6) | B64.indexOf(c);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      hex += ((acc >> bits) & 0xff).toString(16).padStart(2, '0');
    }
  }
  return hex;
}

/** Nanoseconds (a decimal string or a number) → whole µs and the ns left over, without losing digits past 2^53. */
function nsOf(x: unknown, what: string): { us: number; rest: number } {
  if (typeof x === 'number' && Number.isFinite(x) && x >= 0) return { us: Math.floor(x / 1000), rest: Math.round(x % 1000) };
  if (typeof x === 'string' && /^\d{1,20}$/.test(x)) {
    const s = x.padStart(4, '0');
    return { us: Number(s.slice(0, -3)), rest: Number(s.slice(-3)) };
  }
  throw new TraceInputError(`OTLP JSON: ${what} is not a whole number of nanoseconds: ${JSON.stringify(String(x).slice(0, 30))}`);
}

/** An enum as the integer OTLP JSON writes, or the name protobuf's generic JSON writes (SPAN_KIND_SERVER, STATUS_CODE_ERROR). */
function enumOf(x: unknown, names: readonly string[], prefix: string): number {
  if (typeof x === 'number') return x;
  if (typeof x === 'string') {
    const at = names.indexOf(x.replace(prefix, '').toLowerCase());
    return at >= 0 ? at : Number(x) || 0;
  }
  return 0;
}

/** An AnyValue as a Jaeger tag; arrays and maps as their JSON text (Jaeger's AsString, map keys sorted as Go writes them). */
function tagOf(key: string, v: unknown): JaegerKeyValue {
  if (!isObj(v)) return { key, type: 'string', value: '' };
  if (v.stringValue != null) return { key, type: 'string', value: String(v.stringValue) };
  if (v.boolValue != null) return { key, type: 'bool', value: v.boolValue === true || v.boolValue === 'true' };
  if (v.intValue != null) {
    const n = Number(v.intValue);
    return { key, type: 'int64', value: Number.isSafeInteger(n) ? n : String(v.intValue) };
  }
  if (v.doubleValue != null) return { key, type: 'float64', value: Number(v.doubleValue) };
  if (v.bytesValue != null) return { key, type: 'binary', value: String(v.bytesValue) };
  if (v.arrayValue != null || v.kvlistValue != null) return { key, type: 'string', value: JSON.stringify(rawOf(v, 0)) };
  return { key, type: 'string', value: '' };
}

function rawOf(v: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new TraceInputError(`OTLP JSON: attribute values nested deeper than ${MAX_DEPTH}`);
  if (!isObj(v)) return null;
  if (v.arrayValue != null)
    return list(isObj(v.arrayValue) ? v.arrayValue.values : undefined, 'arrayValue.values').map((x) => rawOf(x, depth + 1));
  if (v.kvlistValue != null) {
    const pairs = list(isObj(v.kvlistValue) ? v.kvlistValue.values : undefined, 'kvlistValue.values')
      .filter(isObj)
      .map((kv) => [text(kv.key), rawOf(kv.value, depth + 1)] as const)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return Object.fromEntries(pairs);
  }
  const t = tagOf('', v);
  return t.value;
}

function attrs(x: unknown, what: string): JaegerKeyValue[] {
  return list(x, what).map((kv) => {
    if (!isObj(kv)) throw new TraceInputError(`OTLP JSON: ${what} holds a non-object`);
    return tagOf(text(kv.key), kv.value);
  });
}

function processOf(resource: JaegerKeyValue[]): JaegerProcess {
  const svc = resource.find((t) => t.key === SERVICE_NAME_KEY);
  const serviceName = serviceNameOf(svc && { isString: svc.type === 'string', value: svc.value });
  return { serviceName, tags: resource.filter((t) => t.key !== SERVICE_NAME_KEY) };
}

function spanOf(s: Obj, scopeName: string, scopeVersion: string, processID: string): JaegerSpan {
  const rawTrace = idOf(field(s, 'traceId'), 16, 'traceId');
  const spanID = idOf(field(s, 'spanId'), 8, 'spanId');
  if (!rawTrace) throw new TraceInputError(`OTLP JSON: span ${spanID || '(no id)'} has no trace id`);
  if (!spanID) throw new TraceInputError(`OTLP JSON: a span of trace ${rawTrace} has no span id`);
  const traceID = jaegerTraceId(rawTrace);
  const parent = idOf(field(s, 'parentSpanId'), 8, 'parentSpanId');
  const status = isObj(s.status) ? s.status : {};
  const kind = enumOf(s.kind, OTLP_SPAN_KINDS, 'SPAN_KIND_');
  const code = enumOf(status.code, ['unset', 'ok', 'error'], 'STATUS_CODE_');
  const message = text(status.message);
  const traceState = text(field(s, 'traceState'));

  const tags: JaegerKeyValue[] = [];
  jaegerSpanTags(
    { scopeName, scopeVersion, kind, statusCode: code, statusMessage: message, traceState },
    () => tags.push(...attrs(s.attributes, 'span attributes')),
    (key, value) => tags.push({ key, type: typeof value === 'boolean' ? 'bool' : 'string', value }),
  );

  const logs: JaegerLog[] = list(s.events, 'events')
    .filter(isObj)
    .map((e) => {
      const fields = attrs(e.attributes, 'event attributes');
      const name = text(e.name);
      if (
        eventFieldNeeded(
          name,
          fields.map((f) => f.key),
        )
      )
        fields.unshift({ key: 'event', type: 'string', value: name });
      return { timestamp: nsOf(field(e, 'timeUnixNano'), 'event timeUnixNano').us, fields };
    });

  // The parent first (CHILD_OF, or a link's type when a link names it), then links (opentracing.ref_type says which; FOLLOWS_FROM otherwise).
  const references: JaegerReference[] = [];
  if (parent) references.push({ refType: 'CHILD_OF', traceID, spanID: parent });
  for (const l of list(s.links, 'links').filter(isObj)) {
    const rt = attrs(l.attributes, 'link attributes').find((t) => t.key === LINK_REF_TYPE_KEY);
    const refType = linkIsChildOf(rt?.value) ? 'CHILD_OF' : 'FOLLOWS_FROM';
    const linkTrace = jaegerTraceId(idOf(field(l, 'traceId'), 16, 'link traceId') || '0'.repeat(32));
    const linkSpan = idOf(field(l, 'spanId'), 8, 'link spanId') || '0'.repeat(16);
    if (parent && linkTrace === traceID && linkSpan === parent) references[0]!.refType = refType;
    else references.push({ refType, traceID: linkTrace, spanID: linkSpan });
  }

  const start = nsOf(field(s, 'startTimeUnixNano'), 'startTimeUnixNano');
  const end = nsOf(field(s, 'endTimeUnixNano'), 'endTimeUnixNano');
  return {
    traceID,
    spanID,
    operationName: text(s.name) || EMPTY_SPAN_NAME,
    references,
    flags: 0,
    startTime: start.us,
    duration: durationUsOf(start, end),
    tags,
    logs,
    processID,
    warnings: null,
  };
}

/**
 * One or more ExportTraceServiceRequest objects (a Collector's file exporter writes one per line)
 * → one Jaeger trace per trace id, in order of first appearance; processes numbered p1, p2… per trace.
 */
export function tracesFromOtlpJson(requests: unknown[]): JaegerTrace[] {
  const traces = new Map<string, { trace: JaegerTrace; ids: Map<JaegerProcess, string> }>();
  for (const req of requests) {
    if (!isObj(req)) throw new TraceInputError('OTLP JSON: a request is not an object');
    for (const rs of list(field(req, 'resourceSpans'), 'resourceSpans')) {
      if (!isObj(rs)) throw new TraceInputError('OTLP JSON: resourceSpans holds a non-object');
      const resource = isObj(rs.resource) ? rs.resource : {};
      const process = processOf(attrs(resource.attributes, 'resource attributes'));
      // scopeSpans; instrumentationLibrarySpans before OTLP 0.15 (still written by old SDKs).
      const scopes = field(rs, 'scopeSpans') ?? field(rs, 'instrumentationLibrarySpans');
      for (const ss of list(scopes, 'scopeSpans')) {
        if (!isObj(ss)) throw new TraceInputError('OTLP JSON: scopeSpans holds a non-object');
        const scope = isObj(ss.scope)
          ? ss.scope
          : isObj(field(ss, 'instrumentationLibrary'))
            ? (field(ss, 'instrumentationLibrary') as Obj)
            : {};
        for (const s of list(ss.spans, 'spans')) {
          if (!isObj(s)) throw new TraceInputError('OTLP JSON: a span is not an object');
          const traceID = jaegerTraceId(idOf(field(s, 'traceId'), 16, 'traceId') || '0');
          let entry = traces.get(traceID);
          if (!entry) traces.set(traceID, (entry = { trace: { traceID, spans: [], processes: {}, warnings: null }, ids: new Map() }));
          let pid = entry.ids.get(process);
          if (!pid) {
            pid = `p${entry.ids.size + 1}`;
            entry.ids.set(process, pid);
            entry.trace.processes[pid] = process;
          }
          entry.trace.spans.push(spanOf(s, text(scope.name), text(scope.version), pid));
        }
      }
    }
  }
  return [...traces.values()].map((e) => e.trace);
}
