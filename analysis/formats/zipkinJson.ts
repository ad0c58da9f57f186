// Zipkin v2 JSON (a list of spans, as /api/v2/trace/{id} or a reporter sends them) → Jaeger JSON traces.
import type { JaegerKeyValue, JaegerProcess, JaegerSpan, JaegerTrace } from '../../model/index.ts';
import { TraceInputError } from '../traceIndex.ts';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => !!x && typeof x === 'object' && !Array.isArray(x);
const HEX_ID = /^[0-9a-fA-F]{1,32}$/;

/** True when the list reads as Zipkin v2: objects with a traceId and an id (Jaeger's spans say traceID / spanID). */
export function looksLikeZipkin(x: unknown): x is unknown[] {
  return Array.isArray(x) && x.length > 0 && x.every((s) => isObj(s) && typeof s.traceId === 'string' && typeof s.id === 'string');
}

/**
 * Zipkin tags are all strings; numbers and booleans are read back as such, as the OpenTelemetry
 * Collector's zipkin receiver does with parse_string_tags, so "http.status_code":"503" counts as 503.
 */
function tagOf(key: string, value: string): JaegerKeyValue {
  if (key === 'error') return { key, type: 'bool', value: value !== 'false' };
  if (value === 'true' || value === 'false') return { key, type: 'bool', value: value === 'true' };
  if (/^-?\d{1,15}$/.test(value)) return { key, type: 'int64', value: Number(value) };
  if (/^-?\d+\.\d+(e[-+]?\d+)?$/i.test(value) && Number.isFinite(Number(value))) return { key, type: 'float64', value: Number(value) };
  return { key, type: 'string', value };
}

/**
 * An annotation's value: the event's name, or {"name":{attributes}} as OpenTelemetry's Zipkin
 * exporter writes an event with attributes (then the name first, as Jaeger writes an event).
 */
function fieldsOf(value: string): JaegerKeyValue[] {
  if (value.startsWith('{"')) {
    try {
      const o = JSON.parse(value) as unknown;
      const entries = isObj(o) ? Object.entries(o) : [];
      if (entries.length === 1 && isObj(entries[0]![1])) {
        const fields: JaegerKeyValue[] = [{ key: 'event', type: 'string', value: entries[0]![0] }];
        for (const [k, v] of Object.entries(entries[0]![1])) {
          if (typeof v === 'number') fields.push({ key: k, type: Number.isInteger(v) ? 'int64' : 'float64', value: v });
          else if (typeof v === 'boolean') fields.push({ key: k, type: 'bool', value: v });
          else fields.push({ key: k, type: 'string', value: typeof v === 'string' ? v : JSON.stringify(v) });
        }
        return fields;
      }
    } catch {
      // Not that form: the text is the name.
    }
  }
  return [{ key: 'event', type: 'string', value }];
}

function idOf(x: unknown, what: string, width: number): string {
  if (typeof x !== 'string' || !HEX_ID.test(x))
    throw new TraceInputError(`Zipkin JSON: ${what} is not hex: ${JSON.stringify(String(x).slice(0, 40))}`);
  return x.toLowerCase().padStart(width, '0');
}

function whole(x: unknown, what: string): number {
  const n = typeof x === 'string' ? Number(x) : x;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
    throw new TraceInputError(`Zipkin JSON: ${what} is not a number of µs: ${JSON.stringify(String(x).slice(0, 30))}`);
  return Math.floor(n);
}

/**
 * One Jaeger trace per traceId. localEndpoint → process, kind → span.kind, remoteEndpoint →
 * peer.* tags, annotations → logs with an "event" field. A server span that shares its client's
 * id (B3's joined spans) gets a fresh id with the client as its parent, as Jaeger's query does.
 */
export function tracesFromZipkinJson(spans: unknown[]): JaegerTrace[] {
  const traces = new Map<string, { trace: JaegerTrace; pids: Map<string, string>; ids: Set<string> }>();
  const shared: { span: JaegerSpan; ids: Set<string> }[] = [];
  for (const raw of spans) {
    if (!isObj(raw)) throw new TraceInputError('Zipkin JSON: a span is not an object');
    const traceID = idOf(raw.traceId, 'traceId', 16);
    const spanID = idOf(raw.id, 'id', 16);
    let entry = traces.get(traceID);
    if (!entry)
      traces.set(traceID, (entry = { trace: { traceID, spans: [], processes: {}, warnings: null }, pids: new Map(), ids: new Set() }));
    const local = isObj(raw.localEndpoint) ? raw.localEndpoint : {};
    const serviceName = typeof local.serviceName === 'string' && local.serviceName ? local.serviceName : 'unknown-service';
    const processTags: JaegerKeyValue[] = [];
    if (typeof local.ipv4 === 'string') processTags.push({ key: 'ip', type: 'string', value: local.ipv4 });
    const pkey = `${serviceName}\u0000${JSON.stringify(processTags)}`;
    let pid = entry.pids.get(pkey);
    if (!pid) {
      pid = `p${entry.pids.size + 1}`;
      entry.pids.set(pkey, pid);
      entry.trace.processes[pid] = { serviceName, tags: processTags } satisfies JaegerProcess;
    }
    const tags: JaegerKeyValue[] = [];
    if (isObj(raw.tags)) for (const [k, v] of Object.entries(raw.tags)) tags.push(tagOf(k, String(v)));
    if (typeof raw.kind === 'string') tags.push({ key: 'span.kind', type: 'string', value: raw.kind.toLowerCase() });
    const remote = isObj(raw.remoteEndpoint) ? raw.remoteEndpoint : undefined;
    if (remote && typeof remote.serviceName === 'string') tags.push({ key: 'peer.service', type: 'string', value: remote.serviceName });
    if (remote && typeof remote.ipv4 === 'string') tags.push({ key: 'peer.ipv4', type: 'string', value: remote.ipv4 });
    if (remote && typeof remote.port === 'number') tags.push({ key: 'peer.port', type: 'int64', value: remote.port });
    const parent = raw.parentId == null || raw.parentId === '' ? '' : idOf(raw.parentId, 'parentId', 16);
    const span: JaegerSpan = {
      traceID,
      spanID,
      operationName: typeof raw.name === 'string' ? raw.name : '',
      references: parent && !/^0+$/.test(parent) ? [{ refType: 'CHILD_OF', traceID, spanID: parent }] : [],
      flags: raw.debug === true ? 2 : 0,
      startTime: whole(raw.timestamp ?? 0, 'timestamp'),
      duration: whole(raw.duration ?? 0, 'duration'),
      tags,
      logs: (Array.isArray(raw.annotations) ? raw.annotations : []).filter(isObj).map((a) => ({
        timestamp: whole(a.timestamp, 'annotation timestamp'),
        fields: fieldsOf(String(a.value ?? '')),
      })),
      processID: pid,
      warnings: null,
    };
    if (raw.shared === true) shared.push({ span, ids: entry.ids });
    else entry.ids.add(spanID);
    entry.trace.spans.push(span);
  }
  for (const { span, ids } of shared) {
    if (!ids.has(span.spanID)) {
      ids.add(span.spanID);
      continue;
    }
    let fresh = BigInt(`0x${span.spanID}`);
    let id = span.spanID;
    while (ids.has(id)) id = (fresh = (fresh + 1n) & 0xffffffffffffffffn).toString(16).padStart(16, '0');
    ids.add(id);
    span.references = [{ refType: 'CHILD_OF', traceID: span.traceID, spanID: span.spanID }];
    span.spanID = id;
  }
  return [...traces.values()].map((e) => e.trace);
}
