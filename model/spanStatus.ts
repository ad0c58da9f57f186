// The one rule for "did this span fail?": every part that marks, counts or converts failed spans calls it.
import type { JaegerKeyValue } from './jaegerJson.ts';

/**
 * The tags the rule reads, by key; a reader that cannot afford to decode every tag (the viewer's byte
 * reader) decodes only these and hands them over.
 */
export const STATUS_TAG_KEYS = ['error', 'otel.status_code', 'http.status_code', 'http.response.status_code', 'span.kind'] as const;
export type StatusTagKey = (typeof STATUS_TAG_KEYS)[number];
/** Only these can fail a span (span.kind only qualifies a status code): without one, failedByStatus is false, so a reader may skip it. */
export const STATUS_CAUSE_KEYS: readonly StatusTagKey[] = ['error', 'otel.status_code', 'http.status_code', 'http.response.status_code'];
export type StatusTags = Partial<Record<StatusTagKey, unknown>>;

/** OpenTracing's `error` tag, as Jaeger writes it (bool) or as some exporters do (the string "true"). */
export function isErrorTagValue(v: unknown): boolean {
  return v === true || v === 'true';
}

/**
 * Failed by any of the conventions in use: OpenTracing's `error` tag, OpenTelemetry's status
 * (`otel.status_code=ERROR`, as Jaeger shows an OTLP span's status), or an HTTP 5xx answered by a
 * SERVER span (older and newer semantic conventions' keys). A 5xx seen by a client is the server's
 * failure, which its own span carries; a client marks itself only by its error tag or status.
 */
export function failedByStatus(t: StatusTags): boolean {
  if (isErrorTagValue(t.error)) return true;
  if (t['otel.status_code'] === 'ERROR') return true;
  if (t['span.kind'] !== 'server') return false;
  const code = Number(t['http.status_code'] ?? t['http.response.status_code']);
  return code >= 500 && code <= 599;
}

/** The status tags out of a span's tag list (the first of each key counts). */
export function statusTagsOf(tags: readonly JaegerKeyValue[] | null | undefined): StatusTags {
  const out: StatusTags = {};
  if (!Array.isArray(tags)) return out;
  for (const t of tags) {
    if (!t || typeof t.key !== 'string') continue;
    const k = t.key as StatusTagKey;
    if ((STATUS_TAG_KEYS as readonly string[]).includes(k) && !(k in out)) out[k] = t.value;
  }
  return out;
}

/** The rule over a span's tags (Jaeger JSON: the kind is the `span.kind` tag). */
export function spanFailed(span: { tags?: readonly JaegerKeyValue[] | null }): boolean {
  return failedByStatus(statusTagsOf(span?.tags));
}
