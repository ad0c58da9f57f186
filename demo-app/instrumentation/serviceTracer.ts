// One jaeger-client tracer per service, configured from the JAEGER_* environment with an explicit sampler.
import jaeger from 'jaeger-client';
import type { Tracer } from 'opentracing';
import type { Log } from '../../server/log.ts';
import { createSpanCounters, type SpanCounts } from './spanCounters.ts';

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

export function createServiceTracer(serviceName: string, log: Log): ServiceTracer {
  const counters = createSpanCounters();
  const env = process.env;
  // jaeger-client falls back to the *remote* sampler when none is configured; only honour an explicit choice.
  const sampler = env.JAEGER_SAMPLER_TYPE ? undefined : { type: 'const', param: 1 };
  const tracer = jaeger.initTracerFromEnv(
    {
      serviceName: env.JAEGER_SERVICE_NAME || serviceName,
      ...(sampler ? { sampler } : {}),
      // 50 ms keeps a trace on the slide close behind its request; an empty flush sends nothing.
      reporter: env.JAEGER_REPORTER_FLUSH_INTERVAL ? {} : { flushIntervalMs: 50 },
    },
    {
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
    counts: counters.snapshot,
    flush: () => new Promise<void>((resolve) => flushAll(tracer._reporter, resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        if (!tracer.close) return resolve();
        tracer.close(() => resolve());
      }),
  };
}
