// GET /api/findings?operation=: the slow traces of one operation against the rest, over traces a client sent as Thrift.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import express from 'express';
import { createEmbeddedJaeger, type EmbeddedJaeger } from '../../embedded-jaeger/index.ts';
import { createFindingsApi } from '../../embedded-jaeger/findingsApi.ts';
import type { FindingsAggregateResponse } from '../../model/index.ts';
import { createLog } from '../../pkg/index.ts';
import { encodeBatch, type FakeSpan } from '../../scripts/attack/thriftBatch.ts';

let jaeger: EmbeddedJaeger;
let server: import('node:http').Server;
let base: string;
const TRACES = 20;
/** The two slowest shelf pages load each book's author on its own (an N+1); one fast page does too, the rest batch. */
const loops = new Set([3, 18, 19]);

/** A lending library's shelf page (not our mesh): a batched SELECT, or one SELECT per book when `loop`. */
function shelfPage(n: number, loop: boolean, durationMs: number): FakeSpan[] {
  const traceIdLow = BigInt(0x5e1f00 + n);
  const t0 = (Date.now() - 60_000 + n * 1000) * 1000;
  const root: FakeSpan = {
    traceIdLow,
    spanId: 1n,
    parentSpanId: 0n,
    operationName: 'GET /shelves/:id',
    startTimeUs: t0,
    durationUs: durationMs * 1000,
    tags: [['span.kind', 'server']],
  };
  const calls = loop ? 7 : 1;
  const each = Math.floor(((durationMs - 10) * 1000) / calls);
  const selects = Array.from({ length: calls }, (_, i) => ({
    traceIdLow,
    spanId: BigInt(i + 2),
    parentSpanId: 1n,
    operationName: 'SELECT author',
    startTimeUs: t0 + 5000 + i * each,
    durationUs: each - 500,
    tags: [
      ['span.kind', 'client'],
      ['db.system', 'sqlite'],
      ['db.statement', loop ? `SELECT name FROM author WHERE id = ${40 + i}` : 'SELECT name FROM author WHERE id IN (?)'],
    ] as [string, string][],
  }));
  return [root, ...selects];
}

before(async () => {
  jaeger = createEmbeddedJaeger({
    host: '127.0.0.1',
    udpCompactPort: 0,
    udpBinaryPort: 0,
    httpPort: 0,
    maxSpans: 10_000,
    maxTraces: 1_000,
    log: createLog('test', 'silent'),
  });
  await jaeger.start();
  for (let n = 0; n < TRACES; n++) {
    // Slow pages take 110 ms and more; the loop on a fast page (n = 3) is ordinary, so it is not what sets the slow ones apart.
    const ms = n >= 18 ? 110 + (n - 18) * 10 : 30 + n;
    assert.equal(jaeger.ingest('http', encodeBatch('library', shelfPage(n, loops.has(n), ms))), undefined);
  }
  const app = express();
  app.use(jaeger.queryRouter);
  // The same route with a small span budget: the comparison reads only the newest traces that fit in it.
  app.use('/small', createFindingsApi(jaeger.store, { maxCompareSpans: 19 }));
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise((r) => server.close(r));
  await jaeger.stop();
});

const get = async (path: string) => {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, body: (await res.json()) as FindingsAggregateResponse & { errors?: { msg: string }[] } };
};

test('names the finding the slow traces of an operation share, first, with the figures', async () => {
  const { status, body } = await get(`/api/findings?operation=${encodeURIComponent('GET /shelves/:id')}`);
  assert.equal(status, 200);
  assert.equal(body.ofTraces, TRACES, 'the aggregate itself is unchanged');
  assert.ok(body.data.some((a) => a.kind === 'n-plus-one'));
  const slow = body.slow!;
  assert.deepEqual([slow.operation, slow.traces, slow.slow, slow.rest], ['GET /shelves/:id', TRACES, 2, TRACES - 2]);
  const first = slow.factors[0]!;
  assert.equal(first.what, 'finding');
  assert.match(first.label, /^\[n-plus-one\] /);
  assert.deepEqual([first.inSlow, first.inRest], [2, 1]);
  assert.match(slow.lines.join('\n'), /in 2 of 2 vs 1 of 18/);
});

test("with ?service= the operation is that service's", async () => {
  const ok = await get(`/api/findings?service=library&operation=${encodeURIComponent('GET /shelves/:id')}`);
  assert.equal(ok.status, 200);
  assert.equal(ok.body.slow!.operation, 'library GET /shelves/:id');
  assert.equal(ok.body.slow!.slow, 2);
});

test('a bad operation is a 400 with a reason, and the route keeps answering', async () => {
  for (const [query, reason] of [
    ['operation=', /param 'operation'/],
    [`operation=${'x'.repeat(201)}`, /param 'operation'/],
    ['operation=GET%20%2Fnowhere', /no trace of the 20 in the window holds operation "GET \/nowhere"/],
  ] as const) {
    const { status, body } = await get(`/api/findings?${query}`);
    assert.equal(status, 400, query);
    assert.match(body.errors![0]!.msg, reason);
  }
  assert.equal((await get('/api/findings')).status, 200);
});

test('the comparison is bounded: it reads the newest traces that fit the span budget', async () => {
  const { status, body } = await get(`/small/api/findings?operation=${encodeURIComponent('GET /shelves/:id')}`);
  assert.equal(status, 200);
  assert.equal(body.ofTraces, TRACES);
  // Newest first: the two 8-span pages (n = 19, 18) fill 16 of the 19 spans; the next page (n = 17, 2 spans) fits, the one after does not.
  assert.equal(body.slow!.traces, 3);
});
