// Fuzz: >100,000 mutated packets (seeded) mixed with valid ones; nothing throws, every valid batch is stored whole.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seededRandom } from '../../demo-app/instrumentation/seededJitter.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { encodeCompactEmitBatch } from './support/compactEncoder.ts';
import { sendUdp, startHarness, type Harness } from './support/harness.ts';
import type { PlainBatch } from '../../devkit/plainBatch.ts';
import { sampleBatch } from './support/sampleBatch.ts';
import { encodeBinaryBatch, encodeBinaryEmitBatch } from '../../devkit/thriftrwCodec.ts';

type Door = 'udpCompact' | 'udpBinary' | 'http';
const DOORS: Door[] = ['udpCompact', 'udpBinary', 'http'];
const ENCODE: Record<Door, (b: PlainBatch) => Buffer> = {
  udpCompact: encodeCompactEmitBatch,
  udpBinary: encodeBinaryEmitBatch,
  http: encodeBinaryBatch,
};

const prng = seededRandom;

function richBatch(i: number, traceIdHigh: bigint): PlainBatch {
  const b = sampleBatch({ traceIdLow: BigInt(i + 1), traceIdHigh, spans: 1 + (i % 4), service: `svc-${i % 5}` });
  b.spans[0]!.tags.push(
    { key: 'n', type: 'float64', value: i / 3 },
    { key: 'blob', type: 'binary', value: Buffer.from([i & 0xff, 0, 7]) },
    { key: 'big', type: 'int64', value: 2n ** 60n + BigInt(i) },
  );
  if (b.spans.length > 1) b.spans[1]!.references = [{ refType: 1, traceIdHigh, traceIdLow: BigInt(i + 1), spanId: 1n }];
  return b;
}

/** One mutation of a valid packet: byte flips, truncation, insertion, hostile 0xff runs, or a splice. */
function mutate(rand: () => number, src: Buffer, other: Buffer): Buffer {
  const at = Math.floor(rand() * src.length);
  switch (Math.floor(rand() * 6)) {
    case 0: {
      const b = Buffer.from(src);
      for (let k = 1 + Math.floor(rand() * 4); k > 0; k--) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      return b;
    }
    case 1:
      return src.subarray(0, at);
    case 2:
      return Buffer.concat([
        src.subarray(0, at),
        Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 8) }, () => Math.floor(rand() * 256))),
        src.subarray(at),
      ]);
    case 3: {
      const b = Buffer.from(src);
      b.fill(0xff, at, Math.min(b.length, at + 1 + Math.floor(rand() * 5)));
      return b;
    }
    case 4:
      return Buffer.concat([src.subarray(0, at), other.subarray(Math.floor(rand() * other.length))]);
    default: {
      const b = Buffer.from(src);
      b[at] = b[at]! ^ (1 << Math.floor(rand() * 8));
      return b;
    }
  }
}

describe('fuzz', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ maxSpans: 2_000_000, maxTraces: 1_000_000 });
  });
  after(() => h.close());

  it('110,000 mutated packets mixed with 11,000 valid ones through the decode+ingest path', () => {
    const rand = prng(0x5eed);
    const templates = DOORS.map((door) => Array.from({ length: 12 }, (_, i) => ENCODE[door](richBatch(i, 0xdeadn))));
    const valid: { id: string; spans: number }[] = [];
    let mutants = 0;
    let mutantsAccepted = 0;
    const t0 = performance.now();
    for (let n = 0; n < 121_000; n++) {
      const door = DOORS[n % 3]!;
      if (n % 11 === 0) {
        const i = valid.length;
        const b = richBatch(i, 0xf00dn);
        assert.equal(h.jaeger.ingest(door, ENCODE[door](b)), undefined, `valid packet ${i} rejected`);
        valid.push({ id: `f00d${(i + 1).toString(16).padStart(16, '0')}`, spans: b.spans.length });
      } else {
        const pool = templates[n % 3]!;
        const src = pool[Math.floor(rand() * pool.length)]!;
        const other = templates[Math.floor(rand() * 3)]![Math.floor(rand() * 12)]!;
        if (h.jaeger.ingest(door, mutate(rand, src, other)) === undefined) mutantsAccepted++;
        mutants++;
      }
    }
    const ms = performance.now() - t0;
    assert.ok(mutants >= 100_000);
    for (const v of valid) {
      const t = h.jaeger.store.get(v.id);
      assert.ok(t, `valid trace ${v.id} missing`);
      for (let s = 1; s <= v.spans; s++)
        assert.ok(
          t.spans.some((x) => x.spanId === s.toString(16).padStart(16, '0') && x.process.serviceName.startsWith('svc-')),
          `span ${s} of ${v.id}`,
        );
    }
    const st = h.jaeger.stats();
    const rejected = st.udpCompact.rejected + st.udpBinary.rejected + st.http.rejected;
    assert.equal(rejected, mutants - mutantsAccepted);
    assert.equal(st.store.spans, st.udpCompact.stored + st.udpBinary.stored + st.http.stored);
    console.log(
      `# fuzz: ${mutants} mutants (${rejected} rejected, ${mutantsAccepted} still decodable) + ${valid.length} valid, all valid stored, ${Math.round(ms)} ms`,
    );
  });

  it('2,000 mutated datagrams mixed with 200 valid ones over real UDP', async () => {
    const rand = prng(0xbeef);
    const ports = { udpCompact: h.jaeger.ports.udpCompact, udpBinary: h.jaeger.ports.udpBinary };
    const udpDoors = ['udpCompact', 'udpBinary'] as const;
    const templates = udpDoors.map((door) => Array.from({ length: 6 }, (_, i) => ENCODE[door](richBatch(i, 0xbadn))));
    const received = () => h.jaeger.stats().udpCompact.received + h.jaeger.stats().udpBinary.received;
    const start = received();
    const valid: string[] = [];
    let sent = 0;
    for (let n = 0; n < 2_200; n++) {
      const d = n % 2;
      const door = udpDoors[d]!;
      let packet: Buffer;
      if (n % 11 === 0) {
        const i = 100_000 + valid.length;
        packet = ENCODE[door](richBatch(i, 0xcafen));
        valid.push(`cafe${(i + 1).toString(16).padStart(16, '0')}`);
      } else packet = mutate(rand, templates[d]![Math.floor(rand() * 6)]!, templates[1 - d]![Math.floor(rand() * 6)]!);
      if (packet.length === 0) packet = Buffer.from([0]);
      await sendUdp(ports[door], [packet]);
      sent++;
      // Paced so the loopback socket buffer never overflows: this tests decoding, not UDP loss.
      if (sent % 100 === 0) await waitFor('the agent to catch up', () => received() - start >= sent - 20);
    }
    await waitFor('every datagram', () => received() - start === sent);
    for (const id of valid) assert.ok(h.jaeger.store.get(id), `valid datagram ${id} stored`);
  });
});
