// jaeger.thrift Batches of made-up spans, written with the project's Thrift writer, so the attack script can fill a store over the collector's HTTP door.
import { BinaryWriter, T_I32, T_I64, T_LIST, T_STRING, T_STRUCT } from '../../thrift/index.ts';

/** A 64-bit id or time as Thrift's i64, in the two 32-bit halves the writer takes. */
function writeI64(w: BinaryWriter, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  w.writeI64Parts(Number(u >> 32n), Number(u & 0xffff_ffffn));
}

export interface FakeSpan {
  traceIdLow: bigint;
  spanId: bigint;
  parentSpanId: bigint;
  operationName: string;
  startTimeUs: number;
  durationUs: number;
  /** String tags only: enough to make rendering and searching cost what real spans cost. */
  tags: [string, string][];
}

function writeTags(w: BinaryWriter, tags: [string, string][]): void {
  w.writeListBegin(T_STRUCT, tags.length);
  for (const [k, v] of tags) {
    w.writeFieldBegin(T_STRING, 1);
    w.writeString(k);
    w.writeFieldBegin(T_I32, 2);
    w.writeI32(0); // STRING
    w.writeFieldBegin(T_STRING, 3);
    w.writeString(v);
    w.writeFieldStop();
  }
}

/** A Batch as the collector's `POST /api/traces` takes it (a bare binary-encoded struct). */
export function encodeBatch(serviceName: string, spans: FakeSpan[]): Buffer {
  const w = new BinaryWriter();
  w.writeFieldBegin(T_STRUCT, 1); // process
  w.writeFieldBegin(T_STRING, 1);
  w.writeString(serviceName);
  w.writeFieldStop();
  w.writeFieldBegin(T_LIST, 2);
  w.writeListBegin(T_STRUCT, spans.length);
  for (const s of spans) {
    w.writeFieldBegin(T_I64, 1);
    writeI64(w, s.traceIdLow);
    w.writeFieldBegin(T_I64, 2);
    writeI64(w, 0n);
    w.writeFieldBegin(T_I64, 3);
    writeI64(w, s.spanId);
    w.writeFieldBegin(T_I64, 4);
    writeI64(w, s.parentSpanId);
    w.writeFieldBegin(T_STRING, 5);
    w.writeString(s.operationName);
    w.writeFieldBegin(T_I32, 7);
    w.writeI32(1);
    w.writeFieldBegin(T_I64, 8);
    writeI64(w, BigInt(s.startTimeUs));
    w.writeFieldBegin(T_I64, 9);
    writeI64(w, BigInt(s.durationUs));
    w.writeFieldBegin(T_LIST, 10);
    writeTags(w, s.tags);
    w.writeFieldStop();
  }
  w.writeFieldStop();
  return w.bytes();
}
