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
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { HeavyQueries } from '../../embedded-jaeger/boundedAnswer.ts';
import { AnswerCache, answerStats } from '../../embedded-jaeger/answerCache.ts';
import { createQueryApi } from '../../embedded-jaeger/queryApi.ts';
import { encodeBatch, type FakeSpan } from '../../scripts/attack/thriftBatch.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { lazyTraceSteps, toJaegerTrace } from '../../embedded-jaeger/traceJson.ts';
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

/** Trace n+1: 10 spans, each with a 1,000-character tag saying n. */
function batch(n: number) {
  const b = sampleBatch({ traceIdLow: BigInt(n + 1), spans: 10 });
  for (const s of b.spans) s.tags.push({ key: 'batch', type: 'string', value: `${n}`.repeat(1000) });
  return decodeBinaryBatch(encodeBinaryBatch(b));
}

test('a span kept past its eviction reads no tags once its memory is reused, never another batch’s', () => {
  const store = new TraceStore(1e9, 1e9, 2 * MiB);
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

test('a trace evicted while it is being rendered is still rendered whole: its bytes are held until the rendering ends', () => {
  const store = new TraceStore(1e9, 1e9, 2 * MiB);
  store.ingest(batch(0), VIA_HTTP);
  const trace = store.get('1')!;
  const render = { maxClockSkewUs: 0 };
  const expected = JSON.stringify(toJaegerTrace(trace, render));
  // The rendering has begun (lazyTraceSteps is what a big answer writes span by span) when the trace goes.
  const steps = lazyTraceSteps(trace, render);
  let next = steps.next();
  while (!next.done) next = steps.next();
  const lazy = next.value;
  for (let n = 1; n < 300; n++) store.ingest(batch(n), VIA_HTTP);
  assert.equal(store.get('1'), undefined, 'the trace was evicted meanwhile');
  const rendered = {
    traceID: lazy.traceID,
    spans: Array.from({ length: lazy.count }, (_, i) => lazy.spanAt(i)),
    processes: lazy.processes,
    warnings: null,
  };
  assert.equal(JSON.stringify(rendered), expected, 'every tag as it was');
  const held = store.bytes;
  lazy.release();
  assert.ok(store.bytes <= held, 'released: the store counts its bound again');
  // Once released, a later reader of the evicted spans gets no tags, never another batch's.
  for (let n = 300; n < 320; n++) store.ingest(batch(n), VIA_HTTP);
  assert.equal(spanTags(trace.spans[0]!), null);
});

/** A trace of `n` spans with a 100-byte tag each, in Thrift batches of 1,000. */
function fillInto(store: TraceStore, id: bigint, n: number): void {
  for (let at = 0; at < n; at += 1000) {
    const spans: FakeSpan[] = Array.from({ length: Math.min(1000, n - at) }, (_, i) => ({
      traceIdLow: id,
      spanId: BigInt(at + i + 1),
      parentSpanId: at + i === 0 ? 0n : 1n,
      operationName: 'op',
      startTimeUs: 1_700_000_000_000_000 + i,
      durationUs: 10,
      tags: [['k', 'x'.repeat(100)]],
    }));
    store.ingest(decodeBinaryBatch(encodeBatch('svc', spans)), VIA_HTTP);
  }
}

test('answers sent whole or left half-read let their trace’s bytes go: once it is evicted, the store counts none of it', async () => {
  const fills: [bigint, number][] = [
    [0xb1n, 20_000],
    ...Array.from({ length: 40 }, (_, k) => [BigInt(0x1000 + k), 2_000] as [bigint, number]),
  ];
  const store = new TraceStore(1e9, 1e9, 8 * MiB);
  fillInto(store, ...fills[0]!);
  const api = createQueryApi(store, { searches: new HeavyQueries(), bigTraces: new HeavyQueries(), answers: new AnswerCache() });
  const server = http.createServer(express().use(api));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await (await fetch(`${base}/api/traces/b1`)).arrayBuffer();
    for (const path of ['/api/traces/b1?raw=true', '/api/traces/b1?prettyPrint=true'])
      await new Promise<void>((resolve, reject) =>
        http.get(`${base}${path}`, (res) => res.once('data', () => (res.destroy(), resolve()))).on('error', reject),
      );
    // The half-read renderings stop at their next slice and let go of what they held.
    await waitFor('every rendering ended', () => answerStats.ended === answerStats.rendered);
    for (const f of fills.slice(1)) fillInto(store, ...f);
    assert.equal(store.get('b1'), undefined, 'evicted');
    // The same fills into a store no answer ever read: as many traces kept, as many bytes counted.
    const control = new TraceStore(1e9, 1e9, 8 * MiB);
    for (const f of fills) fillInto(control, ...f);
    assert.equal(store.traceCount, control.traceCount);
    assert.ok(Math.abs(store.bytes - control.bytes) < MiB, `${store.bytes} vs ${control.bytes} bytes counted`);
  } finally {
    server.close();
  }
});
