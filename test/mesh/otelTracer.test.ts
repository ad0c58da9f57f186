// The kit's OpenTracing calls on the OpenTelemetry SDK: headers both ways, baggage, kind, error status, events, FOLLOWS_FROM and µs times as Jaeger will read them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { FORMAT_HTTP_HEADERS, Tags } from 'opentracing';
import { detachFromCaller, finishSpan, logOnSpan, startSpan, traceIdOf, useTracer } from '../../demo-app/instrumentation/activeSpan.ts';
import { meshPropagator } from '../../demo-app/instrumentation/otelServiceTracer.ts';
import { OtelTracer } from '../../demo-app/instrumentation/otelTracer.ts';

function tracerUnderTest() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = new OtelTracer(provider.getTracer('test'), meshPropagator());
  useTracer(tracer);
  // SimpleSpanProcessor hands spans over asynchronously: read them after a flush.
  const finished = async () => {
    await provider.forceFlush();
    return exporter.getFinishedSpans();
  };
  return { tracer, finished };
}

test('a jaeger-client caller (uber-trace-id, uberctx-*) is the parent; calls out carry W3C and jaeger-client headers both', async () => {
  const { tracer, finished } = tracerUnderTest();
  const parent = tracer.extract(FORMAT_HTTP_HEADERS, {
    'uber-trace-id': '5b8aa5a2d2c872e8:6b221d5bc9e6496c:0:1',
    'uberctx-attendee-id': encodeURIComponent('Ada L.'),
  });
  assert.ok(parent, 'the caller’s context is read');
  const server = startSpan('POST /brew', {
    childOf: parent,
    tags: { [Tags.SPAN_KIND]: Tags.SPAN_KIND_RPC_SERVER, [Tags.HTTP_METHOD]: 'POST' },
  });
  assert.equal(traceIdOf(server), '5b8aa5a2d2c872e8', 'a 64-bit trace keeps its 16-digit id');
  const client = startSpan('GET /recipe/:drink', {
    childOf: server,
    tags: { [Tags.SPAN_KIND]: Tags.SPAN_KIND_RPC_CLIENT, [Tags.PEER_SERVICE]: 'menu' },
  });
  const headers: Record<string, string> = {};
  tracer.inject(client.context(), FORMAT_HTTP_HEADERS, headers);
  const clientId = client.context().toSpanId();
  assert.equal(headers['uber-trace-id'], `00000000000000005b8aa5a2d2c872e8:${clientId}:0:01`);
  assert.equal(headers.traceparent, `00-00000000000000005b8aa5a2d2c872e8-${clientId}-01`);
  assert.equal(decodeURIComponent(headers['uberctx-attendee-id']!), 'Ada L.');
  assert.equal(headers.baggage, `attendee-id=${encodeURIComponent('Ada L.')}`);
  finishSpan(client);
  finishSpan(server);

  const [c, s] = await finished();
  assert.equal(s!.parentSpanContext?.spanId, '6b221d5bc9e6496c');
  assert.equal(c!.parentSpanContext?.spanId, s!.spanContext().spanId);
  assert.equal(s!.kind, SpanKind.SERVER);
  assert.equal(c!.kind, SpanKind.CLIENT);
  assert.equal(c!.attributes['span.kind'], undefined, 'the kind is the span’s kind, not an attribute too');
  assert.equal(c!.attributes['peer.service'], 'menu');
  // activeSpan copies baggage onto each span as a tag, so the viewer can say whose request it is.
  assert.equal(s!.attributes['baggage.attendee-id'], 'Ada L.');
  assert.equal(c!.attributes['baggage.attendee-id'], 'Ada L.');
});

test('W3C traceparent wins over uber-trace-id when a request carries both', () => {
  const { tracer } = tracerUnderTest();
  const ctx = tracer.extract(FORMAT_HTTP_HEADERS, {
    'uber-trace-id': '5b8aa5a2d2c872e8:6b221d5bc9e6496c:0:1',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  });
  assert.equal(ctx?.toTraceId(), '4bf92f3577b34da6a3ce929d0e0e4736');
  assert.equal(ctx?.toSpanId(), '00f067aa0ba902b7');
});

test('error, logs, FOLLOWS_FROM and times: what Jaeger shows for a jaeger-client span, the OTel span says too', async () => {
  const { finished } = tracerUnderTest();
  const caller = startSpan('POST /brew', { tags: { [Tags.SPAN_KIND]: Tags.SPAN_KIND_RPC_SERVER } });
  const callee = startSpan('brew latte', { childOf: caller });
  logOnSpan(callee, { event: 'queued', message: 'latte waits for a barista (2 ahead)' });
  detachFromCaller(callee);
  // An end on the mesh's clock (ms, fractional) a few seconds ahead, 123.1 µs past a whole second (a double holds it to ~0.25 µs).
  const second = Math.floor(Date.now() / 1000) + 5;
  const t0 = second * 1000 + 0.1231;
  finishSpan(callee, new Error('the caller hung up'), t0);
  finishSpan(caller, undefined, t0 + 5);

  const s = (await finished()).find((x) => x.name === 'brew latte')!;
  assert.equal(s.status.code, SpanStatusCode.ERROR);
  assert.deepEqual(
    s.events.map((e) => e.name),
    ['queued', 'error'],
  );
  assert.equal(s.events[0]!.attributes?.message, 'latte waits for a barista (2 ahead)');
  assert.equal(s.events[1]!.attributes?.message, 'the caller hung up');
  assert.equal(s.attributes['caller.gone'], true);
  assert.equal(s.parentSpanContext?.spanId, caller.context().toSpanId(), 'the parent stays');
  assert.deepEqual(
    s.links.map((l) => [l.context.spanId, l.attributes?.['opentracing.ref_type']]),
    [[caller.context().toSpanId(), 'follows_from']],
    'a FOLLOWS_FROM link to it says the span may outlive it',
  );
  // Rounded to the µs as the Thrift reporter rounds.
  assert.deepEqual(s.endTime, [second, 123_000]);
});
