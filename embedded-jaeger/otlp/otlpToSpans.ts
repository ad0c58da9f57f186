// OTLP resource spans → the store's span model, mapped as Jaeger v2 shows OTLP spans in its v1 JSON (resource → process, scope/kind/status → tags, events → logs, links → references).
import {
  REF_CHILD_OF,
  REF_FOLLOWS_FROM,
  TAG_BINARY,
  TAG_BOOL,
  TAG_DOUBLE,
  TAG_LONG,
  TAG_STRING,
  type DecodedBatch,
  type LogRecord,
  type ProcessRecord,
  type RefRecord,
  type SpanRecord,
  type TagList,
  type WireBytes,
} from '../spanModel.ts';
import { OtlpDecodeError, type OtlpAttrs, type OtlpResourceSpans, type OtlpSpan, type OtlpValue } from './otlpDecode.ts';
import {
  durationUsOf,
  EMPTY_SPAN_NAME,
  eventFieldNeeded,
  failedByStatus,
  jaegerSpanTags,
  jaegerTraceId,
  LINK_REF_TYPE_KEY,
  linkIsChildOf,
  MAY_BE_STATUS_KEY,
  SERVICE_NAME_KEY,
  serviceNameOf,
  STATUS_TAG_KEYS,
  type StatusTagKey,
  type StatusTags,
} from '../../model/index.ts';

/** OTLP spans keep nothing in wire bytes: their tags and logs are stored already decoded. */
const NO_WIRE: WireBytes = { buf: Buffer.alloc(0), compact: false };

/**
 * Names and short values repeat across spans (keys, methods, status texts): one string each
 * instead of one per decoded span, as the Thrift decoder's string table does. Bounded: it
 * starts over when full, so hostile input cannot grow it.
 */
const interned = new Map<string, string>();
const MAX_INTERNED = 50_000;
const SHORT = 64;
function intern(text: string): string {
  if (text.length > SHORT) return text;
  const known = interned.get(text);
  if (known !== undefined) return known;
  if (interned.size >= MAX_INTERNED) interned.clear();
  interned.set(text, text);
  return text;
}

function push(out: TagList, rawKey: string, v: OtlpValue): void {
  const key = intern(rawKey);
  switch (v.kind) {
    case 'bool':
      out.push(key, TAG_BOOL, v.value);
      break;
    case 'int':
      out.push(key, TAG_LONG, v.value);
      break;
    case 'double':
      out.push(key, TAG_DOUBLE, v.value);
      break;
    case 'bytes':
      out.push(key, TAG_BINARY, v.value);
      break;
    default:
      // strings, and arrays and maps as their JSON text (Jaeger's AsString); an empty value is "".
      out.push(key, TAG_STRING, intern(v.value as string));
  }
}

function tagList(attrs: OtlpAttrs, skip?: string): TagList {
  const out: TagList = [];
  for (const [k, v] of attrs) if (k !== skip) push(out, k, v);
  return out;
}

function processOf(resource: OtlpAttrs): ProcessRecord {
  const svc = resource.find(([k]) => k === SERVICE_NAME_KEY)?.[1];
  const serviceName = serviceNameOf(svc && { isString: svc.kind === 'string', value: svc.value });
  const tags = tagList(resource, SERVICE_NAME_KEY);
  return { serviceName, tags: tags.length ? tags : null, key: tags.length ? `${serviceName}\u0000${JSON.stringify(tags)}` : serviceName };
}

function spanTagList(s: OtlpSpan, scopeName: string, scopeVersion: string): TagList {
  const tags: TagList = [];
  jaegerSpanTags(
    { scopeName, scopeVersion, kind: s.kind, statusCode: s.statusCode, statusMessage: s.statusMessage, traceState: s.traceState },
    () => {
      for (const [k, v] of s.attributes) push(tags, k, v);
    },
    (key, value) => tags.push(key, typeof value === 'boolean' ? TAG_BOOL : TAG_STRING, typeof value === 'string' ? intern(value) : value),
  );
  return tags;
}

function logsOf(s: OtlpSpan): LogRecord[] | null {
  if (s.events.length === 0) return null;
  return s.events.map((e) => {
    const fields: TagList = [];
    if (
      eventFieldNeeded(
        e.name,
        e.attributes.map(([k]) => k),
      )
    )
      fields.push('event', TAG_STRING, intern(e.name));
    for (const [k, v] of e.attributes) push(fields, k, v);
    return { timestamp: e.time.us, fields };
  });
}

/** Links become references (opentracing.ref_type says which; FOLLOWS_FROM otherwise); one naming the parent sets the parent's type. */
function refsOf(s: OtlpSpan, traceId: string): RefRecord[] | null {
  if (s.links.length === 0) return null;
  const refs: RefRecord[] = [];
  for (const l of s.links) {
    const rt = l.attributes.find(([k]) => k === LINK_REF_TYPE_KEY)?.[1];
    const refType = linkIsChildOf(rt?.value) ? REF_CHILD_OF : REF_FOLLOWS_FROM;
    const linkTrace = jaegerTraceId(l.traceId || '0'.repeat(32));
    if (s.parentSpanId && linkTrace === traceId && l.spanId === s.parentSpanId) {
      // Jaeger keeps the parent first, with the link's type.
      refs.unshift({ refType, traceId, spanId: s.parentSpanId });
      continue;
    }
    refs.push({ refType, traceId: linkTrace, spanId: l.spanId || '0'.repeat(16) });
  }
  return refs;
}

/** The one failure rule (model/spanStatus.ts) over the tags as stored: the status maps to otel.status_code, the kind to span.kind. */
function failedByTags(tags: TagList): boolean {
  const found: StatusTags = {};
  for (let i = 0; i < tags.length; i += 3) {
    const key = tags[i] as string;
    // The length first: most keys are turned away before a hash lookup.
    if (MAY_BE_STATUS_KEY[key.length] === 1 && STATUS_KEYS.has(key) && !(key in found)) found[key as StatusTagKey] = tags[i + 2];
  }
  return failedByStatus(found);
}
const STATUS_KEYS: ReadonlySet<string> = new Set(STATUS_TAG_KEYS);

function toSpan(s: OtlpSpan, scopeName: string, scopeVersion: string, process: ProcessRecord): SpanRecord {
  if (!s.traceId || /^0+$/.test(s.traceId)) throw new OtlpDecodeError(`span ${s.spanId || '(no id)'} has no trace id`);
  if (!s.spanId || /^0+$/.test(s.spanId)) throw new OtlpDecodeError(`a span of trace ${s.traceId} has no span id`);
  const traceId = jaegerTraceId(s.traceId);
  const tags = spanTagList(s, scopeName, scopeVersion);
  const parent = s.parentSpanId && !/^0+$/.test(s.parentSpanId) ? s.parentSpanId : '';
  return {
    traceId,
    spanId: s.spanId,
    parentSpanId: parent,
    operationName: intern(s.name || EMPTY_SPAN_NAME),
    flags: 0,
    startTime: s.start.us,
    duration: durationUsOf(s.start, s.end),
    refs: refsOf({ ...s, parentSpanId: parent }, traceId),
    wire: NO_WIRE,
    tagsAt: -1,
    logsAt: -1,
    error: failedByTags(tags),
    kind: s.kind >= 1 && s.kind <= 5 ? s.kind : 0,
    notes: 0,
    inline: { tags: tags.length ? tags : null, logs: logsOf(s) },
    process,
    via: 0,
  };
}

/** One DecodedBatch per resource (the store's batches share one process). Throws OtlpDecodeError on a span Jaeger could not store. */
export function otlpToBatches(request: OtlpResourceSpans[]): DecodedBatch[] {
  return request.map((rs) => {
    const process = processOf(rs.resource);
    const spans: SpanRecord[] = [];
    for (const sc of rs.scopes) for (const s of sc.spans) spans.push(toSpan(s, sc.name, sc.version, process));
    return { process, spans, batchStart: 0, batchEnd: 0, seqNo: -1, clientDropped: -1, oddSpans: 0 };
  });
}
