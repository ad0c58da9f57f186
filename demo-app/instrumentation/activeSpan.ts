// The span a piece of work belongs to, carried across awaits, plus the one way spans start and finish here.
import { AsyncLocalStorage } from 'node:async_hooks';
import { followsFrom, type Reference, type Span, type SpanContext, type Tracer } from 'opentracing';
import { OtelSpan } from './otelTracer.ts';
import { preciseNowMs } from './preciseClock.ts';

const current = new AsyncLocalStorage<Span>();
let tracer: Tracer | undefined;

export function useTracer(t: Tracer) {
  tracer = t;
}

export function activeSpan(): Span | undefined {
  return current.getStore();
}

export function runInSpan<T>(span: Span, fn: () => T): T {
  return current.run(span, fn);
}

export type TagValue = string | number | boolean;

/** Starts a span (child of `childOf`, else of the active span) and copies its baggage onto it as tags. */
export function startSpan(operation: string, opts: { childOf?: SpanContext | Span | null; tags?: Record<string, TagValue> } = {}): Span {
  if (!tracer) throw new Error('useTracer() was not called');
  const parent = opts.childOf === undefined ? activeSpan() : opts.childOf;
  const span = tracer.startSpan(operation, { childOf: parent ?? undefined, tags: opts.tags, startTime: preciseNowMs() });
  // Baggage travels with the context but Jaeger shows tags: tag it so the viewer can say whose request this is.
  const baggage = (span.context() as { baggage?: Record<string, string> }).baggage;
  if (baggage) for (const [k, v] of Object.entries(baggage)) span.setTag(`baggage.${k}`, v);
  return span;
}

export function logOnSpan(span: Span | undefined, fields: Record<string, TagValue>) {
  span?.log(fields, preciseNowMs());
}

export function markError(span: Span, error: unknown) {
  const e = error instanceof Error ? error : new Error(String(error));
  span.setTag('error', true);
  span.log({ event: 'error', 'error.kind': e.name, message: e.message }, preciseNowMs());
}

export function finishSpan(span: Span, error?: unknown, atMs = preciseNowMs()) {
  if (error !== undefined) markError(span, error);
  span.finish(atMs);
}

interface JaegerSpanInternals {
  _spanContext?: { parentId?: Buffer | null };
  _references?: Reference[];
}

/**
 * Turns a span's CHILD_OF link into FOLLOWS_FROM: for work that outlives the span that started it (a server
 * still busy after its caller gave up). The parent id stays, as Jaeger's own clients send it; the explicit
 * FOLLOWS_FROM reference to the same span tells Jaeger (and our checks) it need not end inside it.
 */
export function detachFromCaller(span: Span) {
  if (span instanceof OtelSpan) {
    span.followFromCaller();
    span.setTag('caller.gone', true);
    return;
  }
  const internals = span as unknown as JaegerSpanInternals;
  const parentId = internals._spanContext?.parentId;
  if (!parentId || !internals._references) return;
  // Reporters read only the referenced context's traceId and spanId.
  const traceId = (span.context() as { traceId?: Buffer }).traceId;
  internals._references.push(followsFrom({ traceId, spanId: parentId } as unknown as SpanContext));
  span.setTag('caller.gone', true);
}

/** Runs `fn` inside a new span that is active for everything `fn` awaits. */
export async function inSpan<T>(operation: string, tags: Record<string, TagValue>, fn: (span: Span) => Promise<T>): Promise<T> {
  const span = startSpan(operation, { tags });
  try {
    const result = await runInSpan(span, () => fn(span));
    finishSpan(span);
    return result;
  } catch (e) {
    finishSpan(span, e);
    throw e;
  }
}

/** The trace id as Jaeger's query API spells it: zero-padded hex (empty when tracing is disabled). */
export function traceIdOf(span: Span): string {
  const raw = span.context().toTraceId();
  if (!raw) return '';
  // OpenTelemetry writes a 64-bit id (a jaeger-client trace's) as 32 digits; Jaeger prints it with 16.
  if (raw.length === 32 && raw.startsWith('0000000000000000')) return raw.slice(16);
  return raw.padStart(raw.length > 16 ? 32 : 16, '0');
}

export function currentTracer(): Tracer {
  if (!tracer) throw new Error('useTracer() was not called');
  return tracer;
}
