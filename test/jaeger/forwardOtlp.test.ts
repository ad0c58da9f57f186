// OTLP_FORWARD_URL: spans from every door (Thrift over HTTP, UDP compact and binary, OTLP) reach a plain OTLP/HTTP receiver as protobuf, field for field; a receiver that is down loses nothing that fits the buffer.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../devkit/waitFor.ts';
import { createEmbeddedJaeger } from '../../embedded-jaeger/index.ts';
import { ExportTraceServiceRequest } from '../../embedded-jaeger/otlp/otlpSchema.ts';
import { createLog } from '../../pkg/index.ts';
import { encodeBinaryBatch, encodeBinaryEmitBatch } from '../../devkit/thriftrwCodec.ts';
import { encodeCompactEmitBatch } from './support/compactEncoder.ts';
import { getJson, postBatch, sendUdp, startHarness, type Harness } from './support/harness.ts';
import { sampleBatch } from './support/sampleBatch.ts';

const Request = ExportTraceServiceRequest;

type Obj = Record<string, unknown>;

/** A plain OTLP/HTTP protobuf receiver: keeps each request as OTLP/JSON (ids in hex), answers 503 while `down`. */
async function startReceiver() {
  const got = { requests: [] as Obj[], refusedWhileDown: 0, down: false };
  const hexIds = (o: unknown): unknown => {
    if (Array.isArray(o)) return o.map(hexIds);
    if (!o || typeof o !== 'object') return o;
    return Object.fromEntries(
      Object.entries(o).map(([k, v]) => [
        k,
        /^(traceId|spanId|parentSpanId)$/.test(k) ? Buffer.from(v as string, 'base64').toString('hex') : hexIds(v),
      ]),
    );
  };
  const srv = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req
      .on('data', (c: Buffer) => parts.push(c))
      .on('end', () => {
        if (got.down) {
          got.refusedWhileDown++;
          return res.writeHead(503).end();
        }
        assert.equal(req.headers['content-type'], 'application/x-protobuf');
        got.requests.push(
          hexIds(Request.toObject(Request.decode(Buffer.concat(parts)), { longs: String, enums: Number, bytes: String })) as Obj,
        );
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    got,
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1/traces`,
    close: () => new Promise<void>((r) => srv.close(() => r())),
  };
}

/** Every span received, with its resource and scope, keyed by span id. */
function spansOf(requests: Obj[]): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const rq of requests)
    for (const r of rq.resourceSpans as Obj[])
      for (const g of r.scopeSpans as Obj[])
        for (const s of g.spans as Obj[])
          out.set(`${s.traceId as string}/${s.spanId as string}`, { resource: r.resource, scope: g.scope, span: s });
  return out;
}

const otlpJson = {
  resourceSpans: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'otel-svc' } },
          { key: 'host.name', value: { stringValue: 'box' } },
        ],
      },
      scopeSpans: [
        {
          scope: { name: 'lib', version: '1.2' },
          spans: [
            {
              traceId: '0af7651916cd43dd8448eb211c80319c',
              spanId: 'b7ad6b7169203331',
              name: 'GET /x',
              kind: 2,
              startTimeUnixNano: '1700000000000000000',
              endTimeUnixNano: '1700000000002000000',
              attributes: [
                { key: 'n', value: { intValue: '42' } },
                { key: 'f', value: { doubleValue: 1.5 } },
                { key: 'ok', value: { boolValue: true } },
              ],
              events: [
                { timeUnixNano: '1700000000001000000', name: 'cache miss', attributes: [{ key: 'k', value: { stringValue: 'v' } }] },
              ],
              links: [{ traceId: '0af7651916cd43dd8448eb211c80319d', spanId: 'b7ad6b7169203332' }],
              status: { code: 2, message: 'boom' },
            },
            {
              traceId: '0af7651916cd43dd8448eb211c80319c',
              spanId: 'b7ad6b7169203332',
              parentSpanId: 'b7ad6b7169203331',
              name: 'child',
              kind: 3,
              startTimeUnixNano: '1700000000000500000',
              endTimeUnixNano: '1700000000001500000',
            },
          ],
        },
      ],
    },
  ],
};

describe('OTLP forwarding (OTLP_FORWARD_URL)', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  before(async () => {
    receiver = await startReceiver();
  });
  after(() => receiver.close());

  it('spans from Thrift over HTTP, UDP compact, UDP binary and OTLP arrive as OTLP protobuf, field for field as our v3 API shows them', async () => {
    const a: Harness = await startHarness({ otlpForwardUrl: receiver.url, otlpHttpPort: 0, otlpForward: { flushMs: 5 } });
    try {
      const compact = sampleBatch({ traceIdLow: 0x5001n, traceIdHigh: 7n, spans: 3 });
      compact.spans[0]!.tags.push(
        { key: 'big', type: 'int64', value: 2n ** 62n },
        { key: 'ok', type: 'bool', value: true },
        { key: 'error', type: 'bool', value: true },
      );
      await sendUdp(a.jaeger.ports.udpCompact, [encodeCompactEmitBatch(compact)]);
      await sendUdp(a.jaeger.ports.udpBinary, [encodeBinaryEmitBatch(sampleBatch({ traceIdLow: 0x5002n, service: 'binary-svc' }))]);
      assert.equal((await postBatch(a.collectorUrl, encodeBinaryBatch(sampleBatch({ traceIdLow: 0x5003n, spans: 4 })))).status, 202);
      assert.equal(
        (
          await postBatch(
            `http://127.0.0.1:${a.jaeger.ports.otlpHttp}/v1/traces`,
            Buffer.from(JSON.stringify(otlpJson)),
            'application/json',
          )
        ).status,
        200,
      );
      const ids = [
        '00000000000000070000000000005001',
        '00000000000000000000000000005002',
        '00000000000000000000000000005003',
        '0af7651916cd43dd8448eb211c80319c',
      ];
      const total = 3 + 3 + 4 + 2;
      await waitFor('every span forwarded', () => spansOf(receiver.got.requests).size === total);
      const received = spansOf(receiver.got.requests);
      for (const id of ids) {
        const shown = (await getJson(`${a.url}/api/v3/traces/${id}?rawTraces=true`)).body as { result: { resourceSpans: Obj[] } };
        const expected = spansOf([shown.result as Obj]);
        assert.ok(expected.size > 0, id);
        for (const [key, want] of expected) assert.deepEqual(received.get(key), want, key);
      }
      // The spans that came in over OTLP leave as they came, but for what Jaeger's mapping adds: a link's ref type, an empty status.
      const scope = otlpJson.resourceSpans[0]!.scopeSpans[0]!;
      for (const s of scope.spans as Obj[]) {
        const links = s.links as Obj[] | undefined;
        const want = {
          ...s,
          status: s.status ?? {},
          ...(links
            ? { links: links.map((l) => ({ ...l, attributes: [{ key: 'opentracing.ref_type', value: { stringValue: 'follows_from' } }] })) }
            : {}),
        };
        const got = received.get(`${s.traceId as string}/${s.spanId as string}`)!;
        assert.deepEqual(got, { resource: otlpJson.resourceSpans[0]!.resource, scope: scope.scope, span: want });
      }
      const st = a.jaeger.stats().forwardOtlp;
      assert.deepEqual(
        { sent: st.sent, dropped: st.dropped, queued: st.queued, target: st.target },
        { sent: total, dropped: 0, queued: 0, target: receiver.url },
      );
    } finally {
      await a.close();
    }
  });

  it('a receiver that is down loses nothing that fits the buffer: retried with backoff, and what did not fit is counted', async () => {
    receiver.got.requests.length = 0;
    receiver.got.down = true;
    const a: Harness = await startHarness({
      otlpForwardUrl: receiver.url,
      otlpForward: { maxQueuedSpans: 50, batchSpans: 20, flushMs: 5, retryFirstMs: 5, retryMaxMs: 40 },
    });
    try {
      const sent: string[] = [];
      for (let b = 0; b < 8; b++) {
        const batch = sampleBatch({ traceIdLow: 0x6000n + BigInt(b), spans: 10 });
        for (const s of batch.spans) sent.push(`${s.traceIdLow.toString(16).padStart(32, '0')}/${s.spanId.toString(16).padStart(16, '0')}`);
        assert.equal(a.jaeger.ingest('http', encodeBinaryBatch(batch)), undefined);
      }
      // Down for a while: several tries, each refused, the waits between them growing to their cap.
      await waitFor('several refused tries', () => a.jaeger.stats().forwardOtlp.failed >= 6);
      let st = a.jaeger.stats().forwardOtlp;
      assert.deepEqual({ sent: st.sent, dropped: st.dropped, queued: st.queued }, { sent: 0, dropped: 30, queued: 50 });
      receiver.got.down = false;
      await waitFor('the buffer delivered', () => a.jaeger.stats().forwardOtlp.sent === 50);
      st = a.jaeger.stats().forwardOtlp;
      assert.equal(st.queued, 0);
      assert.deepEqual([...spansOf(receiver.got.requests).keys()], sent.slice(0, 50), 'the first 50 spans, in order, once each');
      assert.ok(receiver.got.refusedWhileDown >= 6);
      // Ingest never waited on any of it.
      assert.equal(a.jaeger.stats().http.stored, 80);
    } finally {
      await a.close();
    }
  });
});

describe('OTLP forwarding when the deck stops', () => {
  /** A log that keeps its warnings, to read the line stopping writes. */
  const recordingLog = () => {
    const warnings: string[] = [];
    const log = { ...createLog('test', 'silent'), warn: (m: string) => void warnings.push(m) };
    log.child = () => log;
    return { log, warnings };
  };
  const ingestBatches = (a: Harness, first: bigint, n: number) => {
    for (let b = 0; b < n; b++)
      assert.equal(a.jaeger.ingest('http', encodeBinaryBatch(sampleBatch({ traceIdLow: first + BigInt(b), spans: 10 }))), undefined);
  };

  it('sends what is still queued before it stops', async () => {
    const receiver = await startReceiver();
    try {
      // A part-full batch would wait a minute for company: only stopping sends it.
      const a = await startHarness({ otlpForwardUrl: receiver.url, otlpForward: { flushMs: 60_000 } });
      ingestBatches(a, 0x7000n, 3);
      assert.deepEqual(a.jaeger.stats().forwardOtlp.queued, 30);
      await a.close();
      assert.equal(spansOf(receiver.got.requests).size, 30);
      const st = a.jaeger.stats().forwardOtlp;
      assert.deepEqual({ sent: st.sent, dropped: st.dropped, queued: st.queued }, { sent: 30, dropped: 0, queued: 0 });
    } finally {
      await receiver.close();
    }
  });

  it('gives up at its deadline when the receiver is down or does not answer, counting what it could not send', {
    timeout: 30_000,
  }, async () => {
    const receiver = await startReceiver();
    receiver.got.down = true;
    // Takes the request and never answers: only the stop deadline ends it (its own timeout is a minute away).
    const silent = http.createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      for (const [url, spans] of [
        [receiver.url, 20],
        [`http://127.0.0.1:${(silent.address() as AddressInfo).port}/v1/traces`, 30],
      ] as const) {
        const { log, warnings } = recordingLog();
        const a = await startHarness({
          log,
          otlpForwardUrl: url,
          otlpForward: { flushMs: 60_000, timeoutMs: 60_000, retryFirstMs: 5, closeMs: 200 },
        });
        ingestBatches(a, 0x7100n, spans / 10);
        await a.close();
        const st = a.jaeger.stats().forwardOtlp;
        assert.deepEqual({ sent: st.sent, dropped: st.dropped, queued: st.queued }, { sent: 0, dropped: spans, queued: 0 }, url);
        assert.ok(
          warnings.some((w) => w.includes(`stopped with ${spans} spans not delivered`)),
          warnings.join('\n'),
        );
      }
      assert.ok(receiver.got.refusedWhileDown >= 1);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((r) => silent.close(() => r()));
      await receiver.close();
    }
  });

  it('spans waiting to be forwarded keep their tags while the store evicts their traces and reuses the memory', async () => {
    const receiver = await startReceiver();
    try {
      // The first 10 spans wait in the buffer (a part-full batch waits for its timer); the rest only fill the store.
      const a = await startHarness({
        maxBytes: 2 * 1024 * 1024,
        otlpForwardUrl: receiver.url,
        otlpForward: { maxQueuedSpans: 10, flushMs: 5 },
      });
      try {
        const big = (traceIdLow: bigint) => {
          const batch = sampleBatch({ traceIdLow, spans: 10 });
          for (const s of batch.spans) s.tags.push({ key: 'padding', type: 'string', value: `${traceIdLow}`.repeat(1000) });
          return encodeBinaryBatch(batch);
        };
        // ~40 KiB a batch, in one go: the store evicts and reuses its memory many times before the timer fires.
        for (let b = 0; b < 300; b++) assert.equal(a.jaeger.ingest('http', big(0x7200n + BigInt(b))), undefined);
        const store = a.jaeger.stats().store;
        assert.ok(store.evictedBytes > 4 * store.maxBytes!, `evicted ${store.evictedBytes}`);
        assert.equal(a.jaeger.store.get((0x7200).toString(16)), undefined, 'the first trace was evicted');
        await waitFor('the buffer delivered', () => a.jaeger.stats().forwardOtlp.sent === 10);
        const spans = [...spansOf(receiver.got.requests).values()].map((x) => x.span as Obj);
        assert.equal(spans.length, 10);
        for (const s of spans) {
          assert.equal(s.traceId, (0x7200).toString(16).padStart(32, '0'));
          const padding = (s.attributes as Obj[]).find((t) => t.key === 'padding');
          assert.deepEqual(padding?.value, { stringValue: `${0x7200}`.repeat(1000) });
        }
      } finally {
        await a.close();
      }
    } finally {
      await receiver.close();
    }
  });
});

describe('OTLP forwarding to itself', () => {
  it('is refused at start with a reason, before any span could loop', async () => {
    // A port that was free a moment ago: the collector binds it, then sees the forward URL names it.
    const probe = await startHarness();
    const port = probe.jaeger.ports.http;
    await probe.close();
    const j = createEmbeddedJaeger({
      host: '127.0.0.1',
      udpCompactPort: 0,
      udpBinaryPort: 0,
      httpPort: port,
      maxSpans: 10,
      maxTraces: 10,
      otlpForwardUrl: `http://localhost:${port}/v1/traces`,
      log: createLog('test', 'silent'),
    });
    await assert.rejects(j.start(), /own door/);
  });
});
