// The OpenTelemetry flavour of a service's tracer: the OTel SDK exporting OTLP/HTTP protobuf to the collector, reading and writing W3C and jaeger-client headers.
import {
  CompositePropagator,
  ExportResultCode,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
  type ExportResult,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { JaegerPropagator } from '@opentelemetry/propagator-jaeger';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TracerProvider,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { DiagLogLevel, SpanKind, diag, type Context } from '@opentelemetry/api';
import { Tracer } from 'opentracing';
import type { Log } from '../../pkg/index.ts';
import { OtelTracer } from './otelTracer.ts';
import { openRequests } from './serverSpans.ts';
import type { ServiceTracer, TracerSettings } from './serviceTracer.ts';

/** The collector's OTLP/HTTP door: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else /v1/traces beside JAEGER_ENDPOINT's /api/traces. */
export function otlpTracesUrl(env: NodeJS.ProcessEnv): string {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  return new URL('/v1/traces', env.JAEGER_ENDPOINT || 'http://127.0.0.1:4318').href;
}

/**
 * Reads jaeger-client's uber-trace-id and uberctx-* as well as W3C traceparent and baggage, and writes all four, so
 * jaeger-client callers and callees on either side stay in the trace. Extracted in this order: traceparent, when a
 * request has both, wins. OpenTelemetry's Jaeger propagator is deprecated (the spec prefers W3C) and gone from
 * SDK 3: it is the bridge for as long as jaeger-client services remain, which is why the mesh stays on SDK 2.
 */
export function meshPropagator() {
  return new CompositePropagator({ propagators: [new JaegerPropagator(), new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
}

export function createOtelServiceTracer(serviceName: string, log: Log, settings: TracerSettings): ServiceTracer {
  const env = process.env;
  if (env.JAEGER_DISABLED === 'true' || env.OTEL_SDK_DISABLED === 'true') {
    // As jaeger-client does when disabled: OpenTracing's no-op tracer, no headers, nothing sent.
    const noop = { finished: 0, reported: 0, failed: 0, dropped: 0 };
    return { tracer: new Tracer(), enabled: false, counts: () => noop, flush: async () => {}, close: async () => {} };
  }
  // The SDK's own complaints (a dropped span, a bad attribute) go to the service log, as jaeger-client's do.
  const say =
    (level: 'warn' | 'error') =>
    (m: string, ...args: unknown[]) =>
      log[level](`opentelemetry: ${[m, ...args.map(String)].join(' ')}`);
  diag.setLogger({ error: say('error'), warn: say('warn'), info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
  const counts = { finished: 0, reported: 0, failed: 0, dropped: 0 };
  /** Finished spans handed to the batch processor and not yet answered by the collector. */
  let pending = 0;

  const otlp = new OTLPTraceExporter({ url: otlpTracesUrl(env), timeoutMillis: 5_000 });
  const counted: SpanExporter = {
    export(spans: ReadableSpan[], done: (r: ExportResult) => void) {
      otlp.export(spans, (result) => {
        pending -= spans.length;
        if (result.code === ExportResultCode.SUCCESS) counts.reported += spans.length;
        else {
          counts.failed += spans.length;
          log.warn(`span exporter: could not send ${spans.length} spans: ${result.error?.message ?? 'failed'}`);
        }
        done(result);
      });
    },
    shutdown: () => otlp.shutdown(),
    forceFlush: () => otlp.forceFlush(),
  };
  const batches = new BatchSpanProcessor({
    exporter: counted,
    scheduledDelayMillis: settings.flushIntervalMs,
    maxExportBatchSize: settings.maxBatchSpans,
    maxQueueSize: settings.maxQueuedSpans,
    exportTimeoutMillis: 5_000,
  });

  // As the Thrift reporter does: a request's entry span ending while no other request is open means this
  // service's part of the trace is complete, so it goes a fifth of an interval later instead of at the interval.
  let entryFlush: NodeJS.Timeout | undefined;
  const entryDelayMs = settings.flushIntervalMs / 5;
  const processor: SpanProcessor = {
    onStart: (span: Span, parent: Context) => batches.onStart(span, parent),
    onEnd(span: ReadableSpan) {
      counts.finished++;
      // A dead collector costs bounded memory: past the limit new spans are counted and dropped.
      if (pending >= settings.maxQueuedSpans) {
        counts.dropped++;
        return;
      }
      pending++;
      batches.onEnd(span);
      const entry = span.kind === SpanKind.SERVER || !span.parentSpanContext;
      if (entry && !entryFlush && openRequests() === 0) {
        entryFlush = setTimeout(() => {
          entryFlush = undefined;
          void batches.forceFlush();
        }, entryDelayMs);
        entryFlush.unref();
      }
    },
    forceFlush: () => batches.forceFlush(),
    shutdown: () => batches.shutdown(),
  };

  const provider = new TracerProvider({
    // The SDK's own telemetry.sdk.* attributes, then this service's name.
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': env.JAEGER_SERVICE_NAME || serviceName })),
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: [processor],
  });
  const tracer = new OtelTracer(provider.getTracer('coffee-bar-mesh'), meshPropagator());

  return {
    tracer,
    enabled: true,
    counts: () => ({ ...counts }),
    flush: () => provider.forceFlush(),
    close: () => provider.shutdown(),
  };
}
