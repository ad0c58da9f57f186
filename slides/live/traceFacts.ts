// Small facts read off a Jaeger trace that the slides need: when it started, how long it took, who sent it.
import type { JaegerTrace } from '../../model/jaegerJson.ts';

/** Start of the earliest span, in ms since the epoch (Jaeger times are µs). */
export function traceStartMs(trace: JaegerTrace): number {
  let min = Infinity;
  for (const s of trace.spans) if (s.startTime < min) min = s.startTime;
  return min === Infinity ? 0 : min / 1000;
}

/** Wall time from the first span's start to the last span's end, in ms. */
export function traceDurationMs(trace: JaegerTrace): number {
  let start = Infinity;
  let end = -Infinity;
  for (const s of trace.spans) {
    if (s.startTime < start) start = s.startTime;
    if (s.startTime + s.duration > end) end = s.startTime + s.duration;
  }
  return end > start ? (end - start) / 1000 : 0;
}

/** The attendee who sent a trace, from the baggage tags jaeger-client writes on the spans. */
export function traceAttendee(trace: JaegerTrace): string | null {
  let id: string | null = null;
  for (const s of trace.spans) {
    for (const t of s.tags) {
      if (t.key === 'baggage.attendee-name' && String(t.value).trim()) return String(t.value);
      if (t.key === 'baggage.attendee-id' && id === null) id = String(t.value);
    }
    for (const l of s.logs) {
      // jaeger-client records baggage set mid-trace as a log event with key/value fields
      const key = l.fields.find((f) => f.key === 'key')?.value;
      const value = l.fields.find((f) => f.key === 'value')?.value;
      if (key === 'attendee-name' && value !== undefined && String(value).trim()) return String(value);
      if (key === 'attendee-id' && value !== undefined && id === null) id = String(value);
    }
  }
  return id === null ? null : `attendee ${id}`;
}
