// The collector's doors under good and bad input: status codes with reasons, counters, an intact store, port errors.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { JaegerTrace } from '../../model/jaegerJson.ts';
import { createEmbeddedJaeger } from '../../embedded-jaeger/index.ts';
import { createLog } from '../../pkg/index.ts';
import { PortInUseError } from '../../pkg/index.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { encodeCompactEmitBatch } from './support/compactEncoder.ts';
import { fetchTrace, getJson, postBatch, sendUdp, startHarness, type Harness } from './support/harness.ts';
import { sampleBatch } from './support/sampleBatch.ts';
import { encodeBinaryBatch, encodeBinaryEmitBatch } from '../../devkit/thriftrwCodec.ts';

describe('collector HTTP: bad input gets a reason, a counter, and loses nothing', () => {
  let h: Harness;
  let good: JaegerTrace;
  before(async () => {
    h = await startHarness({ maxBodyBytes: 4096 });
    assert.equal((await postBatch(h.collectorUrl, encodeBinaryBatch(sampleBatch({ traceIdLow: 0xabcn })))).status, 202);
    good = (await fetchTrace(h, '0000000000000abc'))!;
    assert.equal(good.spans.length, 3);
  });
  after(() => h.close());

  const valid = () => encodeBinaryBatch(sampleBatch({ traceIdLow: 0xdefn }));
  const cases: [string, () => Buffer, string, number, RegExp][] = [
    ['a JSON body', () => Buffer.from('{"spans":[]}'), 'application/json', 415, /unsupported content type "application\/json"/],
    ['a truncated batch', () => valid().subarray(0, 60), 'application/x-thrift', 400, /truncated/],
    ['garbage', () => Buffer.from('this is not thrift at all, just text'), 'application/x-thrift', 400, /cannot decode/],
    [
      'a compact message on the binary door',
      () => encodeCompactEmitBatch(sampleBatch({ traceIdLow: 0xdefn })),
      'application/vnd.apache.thrift.binary',
      400,
      /cannot decode/,
    ],
    ['an oversized body', () => Buffer.alloc(5000, 1), 'application/x-thrift', 413, /larger than the collector's limit of 4096 bytes/],
    [
      'a hostile list length',
      // Batch { 2: list<struct> of 2^31-1 elements } with nothing behind it.
      () => Buffer.from([0x0f, 0x00, 0x02, 0x0c, 0x7f, 0xff, 0xff, 0xff]),
      'application/x-thrift',
      400,
      /list of 2147483647 elements cannot fit/,
    ],
    [
      'a span without its required fields',
      () => Buffer.from([0x0c, 0x00, 0x01, 0x0b, 0x00, 0x01, 0, 0, 0, 1, 0x61, 0x00, 0x0f, 0x00, 0x02, 0x0c, 0, 0, 0, 1, 0x00, 0x00]),
      'application/x-thrift',
      400,
      /misses required field\(s\): traceIdLow, spanId, operationName, startTime, duration/,
    ],
  ];
  for (const [what, body, type, status, reason] of cases) {
    it(`${what} → ${status} with a reason`, async () => {
      const before = h.jaeger.stats();
      const r = await postBatch(h.collectorUrl, body(), type);
      assert.equal(r.status, status);
      assert.match(r.text, reason);
      const after = h.jaeger.stats();
      assert.equal(after.http.rejected, before.http.rejected + 1);
      assert.ok(after.http.lastRejection, 'the reason is kept for /api/collector/stats');
      assert.equal(after.store.spans, before.store.spans, 'nothing stored');
      assert.deepEqual(await fetchTrace(h, '0000000000000abc'), good, 'the stored trace is untouched');
    });
  }

  it('other paths and methods are refused, and it keeps accepting good batches', async () => {
    assert.equal((await fetch(h.collectorUrl)).status, 405);
    assert.equal((await fetch(h.collectorUrl.replace('/api/traces', '/nope'), { method: 'POST' })).status, 404);
    assert.equal((await postBatch(h.collectorUrl, valid(), 'application/vnd.apache.thrift.binary')).status, 202);
    assert.equal((await fetchTrace(h, 'def'))?.spans.length, 3);
  });
});

describe('agent UDP doors', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('compact: 128-bit ids, every tag type incl. longs beyond 2^53, logs, process tags', async () => {
    const b = sampleBatch({ traceIdLow: 0xfedcba9876543210n, traceIdHigh: 0x1n, spans: 2 });
    b.process.tags.push({ key: 'ip', type: 'int64', value: -9223372036854775808n });
    b.spans[0]!.tags.push(
      { key: 'big', type: 'int64', value: 9223372036854775807n },
      { key: 'neg', type: 'int64', value: -(2n ** 53n) - 5n },
      { key: 'safe', type: 'int64', value: -(2n ** 53n) + 1n },
      { key: 'ratio', type: 'float64', value: -0.125 },
      { key: 'ok', type: 'bool', value: true },
      { key: 'bytes', type: 'binary', value: Buffer.from('hello\u0000') },
      { key: 'text', type: 'string', value: 'ünïcödé ✓' },
    );
    b.spans[1]!.references = [{ refType: 1, traceIdHigh: 1n, traceIdLow: 0xfedcba9876543210n, spanId: 1n }];
    await sendUdp(h.jaeger.ports.udpCompact, [encodeCompactEmitBatch(b)]);
    const t = await waitFor('the compact batch', () => fetchTrace(h, '1fedcba9876543210'));
    assert.equal(t.traceID, '0000000000000001fedcba9876543210');
    const tags = t.spans[0]!.tags;
    assert.deepEqual(tags.slice(3), [
      { key: 'big', type: 'int64', value: '9223372036854775807' },
      { key: 'neg', type: 'int64', value: '-9007199254740997' },
      { key: 'safe', type: 'int64', value: -9007199254740991 },
      { key: 'ratio', type: 'float64', value: -0.125 },
      { key: 'ok', type: 'bool', value: true },
      { key: 'bytes', type: 'binary', value: Buffer.from('hello\u0000').toString('base64') },
      { key: 'text', type: 'string', value: 'ünïcödé ✓' },
    ]);
    assert.deepEqual(t.processes.p1!.tags[1], { key: 'ip', type: 'int64', value: '-9223372036854775808' });
    // parentSpanId names the span the FOLLOWS_FROM reference already names, so (as in Jaeger) no CHILD_OF is added.
    assert.deepEqual(t.spans[1]!.references, [{ refType: 'FOLLOWS_FROM', traceID: t.traceID, spanID: '0000000000000001' }]);
    assert.deepEqual(t.spans[0]!.logs, [
      { timestamp: 1_700_000_000_000_001, fields: [{ key: 'event', type: 'string', value: 'accepted' }] },
    ]);
  });

  it('a span received twice is stored once; spans of one trace may come in any order', async () => {
    const b = sampleBatch({ traceIdLow: 0x77n, spans: 4 });
    const children = { ...b, spans: b.spans.slice(1) };
    const root = { ...b, spans: b.spans.slice(0, 1) };
    await sendUdp(h.jaeger.ports.udpBinary, [encodeBinaryEmitBatch(children), encodeBinaryEmitBatch(root), encodeBinaryEmitBatch(root)]);
    await waitFor('three datagrams', () => h.jaeger.stats().udpBinary.received >= 3);
    assert.equal(h.jaeger.stats().udpBinary.duplicates, 1);
    const t = (await fetchTrace(h, '77'))!;
    assert.deepEqual(
      t.spans.map((s) => s.spanID.slice(-1)),
      ['2', '3', '4', '1'],
    );
    assert.equal(t.spans[0]!.references[0]!.spanID, '0000000000000001');
  });

  it('bad datagrams are counted and rejected; the store stays intact and the door stays open', async () => {
    const before = h.jaeger.stats();
    const spans = before.store.spans;
    const good = encodeCompactEmitBatch(sampleBatch({ traceIdLow: 0x99n }));
    const bad = [
      good.subarray(0, good.length - 7), // truncated
      Buffer.from('garbage garbage garbage'),
      encodeBinaryEmitBatch(sampleBatch({ traceIdLow: 0x98n })), // wrong protocol for this port
      Buffer.from([0x82, 0x81, 0x00, 0x0f, ...Buffer.from('emitZipkinBatch')]), // another method
      Buffer.from([0x82, 0x81, 0x00, 0x09, ...Buffer.from('emitBatch'), 0x1c, 0x1c, 0x19, 0xfc, 0xff, 0xff, 0xff, 0x0f]), // hostile list size
    ];
    await sendUdp(h.jaeger.ports.udpCompact, bad);
    await waitFor('rejections counted', () => h.jaeger.stats().udpCompact.rejected >= before.udpCompact.rejected + bad.length);
    assert.equal(h.jaeger.stats().store.spans, spans);
    assert.match(h.jaeger.stats().udpCompact.lastRejection!, /list of|cannot fit|truncated/);
    await sendUdp(h.jaeger.ports.udpCompact, [good]);
    assert.equal((await waitFor('the good datagram', () => fetchTrace(h, '99'))).spans.length, 3);
  });
});

describe('store limits', () => {
  it('evicts the oldest whole traces first and counts them per transport', async () => {
    const h = await startHarness({ maxSpans: 10, maxTraces: 3 });
    try {
      for (let i = 1; i <= 5; i++)
        assert.equal(h.jaeger.ingest('http', encodeBinaryBatch(sampleBatch({ traceIdLow: BigInt(i), spans: 2 }))), undefined);
      let s = h.jaeger.stats();
      assert.equal(s.store.traces, 3);
      assert.equal(s.store.evictedTraces, 2);
      assert.equal(s.http.evicted, 4);
      assert.equal(h.jaeger.store.get('1'), undefined);
      assert.equal(h.jaeger.store.get('2'), undefined);
      assert.equal(h.jaeger.store.get('5')?.spans.length, 2);
      // A trace that grows becomes young again; the span limit evicts too.
      h.jaeger.ingest('udpCompact', encodeCompactEmitBatch(sampleBatch({ traceIdLow: 3n, spans: 2, firstSpanId: 10n })));
      h.jaeger.ingest('udpCompact', encodeCompactEmitBatch(sampleBatch({ traceIdLow: 6n, spans: 5 })));
      s = h.jaeger.stats();
      assert.ok(s.store.spans <= 10);
      assert.equal(h.jaeger.store.get('4'), undefined, 'the idle trace went first');
      assert.equal(h.jaeger.store.get('3')?.spans.length, 4);
      assert.equal(h.jaeger.store.get('6')?.spans.length, 5);
      assert.equal((await getJson(`${h.url}/api/traces/4`)).status, 404);
    } finally {
      await h.close();
    }
  });
});

describe('port errors', () => {
  it('a taken port is a PortInUseError naming the variable to change', async () => {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', r));
    const tcp = net.createServer();
    await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
    try {
      const base = {
        host: '127.0.0.1',
        udpCompactPort: 0,
        udpBinaryPort: 0,
        httpPort: 0,
        maxSpans: 10,
        maxTraces: 10,
        log: createLog('test', 'silent'),
      };
      const taken = udp.address().port;
      for (const [opt, env] of [
        ['udpCompactPort', 'COLLECTOR_UDP_COMPACT_PORT'],
        ['udpBinaryPort', 'COLLECTOR_UDP_BINARY_PORT'],
      ] as const) {
        const j = createEmbeddedJaeger({ ...base, [opt]: taken });
        await assert.rejects(
          j.start(),
          (e: unknown) => e instanceof PortInUseError && e.message.includes(env) && e.message.includes(String(taken)),
        );
      }
      const tcpPort = (tcp.address() as net.AddressInfo).port;
      const j = createEmbeddedJaeger({ ...base, httpPort: tcpPort });
      await assert.rejects(j.start(), (e: unknown) => e instanceof PortInUseError && e.message.includes('COLLECTOR_HTTP_PORT'));
    } finally {
      udp.close();
      tcp.close();
    }
  });
});
