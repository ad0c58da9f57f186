// A Thrift compact encoder written for the tests from the protocol spec, independent of the decoder under test.
import type { PlainBatch, PlainTag } from '../../../devkit/plainBatch.ts';

const CT = { boolTrue: 1, boolFalse: 2, i32: 5, i64: 6, double: 7, binary: 8, list: 9, struct: 12 } as const;

class Out {
  bytes: number[] = [];
  private last: number[] = [0];
  byte(b: number) {
    this.bytes.push(b & 0xff);
  }
  uvarint(v: bigint) {
    let x = BigInt.asUintN(64, v);
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }
  zigzag(v: bigint) {
    const n = BigInt.asIntN(64, v);
    this.uvarint(n >= 0n ? n << 1n : (-n << 1n) - 1n);
  }
  field(type: number, id: number) {
    const top = this.last.length - 1;
    const delta = id - this.last[top]!;
    if (delta > 0 && delta < 16) this.byte((delta << 4) | type);
    else {
      this.byte(type);
      this.zigzag(BigInt(id));
    }
    this.last[top] = id;
  }
  begin() {
    this.last.push(0);
  }
  end() {
    this.byte(0);
    this.last.pop();
  }
  str(s: string | Buffer) {
    const b = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    this.uvarint(BigInt(b.length));
    for (const x of b) this.byte(x);
  }
  double(d: number) {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(d);
    for (const x of b) this.byte(x);
  }
  listHeader(elemType: number, n: number) {
    if (n < 15) this.byte((n << 4) | elemType);
    else {
      this.byte(0xf0 | elemType);
      this.uvarint(BigInt(n));
    }
  }
}

const TAG_TYPE = { string: 0, float64: 1, bool: 2, int64: 3, binary: 4 } as const;

function writeTag(o: Out, t: PlainTag) {
  o.begin();
  o.field(CT.binary, 1);
  o.str(t.key);
  o.field(CT.i32, 2);
  o.zigzag(BigInt(t.typeNumber ?? TAG_TYPE[t.type]));
  if (t.type === 'string') {
    o.field(CT.binary, 3);
    o.str(t.value as string);
  } else if (t.type === 'float64') {
    o.field(CT.double, 4);
    o.double(t.value as number);
  } else if (t.type === 'bool') o.field(t.value ? CT.boolTrue : CT.boolFalse, 5);
  else if (t.type === 'int64') {
    o.field(CT.i64, 6);
    o.zigzag(t.value as bigint);
  } else {
    o.field(CT.binary, 7);
    o.str(t.value as Buffer);
  }
  o.end();
}

function writeTags(o: Out, id: number, tags: PlainTag[]) {
  o.field(CT.list, id);
  o.listHeader(CT.struct, tags.length);
  for (const t of tags) writeTag(o, t);
}

/** agent.thrift emitBatch(batch) as a compact oneway message: what a Jaeger client sends to port 6831. */
export function encodeCompactEmitBatch(b: PlainBatch, seqId = 0): Buffer {
  const o = new Out();
  o.byte(0x82);
  o.byte(1 | (4 << 5)); // version 1, ONEWAY
  o.uvarint(BigInt(seqId));
  o.str('emitBatch');
  o.begin(); // args
  o.field(CT.struct, 1);
  o.begin(); // Batch
  o.field(CT.struct, 1);
  o.begin(); // Process
  o.field(CT.binary, 1);
  o.str(b.process.serviceName);
  writeTags(o, 2, b.process.tags);
  o.end();
  o.field(CT.list, 2);
  o.listHeader(CT.struct, b.spans.length);
  for (const s of b.spans) {
    o.begin();
    o.field(CT.i64, 1);
    o.zigzag(s.traceIdLow);
    o.field(CT.i64, 2);
    o.zigzag(s.traceIdHigh);
    o.field(CT.i64, 3);
    o.zigzag(s.spanId);
    o.field(CT.i64, 4);
    o.zigzag(s.parentSpanId);
    o.field(CT.binary, 5);
    o.str(s.operationName);
    if (s.references.length) {
      o.field(CT.list, 6);
      o.listHeader(CT.struct, s.references.length);
      for (const r of s.references) {
        o.begin();
        o.field(CT.i32, 1);
        o.zigzag(BigInt(r.refType));
        o.field(CT.i64, 2);
        o.zigzag(r.traceIdLow);
        o.field(CT.i64, 3);
        o.zigzag(r.traceIdHigh);
        o.field(CT.i64, 4);
        o.zigzag(r.spanId);
        o.end();
      }
    }
    o.field(CT.i32, 7);
    o.zigzag(BigInt(s.flags));
    o.field(CT.i64, 8);
    o.zigzag(BigInt(s.startTime));
    o.field(CT.i64, 9);
    o.zigzag(BigInt(s.duration));
    if (s.tags.length) writeTags(o, 10, s.tags);
    if (s.logs.length) {
      o.field(CT.list, 11);
      o.listHeader(CT.struct, s.logs.length);
      for (const l of s.logs) {
        o.begin();
        o.field(CT.i64, 1);
        o.zigzag(BigInt(l.timestamp));
        writeTags(o, 2, l.fields);
        o.end();
      }
    }
    o.end();
  }
  if (b.seqNo !== undefined) {
    o.field(CT.i64, 3);
    o.zigzag(BigInt(b.seqNo));
  }
  if (b.clientStats) {
    o.field(CT.struct, 4);
    o.begin();
    o.field(CT.i64, 1);
    o.zigzag(BigInt(b.clientStats.fullQueueDroppedSpans));
    o.field(CT.i64, 2);
    o.zigzag(BigInt(b.clientStats.tooLargeDroppedSpans));
    o.field(CT.i64, 3);
    o.zigzag(BigInt(b.clientStats.failedToEmitSpans));
    o.end();
  }
  o.end(); // Batch
  o.end(); // args
  return Buffer.from(o.bytes);
}
