// One tracer per service behind one interface: jaeger-client (configured from the JAEGER_* environment with an explicit sampler) or the OpenTelemetry SDK.
import jaeger from 'jaeger-client';
import type { Tracer } from 'opentracing';
import type { Log } from '../../pkg/index.ts';
import { createOtelServiceTracer } from './otelServiceTracer.ts';
import { createSpanCounters, type SpanCounts } from './spanCounters.ts';
import { openRequests } from './serverSpans.ts';
import { createSpanReporter, type SpanReporter } from './spanReporter.ts';

/**
 * How long a finished span may wait before it is sent while the service is busy, chosen by measurement
 * (`npm run bench mesh`): an idle service sends a finished request's spans within a fifth of it (so the
 * presenter's trace is whole in the store ~20 ms after its answer), a busy one batches all its requests'
 * spans per tick instead of sending one body per request.
 */
export const defaultFlushIntervalMs = 100;
/** A batch this big is sent at once (about 40 KB of Thrift: one request body, never a jumbo one). */
export const maxBatchSpans = 150;
/** Past this many unsent spans new ones are dropped (and counted), so a dead collector costs bounded memory. */
export const maxQueuedSpans = 20_000;

/** Which tracing library a service runs: the mesh keeps jaeger-client, and one service has moved to OpenTelemetry. */
export type TracingSdk = 'jaeger-client' | 'opentelemetry';

/** How either flavour batches its spans. */
export interface TracerSettings {
  flushIntervalMs: number;
  maxBatchSpans: number;
  maxQueuedSpans: number;
}

export interface ServiceTracer {
  readonly tracer: Tracer;
  readonly enabled: boolean;
  counts(): SpanCounts;
  /** Sends whatever the reporter has buffered now instead of at the next flush tick. */
  flush(): Promise<void>;
  /** Flushes and stops the reporter (SIGTERM). */
  close(): Promise<void>;
}

interface FlushableReporter {
  flush?(cb?: () => void): void;
  _reporters?: FlushableReporter[];
}

export function createServiceTracer(serviceName: string, log: Log, sdk: TracingSdk = 'jaeger-client'): ServiceTracer {
  // JAEGER_REPORTER_FLUSH_INTERVAL sets both flavours' interval, so a test or bench can hold every service's spans alike.
  const settings = {
    flushIntervalMs: Number(process.env.JAEGER_REPORTER_FLUSH_INTERVAL) || defaultFlushIntervalMs,
    maxBatchSpans,
    maxQueuedSpans,
  };
  return sdk === 'opentelemetry'
    ? createOtelServiceTracer(serviceName, log, settings)
    : createJaegerServiceTracer(serviceName, log, settings);
}

function createJaegerServiceTracer(
  serviceName: string,
  log: Log,
  { flushIntervalMs, maxBatchSpans, maxQueuedSpans }: TracerSettings,
): ServiceTracer {
  const counters = createSpanCounters();
  const env = process.env;
  // jaeger-client falls back to the *remote* sampler when none is configured; only honour an explicit choice.
  const sampler = env.JAEGER_SAMPLER_TYPE ? undefined : { type: 'const', param: 1 };
  // Our reporter when spans go to a collector over HTTP (the mesh's setup); jaeger-client's own for anything
  // else (agent over UDP), or when MESH_REPORTER=jaeger-client asks for it (the bench compares the two).
  const ours: SpanReporter | undefined =
    env.JAEGER_ENDPOINT && env.MESH_REPORTER !== 'jaeger-client' && env.JAEGER_DISABLED !== 'true'
      ? createSpanReporter({
          endpoint: env.JAEGER_ENDPOINT,
          flushIntervalMs,
          maxBatchSpans,
          maxQueuedSpans,
          idle: () => openRequests() === 0,
          onError: (m) => log.warn(`span reporter: ${m}`),
        })
      : undefined;
  const tracer = jaeger.initTracerFromEnv(
    {
      serviceName: env.JAEGER_SERVICE_NAME || serviceName,
      ...(sampler ? { sampler } : {}),
      reporter: { flushIntervalMs },
    },
    {
      ...(ours ? { reporter: ours as unknown as jaeger.Reporter } : {}),
      // jaeger-client's default logger is silent: route its complaints into the service log.
      logger: { info: (m: string) => log.info(`jaeger-client: ${m}`), error: (m: string) => log.error(`jaeger-client: ${m}`) },
      metrics: counters.factory as unknown as jaeger.PrometheusMetricsFactory,
    },
  ) as unknown as Tracer & { close?(cb: () => void): void; _reporter?: FlushableReporter };
  const enabled = typeof tracer.close === 'function';

  const flushAll = (r: FlushableReporter | undefined, done: () => void) => {
    const parts = r?._reporters ?? (r ? [r] : []);
    let pending = parts.length;
    if (pending === 0) return done();
    for (const p of parts) {
      if (p.flush) p.flush(() => --pending === 0 && done());
      else if (--pending === 0) done();
    }
  };

  return {
    tracer,
    enabled,
    counts: () => (ours ? { finished: counters.snapshot().finished, ...ours.counts() } : counters.snapshot()),
    flush: () => new Promise<void>((resolve) => flushAll(tracer._reporter, resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        if (!tracer.close) return resolve();
        tracer.close(() => resolve());
      }),
  };
}
