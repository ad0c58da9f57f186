// Small facts read off a Jaeger trace (when it started, how long it took, who sent it) and how a slide words a duration: shared by the deck, the viewer, the scripts and the tests.
import type { JaegerTrace } from './jaegerJson.ts';
import { spanFailed } from './spanStatus.ts';

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

/**
 * A trace is whole once its root has landed: the root starts first and ends after everything it
 * waited for. Without dangling parent links, the earliest span having no parent is that root (a
 * parentless span elsewhere in the trace is an orphan, not the entry).
 */
export function hasRoot(trace: JaegerTrace, allowDangling = false): boolean {
  const ids = new Set(trace.spans.map((s) => s.spanID));
  let first: JaegerTrace['spans'][number] | undefined;
  for (const s of trace.spans) {
    if (!first || s.startTime < first.startTime) first = s;
    if (
      !allowDangling &&
      (s.references.some((r) => r.refType === 'CHILD_OF' && !ids.has(r.spanID)) || (s.parentSpanID && !ids.has(s.parentSpanID)))
    )
      return false;
  }
  return first !== undefined && !first.references.some((r) => r.refType === 'CHILD_OF') && !first.parentSpanID;
}

/** The request failed: its root span (the earliest) failed by the one rule (spanStatus.ts). A retried call that recovered is not a failure. */
export function requestFailed(trace: JaegerTrace): boolean {
  let root: JaegerTrace['spans'][number] | undefined;
  for (const s of trace.spans) if (!root || s.startTime < root.startTime) root = s;
  if (!root) return false;
  return spanFailed(root);
}

/** The error span deepest in the tree (no failing child): where a failure started, for the viewer to open. */
export function failureOrigin(trace: JaegerTrace): string | undefined {
  const failing = trace.spans.filter(spanFailed);
  if (failing.length === 0) return undefined;
  const parentsOfFailing = new Set(failing.flatMap((s) => [...s.references.map((r) => r.spanID), s.parentSpanID ?? '']));
  const leaf = failing.filter((s) => !parentsOfFailing.has(s.spanID)).sort((a, b) => a.startTime - b.startTime)[0];
  return (leaf ?? failing[0])?.spanID;
}

/** Milliseconds for the slide: "0.8 ms", "387 ms", "1.24 s". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(2))} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${Number(ms.toFixed(1))} ms`;
}
