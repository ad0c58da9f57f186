// Thrift compact protocol reader (TCompactProtocol): the agent's UDP port 6831, as Jaeger's clients speak it.
import {
  MAX_DEPTH,
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
  ThriftDecodeError,
  type MessageHeader,
  type ThriftReader,
  hex64,
  partsToNumber,
  skipValue,
  truncated,
} from './thriftReader.ts';

const PROTOCOL_ID = 0x82;
const VERSION = 1;

/** Compact type nibble → the shared type numbers (index = compact code). */
const FROM_COMPACT: readonly number[] = [
  T_STOP,
  T_BOOL,
  T_BOOL,
  T_BYTE,
  T_I16,
  T_I32,
  T_I64,
  T_DOUBLE,
  T_STRING,
  T_LIST,
  T_SET,
  T_MAP,
  T_STRUCT,
];

function mapType(code: number, at: number): number {
  const t = FROM_COMPACT[code];
  if (t === undefined || code === 0) throw new ThriftDecodeError(`unknown compact type ${code} at offset ${at}`);
  return t;
}

export class CompactReader implements ThriftReader {
  pos: number;
  fieldId = 0;
  elemType = 0;
  keyType = 0;
  hi = 0;
  lo = 0;
  readonly end: number;
  private lastFieldId = 0;
  /** A bool field carries its value in the field header: 1 true, 0 false, -1 none pending. */
  private pendingBool = -1;
  private readonly idStack: number[] = [];

  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  private byte(): number {
    const at = this.pos;
    if (at >= this.end) throw truncated(1, at, 0);
    this.pos = at + 1;
    return this.buf[at]!;
  }

  private varint32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
    }
    throw new ThriftDecodeError(`varint longer than 5 bytes at offset ${this.pos}`);
  }

  private zigzag32(): number {
    const v = this.varint32();
    return (v >>> 1) ^ -(v & 1);
  }

  readMessageBegin(): MessageHeader {
    const id = this.byte();
    if (id !== PROTOCOL_ID) throw new ThriftDecodeError(`not a Thrift compact message: protocol id 0x${id.toString(16)}, expected 0x82`);
    const vt = this.byte();
    if ((vt & 0x1f) !== VERSION) throw new ThriftDecodeError(`unsupported compact protocol version ${vt & 0x1f}`);
    const seqId = this.varint32() | 0;
    const name = this.readString();
    return { name, type: (vt >> 5) & 0x07, seqId };
  }

  structBegin(): void {
    if (this.idStack.length > MAX_DEPTH * 2) throw new ThriftDecodeError(`nesting deeper than ${MAX_DEPTH} at offset ${this.pos}`);
    this.idStack.push(this.lastFieldId);
    this.lastFieldId = 0;
  }

  structEnd(): void {
    this.lastFieldId = this.idStack.pop() ?? 0;
  }

  readFieldBegin(): number {
    const at = this.pos;
    const b = this.byte();
    if (b === 0) return T_STOP;
    const delta = b >> 4;
    const code = b & 0x0f;
    const type = mapType(code, at);
    this.fieldId = delta === 0 ? (this.zigzag32() << 16) >> 16 : this.lastFieldId + delta;
    this.lastFieldId = this.fieldId;
    if (type === T_BOOL) this.pendingBool = code === 1 ? 1 : 0;
    return type;
  }

  readBool(): boolean {
    if (this.pendingBool >= 0) {
      const v = this.pendingBool === 1;
      this.pendingBool = -1;
      return v;
    }
    return this.byte() === 1;
  }

  readByte(): number {
    return (this.byte() << 24) >> 24;
  }

  readI16(): number {
    return (this.zigzag32() << 16) >> 16;
  }

  readI32(): number {
    return this.zigzag32();
  }

  readI64Parts(): void {
    const b = this.buf;
    const end = this.end;
    let p = this.pos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (;;) {
      if (p >= end) throw truncated(1, p, 0);
      const c = b[p++]!;
      if (shift < 28) lo |= (c & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (c & 0x0f) << 28;
        hi |= (c & 0x7f) >>> 4;
      } else hi |= (c & 0x7f) << (shift - 32);
      if ((c & 0x80) === 0) break;
      shift += 7;
      if (shift > 63) throw new ThriftDecodeError(`varint longer than 10 bytes at offset ${p}`);
    }
    this.pos = p;
    // Zigzag: the lowest bit is the sign.
    const neg = lo & 1;
    lo = ((lo >>> 1) | (hi << 31)) >>> 0;
    hi = hi >>> 1;
    if (neg) {
      lo = ~lo >>> 0;
      hi = ~hi >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }

  readI64Number(): number {
    this.readI64Parts();
    return partsToNumber(this.hi, this.lo);
  }

  readI64Hex(): string {
    this.readI64Parts();
    return hex64(this.hi, this.lo);
  }

  readDouble(): number {
    const at = this.pos;
    if (at + 8 > this.end) throw truncated(8, at, this.end - at);
    this.pos = at + 8;
    return this.buf.readDoubleLE(at);
  }

  private readLength(): number {
    const len = this.varint32();
    if (len > this.end - this.pos) throw truncated(len, this.pos, this.end - this.pos);
    return len;
  }

  readString(): string {
    const len = this.readLength();
    const at = this.pos;
    this.pos = at + len;
    return this.buf.toString('utf8', at, at + len);
  }

  readBinaryRange(): number {
    const len = this.readLength();
    const at = this.pos;
    this.pos = at + len;
    return at;
  }

  readListBegin(): number {
    const at = this.pos;
    const h = this.byte();
    let n = h >> 4;
    this.elemType = mapType(h & 0x0f, at);
    if (n === 15) n = this.varint32();
    // Each element takes at least one byte, so a larger count cannot be honest.
    if (n > this.end - this.pos) throw new ThriftDecodeError(`list of ${n} elements cannot fit in ${this.end - this.pos} bytes`);
    return n;
  }

  readMapBegin(): number {
    const n = this.varint32();
    if (n === 0) return 0;
    const at = this.pos;
    const kv = this.byte();
    this.keyType = mapType(kv >> 4, at);
    this.elemType = mapType(kv & 0x0f, at);
    if (n * 2 > this.end - this.pos) throw new ThriftDecodeError(`map of ${n} entries cannot fit in ${this.end - this.pos} bytes`);
    return n;
  }

  skip(type: number, depth: number): void {
    skipValue(this, type, depth);
  }
}
