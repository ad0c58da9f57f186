// The kit's OpenTracing calls served by the OpenTelemetry SDK: spans, tags, logs and header propagation of an OTel service behind the same interface jaeger-client gives.
//
// OpenTelemetry's OpenTracing shim lags the SDK (its last release pins an older @opentelemetry/core, a second copy
// in the tree) and cannot add a FOLLOWS_FROM after a span starts, so the few calls the kit makes are mapped here,
// the way that shim and Jaeger's OTLP translator map them: span.kind → SpanKind, error=true → status ERROR, a log →
// an event named by its `event` field, FOLLOWS_FROM → a link.
import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  trace,
  type AttributeValue,
  type HrTime,
  type Attributes,
  type Span as OtelApiSpan,
  type SpanContext as OtelApiSpanContext,
  type TextMapPropagator,
  type Tracer as OtelApiTracer,
} from '@opentelemetry/api';
import * as opentracing from 'opentracing';

/** OpenTracing's span.kind values as OpenTelemetry's kinds. */
const kinds: Record<string, SpanKind> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

type TagMap = Record<string, unknown>;

/**
 * A time on the mesh's clock (ms since the epoch, fractional) as OTel's [s, ns], rounded to the microsecond as the
 * Thrift reporter rounds it: a span's start and end then land on the same µs whichever library made it, and an end
 * never passes its parent's (Jaeger stores µs, so nothing finer survives anyway).
 */
function hrTimeOf(ms: number | undefined): HrTime | undefined {
  if (ms === undefined) return undefined;
  const us = Math.round(ms * 1000);
  return [Math.floor(us / 1e6), (us % 1e6) * 1000];
}

const isAttribute = (v: unknown): v is AttributeValue => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function attributesOf(tags: TagMap, skip?: string): Attributes {
  const out: Attributes = {};
  for (const [k, v] of Object.entries(tags)) if (k !== skip && isAttribute(v)) out[k] = v;
  return out;
}

/** The OTel span context plus the baggage that travels with it (the kit reads `.baggage`, as on jaeger-client's). */
export class OtelSpanContext extends opentracing.SpanContext {
  constructor(
    readonly otel: OtelApiSpanContext,
    readonly baggage: Record<string, string>,
  ) {
    super();
  }
  override toTraceId(): string {
    return this.otel.traceId;
  }
  override toSpanId(): string {
    return this.otel.spanId;
  }
}

export class OtelSpan extends opentracing.Span {
  constructor(
    private readonly owner: OtelTracer,
    readonly otel: OtelApiSpan,
    private readonly ctx: OtelSpanContext,
    private readonly parent: OtelApiSpanContext | undefined,
  ) {
    super();
  }
  protected override _context() {
    return this.ctx;
  }
  protected override _tracer() {
    return this.owner;
  }
  protected override _setOperationName(name: string) {
    this.otel.updateName(name);
  }
  protected override _setBaggageItem(key: string, value: string) {
    this.ctx.baggage[key] = value;
  }
  protected override _getBaggageItem(key: string) {
    return this.ctx.baggage[key];
  }
  protected override _addTags(tags: TagMap) {
    // The kind is fixed when the span starts; error=true is the span's status, as Jaeger reads it back.
    if (tags.error === true || tags.error === 'true') this.otel.setStatus({ code: SpanStatusCode.ERROR });
    this.otel.setAttributes(attributesOf(tags, 'error'));
  }
  protected override _log(fields: TagMap, timestamp?: number) {
    const { event, ...rest } = fields;
    this.otel.addEvent(typeof event === 'string' ? event : 'log', attributesOf(rest), hrTimeOf(timestamp));
  }
  protected override _finish(finishTime?: number) {
    this.otel.end(hrTimeOf(finishTime));
  }
  /** Work its caller stopped waiting for: the parent stays, and a FOLLOWS_FROM link to it says it need not end inside it. */
  followFromCaller() {
    if (!this.parent) return;
    this.otel.addLink({ context: this.parent, attributes: { 'opentracing.ref_type': 'follows_from' } });
  }
}

export class OtelTracer extends opentracing.Tracer {
  constructor(
    private readonly tracer: OtelApiTracer,
    private readonly propagator: TextMapPropagator,
  ) {
    super();
  }

  protected override _startSpan(name: string, fields: opentracing.SpanOptions): OtelSpan {
    const refs = fields.references ?? [];
    const parentRef = refs.find((r) => r.type() === opentracing.REFERENCE_CHILD_OF) ?? refs[0];
    const parent = parentRef?.referencedContext();
    const parentCtx = parent instanceof OtelSpanContext ? parent : undefined;
    const tags: TagMap = fields.tags ?? {};
    const kind = kinds[String(tags[opentracing.Tags.SPAN_KIND])] ?? SpanKind.INTERNAL;
    const links = refs
      .filter((r) => r !== parentRef && r.referencedContext() instanceof OtelSpanContext)
      .map((r) => ({ context: (r.referencedContext() as OtelSpanContext).otel, attributes: { 'opentracing.ref_type': r.type() } }));
    const span = this.tracer.startSpan(
      name,
      { kind, attributes: attributesOf(tags, opentracing.Tags.SPAN_KIND), startTime: hrTimeOf(fields.startTime), links },
      parentCtx ? trace.setSpanContext(ROOT_CONTEXT, parentCtx.otel) : ROOT_CONTEXT,
    );
    if (tags.error === true) span.setStatus({ code: SpanStatusCode.ERROR });
    return new OtelSpan(this, span, new OtelSpanContext(span.spanContext(), { ...parentCtx?.baggage }), parentCtx?.otel);
  }

  protected override _inject(sc: opentracing.SpanContext, _format: string, carrier: unknown): void {
    if (!(sc instanceof OtelSpanContext) || typeof carrier !== 'object' || carrier === null) return;
    let ctx = trace.setSpanContext(ROOT_CONTEXT, sc.otel);
    const items = Object.entries(sc.baggage);
    if (items.length > 0)
      ctx = propagation.setBaggage(ctx, propagation.createBaggage(Object.fromEntries(items.map(([k, value]) => [k, { value }]))));
    this.propagator.inject(ctx, carrier, defaultTextMapSetter);
  }

  protected override _extract(_format: string, carrier: unknown): OtelSpanContext | null {
    if (typeof carrier !== 'object' || carrier === null) return null;
    const ctx = this.propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
    const sc = trace.getSpanContext(ctx);
    if (!sc) return null;
    const baggage = Object.fromEntries((propagation.getBaggage(ctx)?.getAllEntries() ?? []).map(([k, e]) => [k, e.value]));
    return new OtelSpanContext(sc, baggage);
  }
}
