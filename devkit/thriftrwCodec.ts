// Encodes and decodes jaeger.thrift with jaeger-client's own thriftrw and IDL: the reference codec, independent of ours.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PlainBatch, PlainTag } from './plainBatch.ts';

const require = createRequire(import.meta.url);
// biome-ignore lint/suspicious/noExplicitAny: thriftrw ships no types; its decoded structs are checked where they are read
const { Thrift } = require('thriftrw') as { Thrift: new (o: Record<string, unknown>) => any };
const clientDir = path.dirname(require.resolve('jaeger-client/package.json'));
const jaegerIdl = path.join(clientDir, 'dist/src/jaeger-idl/thrift/jaeger.thrift');
const agentIdl = path.join(clientDir, 'dist/src/thriftrw-idl/agent.thrift');

export const jaegerThrift = new Thrift({ entryPoint: jaegerIdl, allowFilesystemAccess: true, allowOptionalArguments: true });
const agentThrift = new Thrift({ entryPoint: agentIdl, allowFilesystemAccess: true, allowOptionalArguments: true });

function i64(v: bigint | number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt.asIntN(64, BigInt(v)));
  return b;
}

const TYPE_ENUM = { string: 'STRING', float64: 'DOUBLE', bool: 'BOOL', int64: 'LONG', binary: 'BINARY' } as const;

function tag(t: PlainTag): Record<string, unknown> {
  const out: Record<string, unknown> = { key: t.key, vType: TYPE_ENUM[t.type] };
  if (t.type === 'string') out.vStr = t.value;
  if (t.type === 'float64') out.vDouble = t.value;
  if (t.type === 'bool') out.vBool = t.value;
  if (t.type === 'int64') out.vLong = i64(t.value as bigint);
  if (t.type === 'binary') out.vBinary = t.value;
  return out;
}

export function thriftrwBatch(b: PlainBatch): unknown {
  return new jaegerThrift.Batch({
    process: new jaegerThrift.Process({ serviceName: b.process.serviceName, tags: b.process.tags.map(tag) }),
    spans: b.spans.map(
      (s) =>
        new jaegerThrift.Span({
          traceIdLow: i64(s.traceIdLow),
          traceIdHigh: i64(s.traceIdHigh),
          spanId: i64(s.spanId),
          parentSpanId: i64(s.parentSpanId),
          operationName: s.operationName,
          references: s.references.map((r) => ({
            refType: r.refType === 0 ? 'CHILD_OF' : 'FOLLOWS_FROM',
            traceIdLow: i64(r.traceIdLow),
            traceIdHigh: i64(r.traceIdHigh),
            spanId: i64(r.spanId),
          })),
          flags: s.flags,
          startTime: i64(s.startTime),
          duration: i64(s.duration),
          tags: s.tags.map(tag),
          logs: s.logs.map((l) => ({ timestamp: i64(l.timestamp), fields: l.fields.map(tag) })),
        }),
    ),
  });
}

function unwrap(r: { err: unknown; value: Buffer }): Buffer {
  if (r.err) throw r.err instanceof Error ? r.err : new Error(String(r.err));
  return r.value;
}

/** A bare binary Batch, as the collector's HTTP endpoint takes it. */
export function encodeBinaryBatch(b: PlainBatch): Buffer {
  return unwrap(jaegerThrift.Batch.rw.toBuffer(thriftrwBatch(b)));
}

/** A binary emitBatch message, as jaeger-client's UDPSender sends it to port 6832. */
export function encodeBinaryEmitBatch(b: PlainBatch): Buffer {
  const msg = new agentThrift.Agent.emitBatch.ArgumentsMessage({ version: 1, id: 0, body: { batch: thriftrwBatch(b) } });
  return unwrap(agentThrift.Agent.emitBatch.argumentsMessageRW.toBuffer(msg));
}

/** thriftrw's own decoding of a bare Batch: the baseline the bench compares against. */
export function thriftrwDecodeBatch(buf: Buffer): { spans: unknown[] } {
  return unwrap(jaegerThrift.Batch.rw.fromBuffer(buf)) as unknown as { spans: unknown[] };
}
