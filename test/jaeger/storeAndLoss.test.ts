// The store as Jaeger keeps spans (resends that differ, process identity, unknown types), and UDP loss made visible (kernel drops, seqNo gaps).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { JaegerEnvelope, JaegerTrace } from '../../model/jaegerJson.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { encodeCompactEmitBatch } from './support/compactEncoder.ts';
import { getJson, startHarness, type Harness } from './support/harness.ts';
import { sampleBatch } from './support/sampleBatch.ts';

describe('store keeps what Jaeger keeps', () => {
  let h: Harness;
  let seq = 0;
  const put = (b: ReturnType<typeof sampleBatch>) => h.jaeger.ingest('udpCompact', encodeCompactEmitBatch(b, seq++));
  const trace = async (id: string) => (await getJson<JaegerEnvelope<JaegerTrace[]>>(`${h.url}/api/traces/${id}?raw=true`)).body.data[0]!;
  before(async () => {
    h = await startHarness({ maxTraces: 20_000 });
  });
  after(() => h.close());

  it('shows one process once in a trace, even after 10,000 other processes', async () => {
    assert.equal(put(sampleBatch({ traceIdLow: 0xd1n, service: 'steady', spans: 1 })), undefined);
    for (let i = 0; i < 10_050; i++) put(sampleBatch({ traceIdLow: 0x100000n + BigInt(i), service: `other-${i}`, spans: 1 }));
    assert.equal(put(sampleBatch({ traceIdLow: 0xd1n, service: 'steady', spans: 1, firstSpanId: 50n })), undefined);
    const t = await trace('d1');
    assert.equal(t.spans.length, 2);
    assert.deepEqual(Object.keys(t.processes), ['p1']);
    assert.equal(t.spans[1]!.processID, 'p1');
  });

  it('keeps a span resent with the same id but different content; drops an identical copy', async () => {
    const b = sampleBatch({ traceIdLow: 0xd2n, spans: 1 });
    assert.equal(put(b), undefined);
    assert.equal(put(b), undefined);
    b.spans[0]!.tags.push({ key: 'retry', type: 'bool', value: true });
    assert.equal(put(b), undefined);
    const t = await trace('d2');
    assert.equal(t.spans.length, 2, 'the identical copy is dropped, the changed one kept');
    assert.ok(t.spans[1]!.tags.some((x) => x.key === 'retry'));
    const stats = (await getJson(`${h.url}/api/collector/stats`)).body.udpCompact;
    assert.equal(stats.duplicates, 1);
  });

  it('keeps spans with a tag or reference of unknown type, with a warning and a count', async () => {
    const b = sampleBatch({ traceIdLow: 0xd3n, spans: 2 });
    b.spans[0]!.tags.push({ key: 'future', type: 'string', value: 'x', typeNumber: 9 });
    b.spans[1]!.references.push({ refType: 5, traceIdHigh: 0n, traceIdLow: 0xd3n, spanId: 1n });
    assert.equal(put(b), undefined, 'the batch is accepted');
    const t = await trace('d3');
    assert.equal(t.spans.length, 2);
    assert.deepEqual(
      t.spans[0]!.tags.find((x) => x.key === 'future'),
      { key: 'future', type: 'string', value: '<Unknown Jaeger TagType "<UNSET>">' },
    );
    assert.deepEqual(t.spans[0]!.warnings, ['a tag or log field had an unknown value type; kept as a string saying so']);
    assert.ok(t.spans[1]!.references.some((r) => r.refType === 'FOLLOWS_FROM'));
    assert.deepEqual(t.spans[1]!.warnings, ['a reference had an unknown type; read as FOLLOWS_FROM']);
    assert.equal((await getJson(`${h.url}/api/collector/stats`)).body.udpCompact.oddSpans, 2);
  });

  it("counts batches missing from a client's seqNo numbering and the drops it reports itself", async () => {
    const from = (seqNo: number, dropped: number) => {
      const b = sampleBatch({ traceIdLow: 0xe00n + BigInt(seqNo), spans: 1 });
      b.process.tags.push({ key: 'client-uuid', type: 'string', value: 'c-1' });
      b.seqNo = seqNo;
      b.clientStats = { fullQueueDroppedSpans: dropped, tooLargeDroppedSpans: 1, failedToEmitSpans: 0 };
      return b;
    };
    for (const [n, d] of [
      [1, 0],
      [2, 0],
      [5, 3],
      [6, 4],
    ] as const)
      assert.equal(put(from(n, d)), undefined);
    const s = (await getJson(`${h.url}/api/collector/stats`)).body.udpCompact;
    assert.equal(s.missingBatches, 2, 'batches 3 and 4 never came');
    assert.equal(s.clientDropped, 5, 'the latest report: 4 + 1');
  });
});

describe('UDP kernel drops', () => {
  let h: Harness;
  before(async () => {
    // A tiny receive buffer, so a burst overflows it as a large one would under a bigger burst.
    h = await startHarness({ udpRecvBufferBytes: 4096 });
  });
  after(() => h.close());

  it('shows datagrams the kernel dropped in /api/collector/stats', async (t) => {
    const before = (await getJson(`${h.url}/api/collector/stats`)).body.udpBinary;
    if (before.kernelDrops === null) return t.skip('no /proc/net/udp here');
    const SENT = 200;
    // spawnSync blocks this process's event loop while the child sends: nothing reads the socket, so the kernel must drop.
    const child = spawnSync(
      process.execPath,
      [
        '-e',
        `
      const s = require('node:dgram').createSocket('udp4');
      const d = Buffer.alloc(1200, 7); let n = 0;
      const next = () => n++ < ${SENT} ? s.send(d, ${h.jaeger.ports.udpBinary}, '127.0.0.1', next) : s.close();
      next();`,
      ],
      { timeout: 20_000 },
    );
    assert.equal(child.status, 0, String(child.stderr));
    const s = await waitFor('every datagram read or counted as dropped', async () => {
      const now = (await getJson(`${h.url}/api/collector/stats`)).body.udpBinary;
      return now.received + now.kernelDrops - before.received - before.kernelDrops === SENT && now;
    });
    assert.ok(s.kernelDrops > 0, `the burst overflowed the buffer (${s.kernelDrops} dropped, ${s.received} read)`);
    assert.equal(s.rejected, s.received, 'what was read was not a batch: rejected, counted');
  });
});
