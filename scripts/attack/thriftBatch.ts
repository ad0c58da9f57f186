// A minimal Thrift-binary writer for jaeger.thrift Batches, so the attack script can fill a store over the collector's HTTP door.

/** Grows as it writes; big-endian like Thrift's binary protocol. */
class Writer {
  private buf = Buffer.alloc(64 * 1024);
  private at = 0;

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }
  byte(v: number): void {
    this.room(1);
    this.buf.writeInt8(v, this.at);
    this.at += 1;
  }
  i16(v: number): void {
    this.room(2);
    this.buf.writeInt16BE(v, this.at);
    this.at += 2;
  }
  i32(v: number): void {
    this.room(4);
    this.buf.writeInt32BE(v, this.at);
    this.at += 4;
  }
  i64(v: bigint): void {
    this.room(8);
    this.buf.writeBigInt64BE(BigInt.asIntN(64, v), this.at);
    this.at += 8;
  }
  str(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.i32(bytes.length);
    this.room(bytes.length);
    bytes.copy(this.buf, this.at);
    this.at += bytes.length;
  }
  field(type: number, id: number): void {
    this.byte(type);
    this.i16(id);
  }
  stop(): void {
    this.byte(0);
  }
  list(elemType: number, size: number): void {
    this.byte(elemType);
    this.i32(size);
  }
  done(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

const T_I32 = 8;
const T_I64 = 10;
const T_STRING = 11;
const T_STRUCT = 12;
const T_LIST = 15;

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

function writeTags(w: Writer, tags: [string, string][]): void {
  w.list(T_STRUCT, tags.length);
  for (const [k, v] of tags) {
    w.field(T_STRING, 1);
    w.str(k);
    w.field(T_I32, 2);
    w.i32(0); // STRING
    w.field(T_STRING, 3);
    w.str(v);
    w.stop();
  }
}

/** A Batch as the collector's `POST /api/traces` takes it (a bare binary-encoded struct). */
export function encodeBatch(serviceName: string, spans: FakeSpan[]): Buffer {
  const w = new Writer();
  w.field(T_STRUCT, 1); // process
  w.field(T_STRING, 1);
  w.str(serviceName);
  w.stop();
  w.field(T_LIST, 2);
  w.list(T_STRUCT, spans.length);
  for (const s of spans) {
    w.field(T_I64, 1);
    w.i64(s.traceIdLow);
    w.field(T_I64, 2);
    w.i64(0n);
    w.field(T_I64, 3);
    w.i64(s.spanId);
    w.field(T_I64, 4);
    w.i64(s.parentSpanId);
    w.field(T_STRING, 5);
    w.str(s.operationName);
    w.field(T_I32, 7);
    w.i32(1);
    w.field(T_I64, 8);
    w.i64(BigInt(s.startTimeUs));
    w.field(T_I64, 9);
    w.i64(BigInt(s.durationUs));
    w.field(T_LIST, 10);
    writeTags(w, s.tags);
    w.stop();
  }
  w.stop();
  return w.done();
}
