// OpenTelemetry's own SDK and OTLP exporters (HTTP/protobuf and HTTP/JSON, gzip too) report to the embedded Jaeger; spans come back mapped as Jaeger v2 maps them.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { SpanKind, SpanStatusCode, context, trace, type Link } from '@opentelemetry/api';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { ExportTraceServiceRequest } from '../../embedded-jaeger/otlp/otlpSchema.ts';
import type { JaegerEnvelope, JaegerTrace } from '../../model/jaegerJson.ts';
import { getJson, startHarness, type Harness } from './support/harness.ts';

const T0 = 1_700_000_000; // s

/** One trace the way an instrumented service makes it: a server span, a client child with a link, an event, an error status. */
async function report(
  exporter: SpanExporter,
): Promise<{ traceId: string; rootId: string; childId: string; linkedTrace: string; linkedSpan: string }> {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'otlp-checkout', 'host.name': 'stage-laptop', 'deploy.zone': 'z1' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('checkout-lib', '1.2.3');
  const elsewhere = tracer.startSpan('elsewhere', { startTime: [T0, 0] });
  elsewhere.end([T0, 1000]);
  const root = tracer.startSpan('GET /checkout', {
    kind: SpanKind.SERVER,
    startTime: [T0, 123_456_789],
    attributes: { 'http.method': 'GET', 'http.status_code': 503, 'cart.total': 12.5, 'cache.hit': false, items: ['a', 'b'] },
  });
  root.addEvent('cache miss', { key: 'cart:1', attempt: 2 }, [T0, 124_000_000]);
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
  const link: Link = { context: elsewhere.spanContext(), attributes: { reason: 'retry of' } };
  const child = tracer.startSpan(
    'SELECT cart',
    { kind: SpanKind.CLIENT, startTime: [T0, 130_000_000], links: [link] },
    trace.setSpan(context.active(), root),
  );
  child.end([T0, 140_000_500]);
  root.end([T0, 150_000_000]);
  await provider.forceFlush();
  await provider.shutdown();
  return {
    traceId: root.spanContext().traceId,
    rootId: root.spanContext().spanId,
    childId: child.spanContext().spanId,
    linkedTrace: elsewhere.spanContext().traceId,
    linkedSpan: elsewhere.spanContext().spanId,
  };
}

describe('OTLP in', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ otlpHttpPort: 0 });
  });
  after(() => h.close());

  const clients = {
    'HTTP/protobuf exporter → collector port': () => new ProtoExporter({ url: `http://127.0.0.1:${h.jaeger.ports.http}/v1/traces` }),
    'HTTP/protobuf exporter, gzip → OTLP port': () =>
      new ProtoExporter({ url: `http://127.0.0.1:${h.jaeger.ports.otlpHttp}/v1/traces`, compression: 'gzip' as never }),
    'HTTP/JSON exporter → OTLP port': () => new JsonExporter({ url: `http://127.0.0.1:${h.jaeger.ports.otlpHttp}/v1/traces` }),
  };
  for (const [name, make] of Object.entries(clients)) {
    it(`${name}: resource, scope, attributes, kind, status, events and links land as Jaeger shows them`, async () => {
      const ids = await report(make());
      const r = await getJson<JaegerEnvelope<JaegerTrace[]>>(`${h.url}/api/traces/${ids.traceId}?raw=true`);
      assert.equal(r.status, 200);
      const t = r.body.data[0]!;
      assert.equal(t.traceID, ids.traceId);
      assert.equal(t.spans.length, 2);
      const p = t.processes[t.spans[0]!.processID]!;
      assert.equal(p.serviceName, 'otlp-checkout');
      assert.deepEqual(
        p.tags.find((x) => x.key === 'host.name'),
        { key: 'host.name', type: 'string', value: 'stage-laptop' },
      );
      assert.deepEqual(
        p.tags.find((x) => x.key === 'deploy.zone'),
        { key: 'deploy.zone', type: 'string', value: 'z1' },
      );
      assert.ok(!p.tags.some((x) => x.key === 'service.name'), 'service.name becomes the service, not a tag');
      const root = t.spans.find((s) => s.spanID === ids.rootId)!;
      const child = t.spans.find((s) => s.spanID === ids.childId)!;
      const want = {
        traceID: ids.traceId,
        spanID: ids.rootId,
        operationName: 'GET /checkout',
        references: [],
        startTime: T0 * 1_000_000 + 123_456,
        duration: 26_543,
        tags: [
          { key: 'otel.scope.name', type: 'string', value: 'checkout-lib' },
          { key: 'otel.scope.version', type: 'string', value: '1.2.3' },
          { key: 'http.method', type: 'string', value: 'GET' },
          { key: 'http.status_code', type: 'int64', value: 503 },
          { key: 'cart.total', type: 'float64', value: 12.5 },
          { key: 'cache.hit', type: 'bool', value: false },
          { key: 'items', type: 'string', value: '["a","b"]' },
          { key: 'span.kind', type: 'string', value: 'server' },
          { key: 'otel.status_code', type: 'string', value: 'ERROR' },
          { key: 'error', type: 'bool', value: true },
          { key: 'otel.status_description', type: 'string', value: 'boom' },
        ],
        logs: [
          {
            timestamp: T0 * 1_000_000 + 124_000,
            fields: [
              { key: 'event', type: 'string', value: 'cache miss' },
              { key: 'key', type: 'string', value: 'cart:1' },
              { key: 'attempt', type: 'int64', value: 2 },
            ],
          },
        ],
        processID: root.processID,
        warnings: null,
      };
      // Field by field, key order included, so a difference names the field.
      assert.deepEqual(Object.keys(root), Object.keys(want));
      for (const k of Object.keys(want) as (keyof typeof want)[]) assert.deepEqual(root[k], want[k], `root field ${k}`);
      assert.deepEqual(child.references, [
        { refType: 'CHILD_OF', traceID: ids.traceId, spanID: ids.rootId },
        { refType: 'FOLLOWS_FROM', traceID: ids.linkedTrace, spanID: ids.linkedSpan },
      ]);
      assert.equal(child.duration, 10_000, 'ns are truncated to µs as Jaeger does');
      assert.deepEqual(child.tags.at(-1), { key: 'span.kind', type: 'string', value: 'client' });
      assert.equal(child.processID, root.processID, 'one resource, one process');
    });
  }

  it('counts OTLP per door and lists its operations with their span kinds', async () => {
    const s = await getJson(`${h.url}/api/collector/stats`);
    assert.equal(s.body.otlp.received, 9, 'three exporters, three requests each (SimpleSpanProcessor: one per span)');
    assert.equal(s.body.otlp.stored, 9);
    assert.equal(s.body.otlp.rejected, 0);
    const ops = await getJson(`${h.url}/api/operations?service=otlp-checkout`);
    assert.deepEqual(ops.body.data, [
      { name: 'GET /checkout', spanKind: 'server' },
      { name: 'SELECT cart', spanKind: 'client' },
      { name: 'elsewhere', spanKind: 'internal' },
    ]);
  });

  it('survives 3,000 mutated protobuf and JSON bodies: each is stored whole or refused with a reason, never a throw', () => {
    const good = JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz' } }] },
          scopeSpans: [
            {
              scope: { name: 'f' },
              spans: [
                {
                  traceId: '0af7651916cd43dd8448eb211c80319c',
                  spanId: 'b7ad6b7169203331',
                  name: 'op',
                  kind: 2,
                  startTimeUnixNano: '1700000000000000000',
                  endTimeUnixNano: '1700000000001000000',
                  attributes: [
                    {
                      key: 'a',
                      value: {
                        arrayValue: {
                          values: [{ intValue: '1' }, { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } }],
                        },
                      },
                    },
                  ],
                  events: [{ timeUnixNano: '1700000000000500000', name: 'e' }],
                  links: [{ traceId: '0af7651916cd43dd8448eb211c80319d', spanId: 'b7ad6b7169203332' }],
                  status: { code: 2 },
                },
              ],
            },
          ],
        },
      ],
    });
    const T = ExportTraceServiceRequest;
    const proto = Buffer.from(
      T.encode(T.fromObject(JSON.parse(good, (k, v) => (/^(traceId|spanId)$/.test(k) ? Buffer.from(v, 'hex') : v)))).finish(),
    );
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    let refused = 0;
    for (let i = 0; i < 3000; i++) {
      const json = i % 2 === 1;
      const body = Buffer.from(json ? Buffer.from(good) : proto);
      for (let k = 1 + rnd(4); k > 0; k--) body[rnd(body.length)] = json ? ' {}[]":,0a-'.charCodeAt(rnd(11)) : rnd(256);
      const reason = h.jaeger.ingestOtlp(body, json);
      if (reason !== undefined) {
        assert.equal(typeof reason, 'string');
        refused++;
      }
    }
    assert.ok(refused > 100 && refused < 3000, `some refused, some stored (${refused} refused)`);
  });

  it('refuses bad bodies with a reason, stores nothing from them, and keeps running', async () => {
    const url = `http://127.0.0.1:${h.jaeger.ports.otlpHttp}/v1/traces`;
    const before = (await getJson(`${h.url}/api/collector/stats`)).body.otlp;
    const post = (body: string | Buffer, type: string, extra: Record<string, string> = {}) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': type, ...extra },
        body: typeof body === 'string' ? body : new Uint8Array(body),
      });
    const span = (traceId: string) =>
      JSON.stringify({
        resourceSpans: [
          {
            resource: {},
            scopeSpans: [{ spans: [{ traceId, spanId: '0102030405060708', name: 'x', startTimeUnixNano: '1', endTimeUnixNano: '2' }] }],
          },
        ],
      });
    const cases: [Promise<Response>, number, RegExp][] = [
      [post(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]), 'application/x-protobuf'), 400, /protobuf/],
      [post('{"resourceSpans": [', 'application/json'), 400, /JSON/],
      [post(span('not-hex'), 'application/json'), 400, /traceId/],
      [post(span('00000000000000000000000000000000'), 'application/json'), 400, /no trace id/],
      [post('x', 'text/plain'), 415, /content type/],
      [post(gzipSync(Buffer.alloc(9 * 1024 * 1024)), 'application/x-protobuf', { 'content-encoding': 'gzip' }), 413, /limit/],
      [post('garbage', 'application/json', { 'content-encoding': 'gzip' }), 400, /gzip/],
    ];
    for (const [p, status, reason] of cases) {
      const r = await p;
      const text = await r.text();
      assert.equal(r.status, status, text);
      assert.match(text, reason);
    }
    const after = (await getJson(`${h.url}/api/collector/stats`)).body.otlp;
    assert.equal(after.rejected - before.rejected, cases.length);
    assert.equal(after.stored, before.stored);
    // A good JSON body still lands: the door did not wedge.
    const ok = await post(span('0af7651916cd43dd8448eb211c80319c'), 'application/json');
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), '{}');
    const missing = await getJson(`${h.url}/api/services`);
    assert.ok(missing.body.data.includes('missing-service-name'), "a resource without service.name gets Jaeger's sanitized name");
  });
});
