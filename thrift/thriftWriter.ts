// Minimal Thrift compact and binary writers plus a protocol transcoder: the mesh's span reporter and the forwarder to a real Jaeger.
// Over 300 lines: the compact and binary writers mirror each other method for method, and the transcoder walks both.
import {
  MSG_ONEWAY,
  T_BOOL,
  T_BYTE,
  T_DOUBLE,
  T_I16,
  T_I32,
  T_I64,
  T_LIST,
  T_MAP,
  T_SET,
  T_STOP,
  T_STRING,
  T_STRUCT,
  MAX_DEPTH,
  ThriftDecodeError,
  type ThriftReader,
} from './thriftReader.ts';

abstract class ByteSink {
  /** Replaced when it grows: always take the offset from room() before touching buf. */
  protected buf = Buffer.allocUnsafe(1024);
  protected len = 0;

  protected room(n: number): number {
    if (this.len + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    const at = this.len;
    this.len += n;
    return at;
  }

  protected u8(b: number): void {
    const at = this.room(1);
    this.buf[at] = b & 0xff;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

export interface ThriftWriter {
  structBegin(): void;
  structEnd(): void;
  writeFieldBegin(type: number, id: number): void;
  writeBoolField(id: number, v: boolean): void;
  writeFieldStop(): void;
  writeBool(v: boolean): void;
  writeByte(v: number): void;
  writeI16(v: number): void;
  writeI32(v: number): void;
  writeI64Parts(hi: number, lo: number): void;
  writeDouble(v: number): void;
  writeBinary(src: Buffer, start: number, end: number): void;
  writeListBegin(elemType: number, n: number): void;
  writeMapBegin(keyType: number, valueType: number, n: number): void;
  bytes(): Buffer;
}

export class BinaryWriter extends ByteSink implements ThriftWriter {
  structBegin(): void {}
  structEnd(): void {}
  writeFieldBegin(type: number, id: number): void {
    this.u8(type);
    const at = this.room(2);
    this.buf.writeInt16BE(id, at);
  }
  writeBoolField(id: number, v: boolean): void {
    this.writeFieldBegin(T_BOOL, id);
    this.u8(v ? 1 : 0);
  }
  writeFieldStop(): void {
    this.u8(T_STOP);
  }
  writeBool(v: boolean): void {
    this.u8(v ? 1 : 0);
  }
  writeByte(v: number): void {
    this.u8(v);
  }
  writeI16(v: number): void {
    const at = this.room(2);
    this.buf.writeInt16BE(v, at);
  }
  writeI32(v: number): void {
    const at = this.room(4);
    this.buf.writeInt32BE(v | 0, at);
  }
  writeI64Parts(hi: number, lo: number): void {
    const at = this.room(8);
    this.buf.writeUInt32BE(hi >>> 0, at);
    this.buf.writeUInt32BE(lo >>> 0, at + 4);
  }
  writeDouble(v: number): void {
    const at = this.room(8);
    this.buf.writeDoubleBE(v, at);
  }
  writeBinary(src: Buffer, start: number, end: number): void {
    this.writeI32(end - start);
    const at = this.room(end - start);
    src.copy(this.buf, at, start, end);
  }
  /** A string as UTF-8 straight into the buffer (no Buffer per string): room for the worst case, one pass, then the length in front. */
  writeString(s: string): void {
    const at = this.room(4 + 3 * s.length);
    const n = this.buf.write(s, at + 4, 'utf8');
    this.buf.writeInt32BE(n, at);
    this.len = at + 4 + n;
  }
  writeListBegin(elemType: number, n: number): void {
    this.u8(elemType);
    this.writeI32(n);
  }
  writeMapBegin(keyType: number, valueType: number, n: number): void {
    this.u8(keyType);
    this.u8(valueType);
    this.writeI32(n);
  }
}

const TO_COMPACT: Record<number, number> = {
  [T_BOOL]: 1,
  [T_BYTE]: 3,
  [T_I16]: 4,
  [T_I32]: 5,
  [T_I64]: 6,
  [T_DOUBLE]: 7,
  [T_STRING]: 8,
  [T_LIST]: 9,
  [T_SET]: 10,
  [T_MAP]: 11,
  [T_STRUCT]: 12,
};

function compactType(t: number): number {
  const c = TO_COMPACT[t];
  if (c === undefined) throw new ThriftDecodeError(`cannot write Thrift type ${t}`);
  return c;
}

export class CompactWriter extends ByteSink implements ThriftWriter {
  private lastId = 0;
  private readonly ids: number[] = [];

  private varint(v: number): void {
    let n = v >>> 0;
    while (n > 0x7f) {
      this.u8((n & 0x7f) | 0x80);
      n >>>= 7;
    }
    this.u8(n);
  }
  private fieldHeader(ctype: number, id: number): void {
    const delta = id - this.lastId;
    if (delta > 0 && delta <= 15) this.u8((delta << 4) | ctype);
    else {
      this.u8(ctype);
      this.varint((id << 1) ^ (id >> 31));
    }
    this.lastId = id;
  }
  writeMessageBegin(name: string, type: number, seqId: number): void {
    this.u8(0x82);
    this.u8(1 | (type << 5));
    this.varint(seqId);
    const s = Buffer.from(name, 'utf8');
    this.writeBinary(s, 0, s.length);
  }
  structBegin(): void {
    this.ids.push(this.lastId);
    this.lastId = 0;
  }
  structEnd(): void {
    this.lastId = this.ids.pop() ?? 0;
  }
  writeFieldBegin(type: number, id: number): void {
    this.fieldHeader(compactType(type), id);
  }
  writeBoolField(id: number, v: boolean): void {
    this.fieldHeader(v ? 1 : 2, id);
  }
  writeFieldStop(): void {
    this.u8(0);
  }
  writeBool(v: boolean): void {
    this.u8(v ? 1 : 2);
  }
  writeByte(v: number): void {
    this.u8(v);
  }
  writeI16(v: number): void {
    this.writeI32(v);
  }
  writeI32(v: number): void {
    this.varint(((v | 0) << 1) ^ ((v | 0) >> 31));
  }
  writeI64Parts(hi: number, lo: number): void {
    const sign = (hi | 0) >> 31;
    let h = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
    let l = ((lo << 1) ^ sign) >>> 0;
    while (h !== 0 || l > 0x7f) {
      this.u8((l & 0x7f) | 0x80);
      l = ((l >>> 7) | (h << 25)) >>> 0;
      h >>>= 7;
    }
    this.u8(l);
  }
  writeDouble(v: number): void {
    const at = this.room(8);
    this.buf.writeDoubleLE(v, at);
  }
  writeBinary(src: Buffer, start: number, end: number): void {
    this.varint(end - start);
    const at = this.room(end - start);
    src.copy(this.buf, at, start, end);
  }
  writeListBegin(elemType: number, n: number): void {
    const c = compactType(elemType);
    if (n < 15) this.u8((n << 4) | c);
    else {
      this.u8(0xf0 | c);
      this.varint(n);
    }
  }
  writeMapBegin(keyType: number, valueType: number, n: number): void {
    if (n === 0) return this.u8(0);
    this.varint(n);
    this.u8((compactType(keyType) << 4) | compactType(valueType));
  }
}

/** Copies one value from any reader to any writer, so a batch can change protocol without a model in between. */
export function copyValue(r: ThriftReader, w: ThriftWriter, type: number, depth = 0): void {
  if (depth > MAX_DEPTH) throw new ThriftDecodeError(`nesting deeper than ${MAX_DEPTH}`);
  switch (type) {
    case T_BOOL:
      return w.writeBool(r.readBool());
    case T_BYTE:
      return w.writeByte(r.readByte());
    case T_I16:
      return w.writeI16(r.readI16());
    case T_I32:
      return w.writeI32(r.readI32());
    case T_I64:
      r.readI64Parts();
      return w.writeI64Parts(r.hi, r.lo);
    case T_DOUBLE:
      return w.writeDouble(r.readDouble());
    case T_STRING: {
      const at = r.readBinaryRange();
      return w.writeBinary(r.buf, at, r.pos);
    }
    case T_STRUCT: {
      r.structBegin();
      w.structBegin();
      for (let t = r.readFieldBegin(); t !== T_STOP; t = r.readFieldBegin()) {
        if (t === T_BOOL) w.writeBoolField(r.fieldId, r.readBool());
        else {
          w.writeFieldBegin(t, r.fieldId);
          copyValue(r, w, t, depth + 1);
        }
      }
      w.writeFieldStop();
      r.structEnd();
      w.structEnd();
      return;
    }
    case T_LIST:
    case T_SET: {
      const n = r.readListBegin();
      const et = r.elemType;
      w.writeListBegin(et, n);
      for (let i = 0; i < n; i++) copyValue(r, w, et, depth + 1);
      return;
    }
    case T_MAP: {
      const n = r.readMapBegin();
      const kt = r.keyType;
      const vt = r.elemType;
      w.writeMapBegin(kt, vt, n);
      for (let i = 0; i < n; i++) {
        copyValue(r, w, kt, depth + 1);
        copyValue(r, w, vt, depth + 1);
      }
      return;
    }
    default:
      throw new ThriftDecodeError(`unknown Thrift type ${type}`);
  }
}

/** agent.thrift's emitBatch as a compact oneway message around an already-encoded Batch. */
export function compactEmitBatch(batch: ThriftReader, seqId: number): Buffer {
  const w = new CompactWriter();
  w.writeMessageBegin('emitBatch', MSG_ONEWAY, seqId);
  w.structBegin();
  w.writeFieldBegin(T_STRUCT, 1);
  copyValue(batch, w, T_STRUCT);
  w.writeFieldStop();
  w.structEnd();
  return w.bytes();
}
