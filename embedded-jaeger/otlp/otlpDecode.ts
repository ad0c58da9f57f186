// OTLP/HTTP trace requests (protobuf through the generated OTLP schema, or OTLP/JSON) → one neutral shape.
import { ExportTraceServiceRequest } from './otlpSchema.ts';

/** The parts of ExportTraceServiceRequest the store uses, ids as lowercase hex, times as ns (bigint only when needed: see Ns). */
export interface OtlpValue {
  /** Which oneof member was set ('' = none): the Jaeger tag type follows from it. */
  kind: '' | 'string' | 'bool' | 'int' | 'double' | 'bytes' | 'array' | 'kvlist';
  /** string | boolean | number | decimal string (int beyond 2^53) | base64 (bytes) | JSON text (array, kvlist). */
  value: string | number | boolean;
}
export type OtlpAttrs = [key: string, value: OtlpValue][];

/** A time in ns split so no precision is lost: µs since the epoch and the ns left over. */
export interface Ns {
  us: number;
  rest: number;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: number;
  start: Ns;
  end: Ns;
  attributes: OtlpAttrs;
  events: { time: Ns; name: string; attributes: OtlpAttrs }[];
  links: { traceId: string; spanId: string; attributes: OtlpAttrs }[];
  statusCode: number;
  statusMessage: string;
}

export interface OtlpResourceSpans {
  resource: OtlpAttrs;
  scopes: { name: string; version: string; spans: OtlpSpan[] }[];
}

export class OtlpDecodeError extends Error {}

/** Arrays and maps nested deeper than this are refused (they become JSON text, and a hostile one could be endless). */
const MAX_DEPTH = 16;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof Uint8Array);

/** A protobufjs Long (or a number or decimal string from JSON) as a bigint-free split time. */
function nsOf(x: unknown, what: string): Ns {
  if (x === null || x === undefined || x === 0 || x === '0' || x === '') return { us: 0, rest: 0 };
  if (isObj(x) && typeof x.low === 'number' && typeof x.high === 'number') {
    const hi = x.high >>> 0;
    const lo = x.low >>> 0;
    // hi·2^32 = hi·4294967·1000 + hi·296: exact in doubles for any time before the year 2500.
    const small = hi * 296 + lo;
    return { us: hi * 4_294_967 + Math.floor(small / 1000), rest: small % 1000 };
  }
  // JSON senders may write ns as a (rounded) number: any whole, non-negative one is taken as it is.
  const s = typeof x === 'number' ? (Number.isInteger(x) && x >= 0 ? BigInt(x).toString() : '') : typeof x === 'string' ? x : '';
  if (!/^\d{1,20}$/.test(s))
    throw new OtlpDecodeError(`${what} is not a whole number of nanoseconds: ${JSON.stringify(String(x).slice(0, 30))}`);
  const us = s.length > 3 ? Number(s.slice(0, -3)) : 0;
  return { us, rest: Number(s.slice(-3)) };
}

function intOf(x: unknown): number | string {
  if (isObj(x) && typeof x.low === 'number' && typeof x.high === 'number') {
    // Most integers (status codes, counts, sizes) are small: no BigInt for them.
    if (x.high >= -2_097_152 && x.high < 2_097_152 && !x.unsigned) return x.high * 4_294_967_296 + (x.low >>> 0);
    const v = (BigInt(x.high) << 32n) | BigInt(x.low >>> 0);
    const n = BigInt.asIntN(64, v);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
  }
  if (typeof x === 'number' && Number.isSafeInteger(x)) return x;
  if (typeof x === 'string' && /^-?\d{1,20}$/.test(x)) {
    const n = BigInt(x);
    if (n !== BigInt.asIntN(64, n)) throw new OtlpDecodeError(`intValue out of int64 range: ${x.slice(0, 30)}`);
    return Number.isSafeInteger(Number(x)) ? Number(x) : n.toString();
  }
  throw new OtlpDecodeError(`intValue is not an integer: ${JSON.stringify(String(x).slice(0, 30))}`);
}

let lastTraceBytes: Buffer | undefined;
let lastTraceHex = '';

const HEX = { 8: /^[0-9a-fA-F]{16}$/, 16: /^[0-9a-fA-F]{32}$/ } as const;

/** Ids: bytes (protobuf) or hex text (OTLP/JSON). Empty = absent. */
function idOf(x: unknown, bytes: 8 | 16, what: string, json: boolean): string {
  if (x === null || x === undefined || x === '') return '';
  if (!json && x instanceof Uint8Array) {
    if (x.length === 0) return '';
    if (x.length !== bytes) throw new OtlpDecodeError(`${what} has ${x.length} bytes, expected ${bytes}`);
    const b = Buffer.isBuffer(x) ? x : Buffer.from(x.buffer, x.byteOffset, x.length);
    // The spans of a request mostly share one trace id: its text is made once.
    if (bytes === 16) {
      if (lastTraceBytes?.equals(b)) return lastTraceHex;
      lastTraceBytes = Buffer.from(b);
      return (lastTraceHex = b.toString('hex'));
    }
    return b.toString('hex');
  }
  if (json && typeof x === 'string' && HEX[bytes].test(x)) return x.toLowerCase();
  throw new OtlpDecodeError(`${what} is not ${bytes * 2} hex digits: ${JSON.stringify(String(x).slice(0, 40))}`);
}

function str(x: unknown, what: string): string {
  if (x === null || x === undefined) return '';
  if (typeof x !== 'string') throw new OtlpDecodeError(`${what} is not a string`);
  return x;
}

function list(x: unknown, what: string): unknown[] {
  if (x === null || x === undefined) return [];
  if (!Array.isArray(x)) throw new OtlpDecodeError(`${what} is not a list`);
  return x;
}

/** The raw value of an AnyValue, for arrays and maps written as JSON text (as Jaeger's AsString does). */
function rawOf(v: unknown, json: boolean, depth: number): unknown {
  const a = anyValue(v, json, depth);
  if (a.kind === 'array' || a.kind === 'kvlist') return JSON.parse(a.value as string);
  if (a.kind === 'int' && typeof a.value === 'string') return a.value;
  return a.kind === '' ? null : a.value;
}

function anyValue(v: unknown, json: boolean, depth = 0): OtlpValue {
  if (depth > MAX_DEPTH) throw new OtlpDecodeError(`attribute values nested deeper than ${MAX_DEPTH}`);
  if (!isObj(v)) return { kind: '', value: '' };
  if (v.stringValue != null) return { kind: 'string', value: str(v.stringValue, 'stringValue') };
  if (v.boolValue != null) {
    if (typeof v.boolValue !== 'boolean') throw new OtlpDecodeError('boolValue is not a boolean');
    return { kind: 'bool', value: v.boolValue };
  }
  if (v.intValue != null) return { kind: 'int', value: intOf(v.intValue) };
  if (v.doubleValue != null) {
    const d = typeof v.doubleValue === 'string' ? Number(v.doubleValue) : v.doubleValue;
    if (typeof d !== 'number' || (Number.isNaN(d) && v.doubleValue !== 'NaN')) throw new OtlpDecodeError('doubleValue is not a number');
    return { kind: 'double', value: d };
  }
  if (v.bytesValue != null) {
    if (v.bytesValue instanceof Uint8Array) return { kind: 'bytes', value: Buffer.from(v.bytesValue).toString('base64') };
    if (typeof v.bytesValue === 'string') return { kind: 'bytes', value: Buffer.from(v.bytesValue, 'base64').toString('base64') };
    throw new OtlpDecodeError('bytesValue is not bytes');
  }
  if (v.arrayValue != null) {
    const values = list(isObj(v.arrayValue) ? v.arrayValue.values : undefined, 'arrayValue.values');
    return { kind: 'array', value: JSON.stringify(values.map((x) => rawOf(x, json, depth + 1))) };
  }
  if (v.kvlistValue != null) {
    const kvs = list(isObj(v.kvlistValue) ? v.kvlistValue.values : undefined, 'kvlistValue.values');
    const pairs: [string, unknown][] = [];
    for (const kv of kvs) if (isObj(kv)) pairs.push([str(kv.key, 'key'), rawOf(kv.value, json, depth + 1)]);
    // Go's JSON writes a map's keys sorted; Jaeger's text for a kvlist attribute comes from there.
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return { kind: 'kvlist', value: JSON.stringify(Object.fromEntries(pairs)) };
  }
  return { kind: '', value: '' };
}

function attrs(x: unknown, json: boolean, what: string): OtlpAttrs {
  return list(x, what).map((kv) => {
    if (!isObj(kv)) throw new OtlpDecodeError(`${what} holds a non-object`);
    return [str(kv.key, `${what} key`), anyValue(kv.value, json)];
  });
}

function span(s: unknown, json: boolean): OtlpSpan {
  if (!isObj(s)) throw new OtlpDecodeError('a span is not an object');
  const status = isObj(s.status) ? s.status : {};
  const kind = s.kind ?? 0;
  if (typeof kind !== 'number' || !Number.isInteger(kind)) throw new OtlpDecodeError('span kind is not an integer');
  const code = status.code ?? 0;
  if (typeof code !== 'number') throw new OtlpDecodeError('status code is not an integer');
  return {
    traceId: idOf(s.traceId, 16, 'traceId', json),
    spanId: idOf(s.spanId, 8, 'spanId', json),
    parentSpanId: idOf(s.parentSpanId, 8, 'parentSpanId', json),
    traceState: str(s.traceState, 'traceState'),
    name: str(s.name, 'span name'),
    kind,
    start: nsOf(s.startTimeUnixNano, 'startTimeUnixNano'),
    end: nsOf(s.endTimeUnixNano, 'endTimeUnixNano'),
    attributes: attrs(s.attributes, json, 'span attributes'),
    events: list(s.events, 'events').map((e) => {
      if (!isObj(e)) throw new OtlpDecodeError('an event is not an object');
      return {
        time: nsOf(e.timeUnixNano, 'event timeUnixNano'),
        name: str(e.name, 'event name'),
        attributes: attrs(e.attributes, json, 'event attributes'),
      };
    }),
    links: list(s.links, 'links').map((l) => {
      if (!isObj(l)) throw new OtlpDecodeError('a link is not an object');
      return {
        traceId: idOf(l.traceId, 16, 'link traceId', json),
        spanId: idOf(l.spanId, 8, 'link spanId', json),
        attributes: attrs(l.attributes, json, 'link attributes'),
      };
    }),
    statusCode: code,
    statusMessage: str(status.message, 'status message'),
  };
}

function fromMessage(m: unknown, json: boolean): OtlpResourceSpans[] {
  if (!isObj(m)) throw new OtlpDecodeError('the body is not an ExportTraceServiceRequest object');
  return list(m.resourceSpans, 'resourceSpans').map((rs) => {
    if (!isObj(rs)) throw new OtlpDecodeError('resourceSpans holds a non-object');
    const resource = isObj(rs.resource) ? rs.resource : {};
    return {
      resource: attrs(resource.attributes, json, 'resource attributes'),
      scopes: list(rs.scopeSpans, 'scopeSpans').map((ss) => {
        if (!isObj(ss)) throw new OtlpDecodeError('scopeSpans holds a non-object');
        const scope = isObj(ss.scope) ? ss.scope : {};
        return {
          name: str(scope.name, 'scope name'),
          version: str(scope.version, 'scope version'),
          spans: list(ss.spans, 'spans').map((s) => span(s, json)),
        };
      }),
    };
  });
}

/** application/x-protobuf */
export function decodeOtlpProtobuf(body: Uint8Array): OtlpResourceSpans[] {
  let m: unknown;
  try {
    m = ExportTraceServiceRequest.decode(body);
  } catch (e) {
    throw new OtlpDecodeError(`not a protobuf ExportTraceServiceRequest: ${e instanceof Error ? e.message : String(e)}`);
  }
  return fromMessage(m, false);
}

/** application/json (OTLP/JSON: hex ids, int64 as strings or numbers, enums as integers). */
export function decodeOtlpJson(body: Buffer): OtlpResourceSpans[] {
  let m: unknown;
  try {
    m = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new OtlpDecodeError(`not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  return fromMessage(m, true);
}
