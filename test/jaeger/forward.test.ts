// Forwarding to another Jaeger (HTTP collector or UDP compact agent) and reading from another Jaeger's query API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../devkit/waitFor.ts';
import { encodeCompactEmitBatch } from './support/compactEncoder.ts';
import { fetchTrace, getJson, postBatch, sendUdp, startHarness, type Harness } from './support/harness.ts';
import { sampleBatch } from './support/sampleBatch.ts';
import { encodeBinaryBatch, encodeBinaryEmitBatch, thriftrwDecodeBatch } from '../../devkit/thriftrwCodec.ts';

/** Sends one batch through each door of `from`; resolves the three trace ids. */
async function sendThroughEveryDoor(from: Harness, base: bigint): Promise<string[]> {
  const compact = sampleBatch({ traceIdLow: base + 1n, traceIdHigh: 7n, spans: 3 });
  compact.spans[0]!.tags.push({ key: 'big', type: 'int64', value: 2n ** 62n }, { key: 'ok', type: 'bool', value: true });
  await sendUdp(from.jaeger.ports.udpCompact, [encodeCompactEmitBatch(compact)]);
  await sendUdp(from.jaeger.ports.udpBinary, [encodeBinaryEmitBatch(sampleBatch({ traceIdLow: base + 2n }))]);
  assert.equal((await postBatch(from.collectorUrl, encodeBinaryBatch(sampleBatch({ traceIdLow: base + 3n })))).status, 202);
  return [`7${(base + 1n).toString(16).padStart(16, '0')}`, (base + 2n).toString(16), (base + 3n).toString(16)];
}

describe('forwarding and proxying to a real Jaeger (another instance speaking the same protocols)', () => {
  let real: Harness;
  before(async () => {
    real = await startHarness();
  });
  after(() => real.close());

  it("http:// forwarding: every door's batch reaches the other collector as a binary Batch", async () => {
    const a = await startHarness({ forwardUrl: real.collectorUrl });
    try {
      const ids = await sendThroughEveryDoor(a, 0x1000n);
      for (const id of ids) {
        const there = await waitFor(`forwarded ${id}`, () => fetchTrace(real, id));
        assert.deepEqual(there, await fetchTrace(a, id));
      }
      await waitFor('forward count', () => a.jaeger.stats().forward.batches === 3);
      assert.equal(a.jaeger.stats().forward.errors, 0);
    } finally {
      await a.close();
    }
  });

  it('udp:// forwarding: batches are re-wrapped as compact emitBatch datagrams', async () => {
    const a = await startHarness({ forwardUrl: `udp://127.0.0.1:${real.jaeger.ports.udpCompact}` });
    try {
      const before = real.jaeger.stats().udpCompact.stored;
      const ids = await sendThroughEveryDoor(a, 0x2000n);
      for (const id of ids) assert.deepEqual(await waitFor(`forwarded ${id}`, () => fetchTrace(real, id)), await fetchTrace(a, id));
      assert.equal(real.jaeger.stats().udpCompact.stored - before, 9);
      assert.equal(real.jaeger.stats().udpCompact.rejected, 0);
    } finally {
      await a.close();
    }
  });

  it('the transcoded binary batch is valid for thriftrw too', async () => {
    // A stand-in collector that decodes with jaeger-client's thriftrw.
    const http = await import('node:http');
    const decoded: number[] = [];
    const srv = http.createServer((req, res) => {
      const parts: Buffer[] = [];
      req
        .on('data', (c: Buffer) => parts.push(c))
        .on('end', () => {
          decoded.push(thriftrwDecodeBatch(Buffer.concat(parts)).spans.length);
          res.writeHead(202).end();
        });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    const a = await startHarness({ forwardUrl: `http://127.0.0.1:${port}/api/traces` });
    try {
      // 60 spans: several KiB, so the writer has to grow its buffer mid-batch.
      const datagram = encodeCompactEmitBatch(sampleBatch({ traceIdLow: 0x3001n, spans: 60 }));
      assert.ok(datagram.length > 4096);
      await sendUdp(a.jaeger.ports.udpCompact, [datagram]);
      await waitFor('thriftrw decoded it', () => decoded.length === 1);
      assert.deepEqual(decoded, [60]);
    } finally {
      await a.close();
      srv.close();
    }
  });

  it('a dead forward target is counted and never blocks ingestion', async () => {
    const a = await startHarness({ forwardUrl: 'http://127.0.0.1:9/api/traces' });
    try {
      for (let i = 0; i < 5; i++)
        assert.equal((await postBatch(a.collectorUrl, encodeBinaryBatch(sampleBatch({ traceIdLow: 0x4000n + BigInt(i) })))).status, 202);
      assert.equal(a.jaeger.stats().store.traces, 5);
      await waitFor('errors counted', () => a.jaeger.stats().forward.errors === 5);
    } finally {
      await a.close();
    }
  });

  it('JAEGER_QUERY_URL: the query routes answer from the other Jaeger; an unreachable one is a 502 with a reason', async () => {
    const viaProxy = await startHarness({ queryUrl: real.url });
    try {
      await postBatch(real.collectorUrl, encodeBinaryBatch(sampleBatch({ traceIdLow: 0x5000n, service: 'only-in-real' })));
      assert.deepEqual(await fetchTrace(viaProxy, '5000'), await fetchTrace(real, '5000'));
      assert.ok((await getJson(`${viaProxy.url}/api/services`)).body.data.includes('only-in-real'));
      assert.equal((await getJson(`${viaProxy.url}/api/traces/abcdef`)).status, 404);
      assert.equal(viaProxy.jaeger.store.traceCount, 0);
    } finally {
      await viaProxy.close();
    }
    const dead = await startHarness({ queryUrl: 'http://127.0.0.1:9' });
    try {
      const r = await getJson(`${dead.url}/api/services`);
      assert.equal(r.status, 502);
      assert.match(r.body.errors[0].msg, /did not answer/);
    } finally {
      await dead.close();
    }
  });

  it("JAEGER_QUERY_URL: the v3 routes and the hole finder's routes work through the other Jaeger too", async () => {
    const viaProxy = await startHarness({ queryUrl: real.url });
    try {
      const now = Date.now() * 1000;
      for (let i = 0; i < 3; i++) {
        const batch = sampleBatch({
          traceIdLow: 0x7000n + BigInt(i),
          service: 'behind-proxy',
          spans: 12,
          startTime: now - 60_000_000 + i * 1000,
          duration: 90_000,
        });
        // Children one after another, each waiting on the last: something for the finder to name.
        for (const [k, s] of batch.spans.entries()) {
          if (k === 0) continue;
          s.startTime = now - 60_000_000 + i * 1000 + k * 7000;
          s.duration = 6000;
          s.operationName = 'GET /item';
        }
        assert.equal((await postBatch(real.collectorUrl, encodeBinaryBatch(batch))).status, 202);
      }
      const same = async (path: string) => {
        const [there, here] = await Promise.all([getJson(`${real.url}${path}`), getJson(`${viaProxy.url}${path}`)]);
        assert.equal(here.status, 200, `${path}: ${JSON.stringify(here.body).slice(0, 200)}`);
        assert.deepEqual(here.body, there.body, path);
        return here.body;
      };
      await same('/api/v3/traces/7000');
      await same('/api/v3/services');
      const findings = await same('/api/traces/7001/findings');
      assert.equal(findings.data[0].traceID, '0000000000007001');
      const [there, here] = await Promise.all([
        getJson(`${real.url}/api/findings?service=behind-proxy`),
        getJson(`${viaProxy.url}/api/findings`),
      ]);
      assert.equal(here.status, 200);
      assert.equal(here.body.ofTraces, 3);
      assert.ok(here.body.data.length > 0, 'the finder names something in these traces');
      assert.deepEqual(here.body.data, there.body.data);
      const posted = await fetch(`${viaProxy.url}/api/analyze`, {
        method: 'POST',
        body: JSON.stringify((await getJson(`${real.url}/api/traces/7002`)).body),
      });
      assert.equal(posted.status, 200);
      assert.equal((await getJson(`${viaProxy.url}/api/traces/abcdef/findings`)).status, 404);
      assert.equal(viaProxy.jaeger.store.traceCount, 0);
    } finally {
      await viaProxy.close();
    }
  });
});
