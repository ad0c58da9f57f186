// The one failure rule at ingest: a span failed by HTTP 5xx on a server span or by OTLP status ERROR alone is an error in the live event and the v3 API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import jaegerClient from 'jaeger-client';
import { waitFor } from '../../devkit/waitFor.ts';
import { encodeBinaryBatch } from '../../devkit/thriftrwCodec.ts';
import { parseLiveTraceEvent, type LiveTraceEvent } from '../../model/index.ts';
import { startHarness, type Harness } from './support/harness.ts';
import { sampleBatch } from './support/sampleBatch.ts';

/** The /api/live stream's trace events, parsed as the slide parses them. */
function listen(url: string): { events: LiveTraceEvent[]; connected: () => boolean; close(): void } {
  const events: LiveTraceEvent[] = [];
  let connected = false;
  const stop = new AbortController();
  void (async () => {
    const res = await fetch(url, { signal: stop.signal });
    const decoder = new TextDecoder();
    let buf = '';
    const reader = res.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buf += decoder.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        if (buf.slice(0, i).includes('\n: connected')) connected = true;
        const data = buf
          .slice(0, i)
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6))
          .join('');
        buf = buf.slice(i + 2);
        const event = data ? parseLiveTraceEvent(data) : null;
        if (event) events.push(event);
      }
    }
  })().catch(() => undefined);
  return { events, connected: () => connected, close: () => stop.abort() };
}

describe('one failure rule at ingest', () => {
  let h: Harness;
  let live: ReturnType<typeof listen>;
  before(async () => {
    h = await startHarness({ liveTickMs: 50 });
    live = listen(`${h.url}/api/live`);
    await waitFor('the live stream connected', live.connected);
  });
  after(async () => {
    live.close();
    await h.close();
  });

  const last = (id: string) => live.events.filter((e) => e.traceID.replace(/^0+/, '') === id.replace(/^0+/, '')).at(-1);
  /** The v3 API's errorSpanCount for a service's traces (the UI's search list). */
  const errorSpanCounts = async (service: string) => {
    const q = new URLSearchParams({
      'query.serviceName': service,
      'query.startTimeMin': new Date(Date.now() - 3_600_000).toISOString(),
      'query.startTimeMax': new Date(Date.now() + 60_000).toISOString(),
    });
    const r = await fetch(`${h.url}/api/v3/trace-summaries?${q}`);
    const body = (await r.json()) as { summaries: { rootOperationName?: string; errorSpanCount?: number }[] };
    return Object.fromEntries(body.summaries.map((s) => [s.rootOperationName, s.errorSpanCount ?? 0]));
  };

  it('jaeger-client: a server span with only http.status_code=503 fails; a client span with the same 503 does not', async () => {
    const tracer = jaegerClient.initTracer(
      { serviceName: 'shop', sampler: { type: 'const', param: 1 }, reporter: { collectorEndpoint: h.collectorUrl, flushIntervalMs: 50 } },
      { logger: { info: () => {}, error: () => {} } },
    );
    const server = tracer.startSpan('GET /basket', { tags: { 'span.kind': 'server', 'http.status_code': 503 } });
    server.finish();
    const client = tracer.startSpan('GET /stock', { tags: { 'span.kind': 'client', 'http.status_code': 503 } });
    client.finish();
    await new Promise<void>((resolve) => tracer.close(() => resolve()));
    const id = (s: typeof server) => (s.context() as unknown as { toTraceId(): string }).toTraceId();
    const failed = await waitFor('the server span in the live stream', () => last(id(server)));
    const fine = await waitFor('the client span in the live stream', () => last(id(client)));
    assert.equal(failed.error, true, 'HTTP 5xx on a server span');
    assert.equal(fine.error, false, 'a 5xx seen by a client is the server’s failure');
    assert.deepEqual(await errorSpanCounts('shop'), { 'GET /basket': 1, 'GET /stock': 0 });
  });

  it('Thrift with the code as int64 (http.response.status_code, the newer key) fails a server span too', async () => {
    const b = sampleBatch({ traceIdLow: 0x503503n, spans: 1, service: 'gateway' });
    b.spans[0]!.tags = [
      { key: 'span.kind', type: 'string', value: 'server' },
      { key: 'http.response.status_code', type: 'int64', value: 503n },
    ];
    assert.equal(h.jaeger.ingest('http', encodeBinaryBatch(b)), undefined);
    assert.equal((await waitFor('the live event', () => last('503503'))).error, true);
  });

  it('OpenTelemetry SDK over OTLP: a span with only status ERROR fails; one with status OK and the error attribute false does not', async () => {
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'kitchen-like' }),
      spanProcessors: [
        new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${h.jaeger.ports.http}/v1/traces` }) }),
      ],
    });
    const tracer = provider.getTracer('ingest-test');
    const bad = tracer.startSpan('brew', { kind: SpanKind.INTERNAL });
    bad.setStatus({ code: SpanStatusCode.ERROR });
    bad.end();
    const good = tracer.startSpan('brew', { kind: SpanKind.INTERNAL, attributes: { error: false } });
    good.setStatus({ code: SpanStatusCode.OK });
    good.end();
    await provider.forceFlush();
    await provider.shutdown();
    const failed = await waitFor('the failed span in the live stream', () => last(bad.spanContext().traceId));
    const fine = await waitFor('the good span in the live stream', () => last(good.spanContext().traceId));
    assert.equal(failed.error, true);
    assert.equal(fine.error, false);
    assert.deepEqual(await errorSpanCounts('kitchen-like'), { brew: 1 }, 'one brew trace counts one failed span, the other none');
  });
});
