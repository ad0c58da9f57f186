// How the store tells spans apart and finds them: Jaeger's rule for a span sent twice (kept unless an exact copy) and the search's match on service, operation, time, duration and tags.
import { spanLogs, spanTags } from './jaegerThriftTags.ts';
import type { LogRecord, SpanRecord, TagList } from './spanModel.ts';

export interface TraceQuery {
  service?: string;
  operation?: string;
  /** All must match a span's tag, its process's tag or one of its log fields (compared as text). */
  tags?: Record<string, string>;
  /** µs, inclusive. */
  minDuration?: number;
  maxDuration?: number;
  /** µs: a matching span starts within [start, end]. */
  start?: number;
  end?: number;
  limit: number;
}

/**
 * Jaeger keeps a span sent twice unless both copies are identical (its query drops exact
 * copies): the cheap fields are compared first, tags and logs only when those all agree.
 */
export function sameSpan(a: SpanRecord, b: SpanRecord): boolean {
  return (
    a.spanId === b.spanId &&
    a.startTime === b.startTime &&
    a.duration === b.duration &&
    a.operationName === b.operationName &&
    a.parentSpanId === b.parentSpanId &&
    a.process.key === b.process.key &&
    a.flags === b.flags &&
    a.error === b.error &&
    a.kind === b.kind &&
    sameRefs(a, b) &&
    sameList(spanTags(a), spanTags(b)) &&
    sameLogs(spanLogs(a), spanLogs(b))
  );
}

function sameRefs(a: SpanRecord, b: SpanRecord): boolean {
  const x = a.refs ?? [];
  const y = b.refs ?? [];
  return (
    x.length === y.length && x.every((r, i) => r.refType === y[i]!.refType && r.spanId === y[i]!.spanId && r.traceId === y[i]!.traceId)
  );
}

function sameList(x: TagList | null, y: TagList | null): boolean {
  const a = x ?? [];
  const b = y ?? [];
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

function sameLogs(x: LogRecord[] | null, y: LogRecord[] | null): boolean {
  const a = x ?? [];
  const b = y ?? [];
  return a.length === b.length && a.every((l, i) => l.timestamp === b[i]!.timestamp && sameList(l.fields, b[i]!.fields));
}

export function spanMatches(s: SpanRecord, q: TraceQuery): boolean {
  if (q.service !== undefined && s.process.serviceName !== q.service) return false;
  if (q.operation !== undefined && s.operationName !== q.operation) return false;
  if (q.start !== undefined && s.startTime < q.start) return false;
  if (q.end !== undefined && s.startTime > q.end) return false;
  if (q.minDuration !== undefined && s.duration < q.minDuration) return false;
  if (q.maxDuration !== undefined && s.duration > q.maxDuration) return false;
  if (q.tags) for (const k in q.tags) if (!hasTag(s, k, q.tags[k]!)) return false;
  return true;
}

function hasTag(s: SpanRecord, key: string, value: string): boolean {
  if (s.process.tags && listHas(s.process.tags, key, value)) return true;
  // Tags and logs are decoded for the search only (spans keep them as bytes; see spanModel.ts).
  const tags = spanTags(s);
  if (tags && listHas(tags, key, value)) return true;
  const logs = spanLogs(s);
  if (logs) for (const l of logs) if (listHas(l.fields, key, value)) return true;
  return false;
}

function listHas(list: (string | number | boolean)[], key: string, value: string): boolean {
  for (let i = 0; i < list.length; i += 3) if (list[i] === key && String(list[i + 2]) === value) return true;
  return false;
}
