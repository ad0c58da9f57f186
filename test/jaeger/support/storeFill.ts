// A 200k-span fill as clients send it (Thrift over HTTP and OTLP/JSON, 8 tags a span), shared by the store's byte tests.
import assert from 'node:assert/strict';
import type { EmbeddedJaeger } from '../../../embedded-jaeger/index.ts';
import { encodeBatch, type FakeSpan } from '../../../scripts/attack/thriftBatch.ts';

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

/** `spans` spans in batches of 100 from 10 traces of 10, 8 tags a span; every fifth batch over OTLP. */
export async function fillStore(j: EmbeddedJaeger, spans = 200_000): Promise<void> {
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
