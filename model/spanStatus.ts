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

/** Index of `error` in STATUS_TAG_KEYS. Of each status key the first tag counts, except `error`: any of its tags that says true
 * fails the span, as Jaeger's UI reads it (a span may carry error=false from its start and error=true from where it failed). */
export const ERROR_TAG_INDEX = STATUS_TAG_KEYS.indexOf('error');

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

/** The status tags out of a span's tag list (the first of each key counts; for `error`, one that says true). */
export function statusTagsOf(tags: readonly JaegerKeyValue[] | null | undefined): StatusTags {
  const out: StatusTags = {};
  if (!Array.isArray(tags)) return out;
  for (const t of tags) {
    if (!t || typeof t.key !== 'string') continue;
    const k = t.key as StatusTagKey;
    if (!(STATUS_TAG_KEYS as readonly string[]).includes(k)) continue;
    if (!(k in out) || (k === 'error' && !isErrorTagValue(out.error) && isErrorTagValue(t.value))) out[k] = t.value;
  }
  return out;
}

/** The rule over a span's tags (Jaeger JSON: the kind is the `span.kind` tag). */
export function spanFailed(span: { tags?: readonly JaegerKeyValue[] | null }): boolean {
  return failedByStatus(statusTagsOf(span?.tags));
}

/** The status keys as bytes, for readers that spot them in raw input (the viewer's JSON reader, the collector's Thrift door). */
// The keys are ASCII: one byte per character.
const STATUS_KEY_BYTES = STATUS_TAG_KEYS.map((k) => Uint8Array.from(k, (c) => c.charCodeAt(0)));
/** 1 at the lengths a status key has: every other key is turned away with one lookup, before any comparison. */
export const MAY_BE_STATUS_KEY = new Uint8Array(Math.max(...STATUS_KEY_BYTES.map((k) => k.length)) + 1);
for (const k of STATUS_KEY_BYTES) MAY_BE_STATUS_KEY[k.length] = 1;
/** Bit k set for each STATUS_CAUSE_KEYS entry (k: its index in STATUS_TAG_KEYS): a span with none of these bits cannot have failed. */
export const STATUS_CAUSE_MASK = STATUS_CAUSE_KEYS.reduce((m, k) => m | (1 << STATUS_TAG_KEYS.indexOf(k)), 0);

/** Which status key (index into STATUS_TAG_KEYS) the bytes [from, to) spell, or −1. */
export function statusKeyAt(b: Uint8Array, from: number, to: number): number {
  const len = to - from;
  if (len >= MAY_BE_STATUS_KEY.length || MAY_BE_STATUS_KEY[len] === 0) return -1;
  outer: for (let k = 0; k < STATUS_KEY_BYTES.length; k++) {
    const want = STATUS_KEY_BYTES[k]!;
    if (want.length !== len) continue;
    for (let i = 0; i < len; i++) if (b[from + i] !== want[i]) continue outer;
    return k;
  }
  return -1;
}
