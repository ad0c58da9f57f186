// The store's byte count against what a process really holds (issue 22): a 200k-span fill bounded by STORE_MAX_BYTES stays under it, in RSS as in the heap, within 20%.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { encodeBinaryBatch } from '../../devkit/thriftrwCodec.ts';
import { decodeBinaryBatch } from '../../embedded-jaeger/jaegerThrift.ts';
import { spanLogs, spanTags } from '../../embedded-jaeger/jaegerThriftTags.ts';
import { VIA_HTTP } from '../../embedded-jaeger/spanModel.ts';
import { TraceStore } from '../../embedded-jaeger/traceStore.ts';
import { sampleBatch } from './support/sampleBatch.ts';

const MiB = 1024 * 1024;
const child = fileURLToPath(new URL('./support/fillChild.ts', import.meta.url));

interface Memory {
  rss: number;
  heapUsed: number;
  arrayBuffers: number;
  newSpace: number;
}
interface Report {
  store: { bytes: number; spans: number; evictedBytes: number; evictedSpans: number; maxBytes: number | null };
  grew: Memory;
  peakRssGrew: number;
  unsettledRssGrew: number;
}

/** The fill in a process of its own: its RSS is the store's and the runtime's, not the test runner's. */
async function fillInChild(maxBytes: number | undefined): Promise<Report> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, String(maxBytes ?? 0)], {
    timeout: 60_000,
  });
  return JSON.parse(stdout) as Report;
}

for (const maxBytes of [64 * MiB, undefined]) {
  test(`a 200k-span fill ${maxBytes ? `bounded to ${maxBytes / MiB} MiB stays under it` : 'unbounded'}: RSS and the heap agree with the count within 20%`, async () => {
    const { store, grew, peakRssGrew, unsettledRssGrew } = await fillInChild(maxBytes);
    // V8's young generation grows to its fixed size (32 MiB at most) in any busy process, whatever the store holds.
    const rss = grew.rss - grew.newSpace;
    const heap = grew.heapUsed + grew.arrayBuffers;
    const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;
    console.log(
      `store counts ${mib(store.bytes)} over ${store.spans} spans (evicted ${mib(store.evictedBytes)}); ` +
        `RSS grew ${mib(grew.rss)}, of which young generation ${mib(grew.newSpace)}: ×${(rss / store.bytes).toFixed(2)} of the count; ` +
        `heap + buffers ×${(heap / store.bytes).toFixed(2)}; RSS before collecting ${mib(unsettledRssGrew)}, at its peak ${mib(peakRssGrew)}`,
    );
    if (maxBytes) {
      assert.ok(store.bytes <= maxBytes, `${store.bytes} bytes held`);
      assert.ok(store.evictedBytes > store.bytes && store.evictedSpans > 100_000, 'most of the fill was evicted');
      assert.ok(rss < maxBytes * 1.2, `RSS grew ${mib(rss)} over a ${mib(maxBytes)} bound`);
    } else assert.equal(store.spans, 200_000);
    assert.ok(rss > store.bytes * 0.8 && rss < store.bytes * 1.2, `RSS grew ×${(rss / store.bytes).toFixed(2)} of the count`);
    assert.ok(heap > store.bytes * 0.8 && heap < store.bytes * 1.2, `heap + buffers grew ×${(heap / store.bytes).toFixed(2)} of the count`);
  });
}

test('a span kept past its eviction reads no tags once its memory is reused, never another batch’s', () => {
  const store = new TraceStore(1e9, 1e9, 2 * MiB);
  const batch = (n: number) => {
    const b = sampleBatch({ traceIdLow: BigInt(n + 1), spans: 10 });
    for (const s of b.spans) s.tags.push({ key: 'batch', type: 'string', value: `${n}`.repeat(1000) });
    return decodeBinaryBatch(encodeBinaryBatch(b));
  };
  const first = batch(0);
  store.ingest(first, VIA_HTTP);
  const kept = first.spans[0]!;
  assert.equal(spanTags(kept)?.at(-1), '0'.repeat(1000));
  for (let n = 1; n < 300; n++) store.ingest(batch(n), VIA_HTTP);
  assert.equal(store.get('1'), undefined, 'the first trace was evicted');
  assert.ok(store.bytes <= 2 * MiB && store.evictedBytes > 4 * 2 * MiB);
  assert.equal(spanTags(kept), null);
  assert.equal(spanLogs(kept), null);
  // What is stored still reads its own bytes.
  const last = store.get((300).toString(16))!;
  assert.equal(spanTags(last.spans[0]!)?.at(-1), '299'.repeat(1000));
});
