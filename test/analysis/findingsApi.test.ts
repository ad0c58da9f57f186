// The hole finder over HTTP: a real jaeger-client reports a trace from another domain to the embedded Jaeger, whose API names its holes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import jaegerClient from 'jaeger-client';
import { createEmbeddedJaeger, type EmbeddedJaeger } from '../../embedded-jaeger/index.ts';
import type { FindingsAggregateResponse, FindingsResponse, JaegerTrace } from '../../model/index.ts';
import { toOtlpJson, toZipkinJson } from './support/otherFormats.ts';
import { createLog } from '../../pkg/index.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { sliceStats } from '../../embedded-jaeger/boundedAnswer.ts';
import { encodeBatch, type FakeSpan } from '../../scripts/attack/thriftBatch.ts';

let jaeger: EmbeddedJaeger;
let server: import('node:http').Server;
let base: string;
const ids: { loop: string; parallel: string } = { loop: '', parallel: '' };

/** A library's shelf page: one SELECT per book for its author (an N+1), and a page whose calls overlap (no hole). */
async function reportLibraryTraces(endpoint: string): Promise<void> {
  const tracer = jaegerClient.initTracer(
    { serviceName: 'library', sampler: { type: 'const', param: 1 }, reporter: { collectorEndpoint: endpoint, flushIntervalMs: 50 } },
    { logger: { info: () => {}, error: () => {} } },
  );
  const t0 = Date.now() - 1000;
  const shelf = tracer.startSpan('GET /shelves/:id', { startTime: t0, tags: { 'span.kind': 'server', 'http.method': 'GET' } });
  for (let i = 0; i < 7; i++) {
    const q = tracer.startSpan('SELECT author', {
      childOf: shelf.context(),
      startTime: t0 + 5 + i * 12,
      tags: { 'span.kind': 'client', 'db.system': 'sqlite', 'db.statement': `SELECT name FROM author WHERE id = ${40 + i}` },
    });
    q.finish(t0 + 5 + i * 12 + 11);
  }
  shelf.finish(t0 + 100);
  const home = tracer.startSpan('GET /', { startTime: t0, tags: { 'span.kind': 'server' } });
  for (const peer of ['news', 'events', 'loans']) {
    tracer
      .startSpan(`GET /${peer}`, { childOf: home.context(), startTime: t0 + 2, tags: { 'span.kind': 'client', 'peer.service': peer } })
      .finish(t0 + 60);
  }
  home.finish(t0 + 70);
  ids.loop = (shelf.context() as unknown as { toTraceId(): string }).toTraceId();
  ids.parallel = (home.context() as unknown as { toTraceId(): string }).toTraceId();
  await new Promise<void>((resolve) => tracer.close(() => resolve()));
}

before(async () => {
  jaeger = createEmbeddedJaeger({
    host: '127.0.0.1',
    udpCompactPort: 0,
    udpBinaryPort: 0,
    httpPort: 0,
    maxSpans: 20_000,
    maxTraces: 1_000,
    log: createLog('test', 'silent'),
  });
  await jaeger.start();
  const app = express();
  app.use(jaeger.queryRouter);
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await reportLibraryTraces(`http://127.0.0.1:${jaeger.ports.http}/api/traces`);
  await waitFor('both traces stored whole', async () => {
    const a = await fetch(`${base}/api/traces/${ids.loop}`);
    const b = await fetch(`${base}/api/traces/${ids.parallel}`);
    if (!a.ok || !b.ok) return false;
    const [ja, jb] = [(await a.json()) as { data: { spans: unknown[] }[] }, (await b.json()) as { data: { spans: unknown[] }[] }];
    return ja.data[0]!.spans.length === 8 && jb.data[0]!.spans.length === 4;
  });
});

after(async () => {
  await new Promise((r) => server.close(r));
  await jaeger.stop();
});

const post = (body: string) => fetch(`${base}/api/analyze`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('GET /api/traces/:id/findings', () => {
  test('names the N+1 in a stored trace, and nothing in one whose calls overlap', async () => {
    const loop = (await (await fetch(`${base}/api/traces/${ids.loop}/findings`)).json()) as FindingsResponse;
    assert.equal(loop.data[0]!.findings.length, 1);
    assert.equal(loop.data[0]!.findings[0]!.kind, 'n-plus-one');
    assert.equal(loop.data[0]!.findings[0]!.title, '7 sequential SELECTs to sqlite from library, one per item: 66 ms, 66% of the request');
    const parallel = (await (await fetch(`${base}/api/traces/${ids.parallel}/findings`)).json()) as FindingsResponse;
    assert.deepEqual(parallel.data[0]!.findings, []);
  });

  test('a trace too big to analyse within one request is refused with a reason (422), at once', async () => {
    const id = 0xb16b16n;
    const spans: FakeSpan[] = Array.from({ length: 10_001 }, (_, i) => ({
      traceIdLow: id,
      spanId: BigInt(i + 1),
      parentSpanId: i === 0 ? 0n : 1n,
      operationName: 'op',
      startTimeUs: Date.now() * 1000 - 1e6 + i,
      durationUs: 10,
      tags: [],
    }));
    for (let k = 0; k < spans.length; k += 5000)
      assert.equal(jaeger.ingest('http', encodeBatch('big', spans.slice(k, k + 5000))), undefined);
    // Rendering 10k spans for the finder takes several 5 ms slices; a refusal before it takes none.
    const slicesBefore = sliceStats.slices;
    const res = await fetch(`${base}/api/traces/${id.toString(16)}/findings`);
    assert.equal(res.status, 422);
    assert.match(((await res.json()) as { errors: { msg: string }[] }).errors[0]!.msg, /10001 spans.*up to 10000 spans.*viewer/);
    assert.equal(sliceStats.slices, slicesBefore, 'refused without rendering or analysing it');
  });

  test('400 for an id that is not hex, 404 for an unknown one', async () => {
    const bad = await fetch(`${base}/api/traces/not-hex/findings`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { errors: { msg: string }[] }).errors[0]!.msg, /hex/);
    assert.equal((await fetch(`${base}/api/traces/123abc/findings`)).status, 404);
  });
});

describe('POST /api/analyze', () => {
  const recording = readFileSync(new URL('../../slides/recordings/traces/n-plus-one-before.json', import.meta.url), 'utf8');

  test('takes the envelope, a bare trace, and several traces', async () => {
    const env = (await (await post(recording)).json()) as FindingsResponse;
    assert.ok(env.data[0]!.findings.some((f) => f.kind === 'n-plus-one'));
    const bare = JSON.stringify((JSON.parse(recording) as { data: unknown[] }).data[0]);
    const one = (await (await post(bare)).json()) as FindingsResponse;
    assert.deepEqual(one, env);
    const two = (await (await post(`{"data":[${bare},${bare}]}`)).json()) as FindingsResponse;
    assert.equal(two.data.length, 2);
  });

  test('takes OTLP JSON and Zipkin v2 as well, with the same findings', async () => {
    const env = (await (await post(recording)).json()) as FindingsResponse;
    const trace = (JSON.parse(recording) as { data: JaegerTrace[] }).data[0]!;
    for (const body of [toOtlpJson(trace), toZipkinJson(trace)]) {
      const res = await post(JSON.stringify(body));
      assert.equal(res.status, 200);
      assert.deepEqual(((await res.json()) as FindingsResponse).data[0]!.findings, env.data[0]!.findings);
    }
    const bad = await post('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"nothex"}]}]}]}');
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { errors: { msg: string }[] }).errors[0]!.msg, /OTLP JSON: traceId is not 32 hex digits/);
  });

  test('bad input is a 400 with a reason, a body past the limit a 413, and the API keeps answering', async () => {
    const notJson = await post('{"data": [');
    assert.equal(notJson.status, 400);
    assert.match(((await notJson.json()) as { errors: { msg: string }[] }).errors[0]!.msg, /not JSON/);
    const notTrace = await post('{"hello":"world"}');
    assert.equal(notTrace.status, 400);
    assert.match(((await notTrace.json()) as { errors: { msg: string }[] }).errors[0]!.msg, /not a Jaeger trace/);
    assert.equal((await post('')).status, 400);
    const huge = await post(`{"data":[],"pad":"${'x'.repeat(5 * 1024 * 1024)}"}`);
    assert.equal(huge.status, 413);
    assert.equal((await post(recording)).status, 200);
  });
});

describe('GET /api/findings', () => {
  test('aggregates the recent stored traces per kind and place', async () => {
    const res = (await (await fetch(`${base}/api/findings?lookback=1h`)).json()) as FindingsAggregateResponse;
    assert.equal(res.ofTraces, 2);
    assert.equal(res.data.length, 1);
    const [a] = res.data;
    assert.deepEqual([a!.kind, a!.service, a!.traces, a!.ofTraces], ['n-plus-one', 'library', 1, 2]);
    assert.equal(a!.title, 'N+1 in library: 1 of the last 2 requests, median 66 ms');
    assert.deepEqual(
      a!.exampleTraceIDs.map((id) => id.replace(/^0+/, '')),
      [ids.loop.replace(/^0+/, '')],
    );
    const none = (await (await fetch(`${base}/api/findings?service=nobody`)).json()) as FindingsAggregateResponse;
    assert.deepEqual([none.ofTraces, none.data], [0, []]);
  });

  test('a lookback that is not a duration is a 400', async () => {
    const res = await fetch(`${base}/api/findings?lookback=soon`);
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { errors: { msg: string }[] }).errors[0]!.msg, /lookback/);
  });
});
