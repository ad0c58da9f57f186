// A real OpenTelemetry trace (the otel-library fixtures, not our mesh) rewritten so its failures are told by one convention only.
import { readFileSync } from 'node:fs';
import { tracesFromJaegerFile, type JaegerKeyValue, type JaegerTrace } from '../../../model/jaegerJson.ts';

/** The ISBN registry stalls twice; the catalog's first two GET /isbn tries fail and are retried. */
export function isbnRetries(): JaegerTrace {
  return tracesFromJaegerFile(JSON.parse(readFileSync('test/fixtures/otel-library/isbn-retries.json', 'utf8')))[0]!;
}

/** The client spans whose status is ERROR in the recording: the two failed tries. */
export const FAILED_TRIES = ['dee8b1519d358a9c', '11c03219ede1abdc'];
/** The registry's server spans answering those two tries. */
export const REGISTRY_ANSWERS = ['0f6b7e991258d500', '6d0833223b4e6377'];

const STATUS_KEYS = new Set(['error', 'otel.status_code', 'otel.status_description']);
const withoutStatus = (tags: JaegerKeyValue[]) => tags.filter((t) => !STATUS_KEYS.has(t.key));

/** Only OpenTelemetry's status marks the failed tries: the `error` tag Jaeger adds beside it is taken out. */
export function otelStatusOnly(): JaegerTrace {
  const t = isbnRetries();
  for (const s of t.spans) s.tags = s.tags.filter((k) => k.key !== 'error');
  return t;
}

/** No status anywhere; only an HTTP 503 on the spans in `ids` (server spans, or client ones for the negative case). */
export function http503Only(ids: readonly string[]): JaegerTrace {
  const t = isbnRetries();
  for (const s of t.spans) {
    s.tags = withoutStatus(s.tags);
    if (ids.includes(s.spanID)) s.tags.push({ key: 'http.response.status_code', type: 'int64', value: 503 });
  }
  return t;
}
