// Test-only collector: decodes what jaeger-client really sent (thriftrw + jaeger-client's own IDL) and what the OTel service sent (OTLP, OpenTelemetry's protos), an oracle independent of ours.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { capturedFromOtlp } from './otlpCapture.ts';

const require = createRequire(import.meta.url);
const { Thrift } = require('thriftrw') as {
  Thrift: new (o: {
    source: string;
    allowOptionalArguments: boolean;
  }) => {
    Batch: { rw: { readFrom(buf: Buffer, offset: number): { err: Error | null; value: ThriftBatch } } };
  };
};

interface ThriftTag {
  key: string;
  vType: string;
  vStr?: string | null;
  vDouble?: number | null;
  vBool?: boolean | null;
  vLong?: Buffer | null;
}
interface ThriftSpan {
  traceIdLow: Buffer;
  traceIdHigh: Buffer;
  spanId: Buffer;
  parentSpanId: Buffer;
  operationName: string;
  startTime: Buffer;
  duration: Buffer;
  tags?: ThriftTag[] | null;
  logs?: { timestamp: Buffer; fields: ThriftTag[] }[] | null;
  references?: { refType: string | number; spanId: Buffer }[] | null;
}
interface ThriftBatch {
  process: { serviceName: string };
  spans: ThriftSpan[];
}

/** A decoded span in the shape the tests reason about. */
export interface CapturedSpan {
  traceID: string;
  spanID: string;
  parentSpanID: string;
  service: string;
  operation: string;
  startUs: number;
  durationUs: number;
  tags: Record<string, string | number | boolean>;
  logs: { timestampUs: number; fields: Record<string, string | number | boolean> }[];
  /** Explicit references only (jaeger-client sends CHILD_OF as parentSpanId, not here). */
  references?: { refType: 'CHILD_OF' | 'FOLLOWS_FROM'; spanID: string }[];
  /** Which way it came: jaeger-client's Thrift over HTTP, or OTLP/HTTP from the OpenTelemetry SDK. */
  door?: 'thrift' | 'otlp';
  /** The process's (resource's) tags, for the OTLP door only. */
  processTags?: Record<string, string | number | boolean>;
}

const hex = (b: Buffer) => b.toString('hex');
const int64 = (b: Buffer) => Number(b.readBigInt64BE(0));
const tagValue = (t: ThriftTag): string | number | boolean => {
  switch (t.vType) {
    case 'DOUBLE':
      return t.vDouble ?? 0;
    case 'BOOL':
      return t.vBool ?? false;
    case 'LONG':
      return t.vLong ? int64(t.vLong) : 0;
    default:
      return t.vStr ?? '';
  }
};

export async function startThriftCapture() {
  const idl = readFileSync(require.resolve('jaeger-client/dist/src/jaeger-idl/thrift/jaeger.thrift'), 'utf8');
  const thrift = new Thrift({ source: idl, allowOptionalArguments: true });
  const spans: CapturedSpan[] = [];
  let batches = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        try {
          spans.push(...capturedFromOtlp(Buffer.concat(chunks)));
        } catch (e) {
          res.writeHead(400).end(String(e));
          return;
        }
        batches++;
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        return;
      }
      const { err, value } = thrift.Batch.rw.readFrom(Buffer.concat(chunks), 0);
      if (err) {
        res.writeHead(400).end(String(err));
        return;
      }
      batches++;
      for (const s of value.spans) {
        spans.push({
          traceID: hex(s.traceIdLow),
          spanID: hex(s.spanId),
          parentSpanID: hex(s.parentSpanId),
          service: value.process.serviceName,
          operation: s.operationName,
          startUs: int64(s.startTime),
          durationUs: int64(s.duration),
          tags: Object.fromEntries((s.tags ?? []).map((t) => [t.key, tagValue(t)])),
          logs: (s.logs ?? []).map((l) => ({
            timestampUs: int64(l.timestamp),
            fields: Object.fromEntries(l.fields.map((t) => [t.key, tagValue(t)])),
          })),
          references: (s.references ?? []).map((r) => ({
            refType: r.refType === 'FOLLOWS_FROM' || r.refType === 1 ? 'FOLLOWS_FROM' : 'CHILD_OF',
            spanID: hex(r.spanId),
          })),
          door: 'thrift',
        });
      }
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}/api/traces`,
    spans,
    batches: () => batches,
    trace: (traceID: string) => spans.filter((s) => s.traceID === traceID),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
export type ThriftCapture = Awaited<ReturnType<typeof startThriftCapture>>;
