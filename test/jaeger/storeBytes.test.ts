// The store's byte count against what the heap really holds (issue 22): a 200k-span fill bounded by STORE_MAX_BYTES stays under it, and the count agrees with the heap within 20%.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createEmbeddedJaeger, type EmbeddedJaeger } from '../../embedded-jaeger/index.ts';
import { createLog } from '../../pkg/index.ts';
import { encodeBatch, type FakeSpan } from '../../scripts/attack/thriftBatch.ts';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

/** Heap and array buffers after collecting: what is really held. */
function held(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** An OTLP/JSON body of the same spans (a fifth of the fill comes this way: its tags are kept decoded). */
function otlpBody(service: string, spans: FakeSpan[]): Buffer {
  const hex = (v: bigint, n: number) => v.toString(16).padStart(n, '0');
  return Buffer.from(
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
          scopeSpans: [
            {
              spans: spans.map((s) => ({
                traceId: hex(s.traceIdLow, 32),
                spanId: hex(s.spanId, 16),
                ...(s.parentSpanId ? { parentSpanId: hex(s.parentSpanId, 16) } : {}),
                name: s.operationName,
                kind: 2,
                startTimeUnixNano: `${s.startTimeUs}000`,
                endTimeUnixNano: `${s.startTimeUs + s.durationUs}000`,
                attributes: s.tags.map(([key, v]) => ({ key, value: { stringValue: v } })),
              })),
            },
          ],
        },
      ],
    }),
  );
}

/** 200k spans as a client sends them: batches of 100 spans from 10 traces of 10, 8 tags a span. */
async function fill(j: EmbeddedJaeger, spans = 200_000): Promise<void> {
  const start = Date.now() * 1000;
  for (let b = 0; b < spans / 100; b++) {
    const batch: FakeSpan[] = [];
    for (let t = 0; t < 10; t++) {
      const trace = BigInt(b * 10 + t + 1) << 20n;
      for (let i = 0; i < 10; i++) {
        batch.push({
          traceIdLow: trace,
          spanId: trace + BigInt(i + 1),
          parentSpanId: i === 0 ? 0n : trace + 1n,
          operationName: `op ${i}`,
          startTimeUs: start + b * 100 + i,
          durationUs: 1000 - i,
          tags: Array.from({ length: 8 }, (_, k) => [`tag.key.${k}`, `value ${k} of span ${b}/${t}/${i}`] as [string, string]),
        });
      }
    }
    // The live stream holds the traces that grew until its next tick (1 ms here): let it come, as it does between real batches.
    if (b % 50 === 0) await new Promise((r) => setTimeout(r, 2));
    const service = `service-${b % 7}`;
    const refused = b % 5 === 4 ? j.ingestOtlp(otlpBody(service, batch), true) : j.ingest('http', encodeBatch(service, batch));
    assert.equal(refused, undefined);
  }
}

function jaeger(maxBytes?: number): EmbeddedJaeger {
  return createEmbeddedJaeger({
    host: '127.0.0.1',
    udpCompactPort: 0,
    udpBinaryPort: 0,
    httpPort: 0,
    maxSpans: 10_000_000,
    maxTraces: 10_000_000,
    maxBytes,
    liveTickMs: 1,
    log: createLog('test', 'silent'),
  });
}

for (const maxBytes of [48 * 1024 * 1024, undefined]) {
  test(`a 200k-span fill ${maxBytes ? `bounded to ${maxBytes / 1048576} MiB stays under it` : 'unbounded'}, and the count agrees with the heap within 20%`, async () => {
    const before = held();
    const rssBefore = process.memoryUsage().rss;
    const j = jaeger(maxBytes);
    await fill(j);
    await new Promise((r) => setTimeout(r, 2));
    const grown = held() - before;
    const store = j.stats().store;
    const ratio = grown / store.bytes;
    console.log(
      `store counts ${(store.bytes / 1048576).toFixed(1)} MiB over ${store.spans} spans, heap + buffers grew ${(grown / 1048576).toFixed(1)} MiB (×${ratio.toFixed(2)}), evicted ${(store.evictedBytes / 1048576).toFixed(1)} MiB, rss grew ${((process.memoryUsage().rss - rssBefore) / 1048576).toFixed(0)} MiB`,
    );
    if (maxBytes) {
      assert.ok(store.bytes <= maxBytes, `${store.bytes} bytes held`);
      assert.ok(store.evictedBytes > 0 && store.evictedSpans > 0, 'the oldest traces made room');
    } else assert.equal(store.spans, 200_000);
    assert.ok(ratio > 0.8 && ratio < 1.2, `heap grew ×${ratio.toFixed(2)} of the count`);
    // Kept alive to here, so the measure above saw it.
    assert.ok(j.store.traceCount > 0);
  });
}
