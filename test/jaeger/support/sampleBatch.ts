// Small synthetic batches for tests and the bench: n spans of one trace, a root and its children.
import type { PlainBatch, PlainSpan } from '../../../devkit/plainBatch.ts';

export interface SampleOptions {
  traceIdLow: bigint;
  traceIdHigh?: bigint;
  spans?: number;
  service?: string;
  operation?: string;
  startTime?: number;
  duration?: number;
  /** Id of the first span; the others follow it. */
  firstSpanId?: bigint;
}

export function sampleBatch(o: SampleOptions): PlainBatch {
  const n = o.spans ?? 3;
  const first = o.firstSpanId ?? 1n;
  const start = o.startTime ?? 1_700_000_000_000_000;
  const spans: PlainSpan[] = [];
  for (let i = 0; i < n; i++) {
    spans.push({
      traceIdHigh: o.traceIdHigh ?? 0n,
      traceIdLow: o.traceIdLow,
      spanId: first + BigInt(i),
      parentSpanId: i === 0 ? 0n : first,
      operationName: i === 0 ? (o.operation ?? 'GET /orders') : `child ${i}`,
      references: [],
      flags: 1,
      startTime: start + i * 10,
      duration: i === 0 ? (o.duration ?? 5_000) : 100,
      tags: [
        { key: 'span.kind', type: 'string', value: i === 0 ? 'server' : 'client' },
        { key: 'http.status_code', type: 'int64', value: 200n },
        { key: 'error', type: 'bool', value: false },
      ],
      logs: i === 0 ? [{ timestamp: start + 1, fields: [{ key: 'event', type: 'string', value: 'accepted' }] }] : [],
    });
  }
  return { process: { serviceName: o.service ?? 'orders', tags: [{ key: 'hostname', type: 'string', value: 'test-host' }] }, spans };
}
