// Thrift binary protocol reader (TBinaryProtocol): the collector's HTTP body and the agent's port 6832.
import { fast } from './stringTable.ts';
import {
  MSG_CALL,
  T_STOP,
  ThriftDecodeError,
  type MessageHeader,
  type ThriftReader,
  partsToNumber,
  skipValue,
  truncated,
} from './thriftReader.ts';

const VERSION_MASK = 0xffff0000;
const VERSION_1 = 0x80010000;

export class BinaryReader implements ThriftReader {
  pos: number;
  fieldId = 0;
  elemType = 0;
  keyType = 0;
  hi = 0;
  lo = 0;
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  private need(n: number): number {
    const at = this.pos;
    if (at + n > this.end) throw truncated(n, at, this.end - at);
    this.pos = at + n;
    return at;
  }

  readMessageBegin(): MessageHeader {
    const first = this.readI32();
    if (first < 0) {
      // Strict header: version word, then name, then sequence id.
      if ((first & VERSION_MASK) >>> 0 !== VERSION_1) {
        throw new ThriftDecodeError(`not a Thrift binary message: bad version word 0x${(first >>> 0).toString(16)}`);
      }
      const type = first & 0xff;
      const name = this.readString();
      return { name, type, seqId: this.readI32() };
    }
    // Old non-strict header: the name's length comes first.
    this.pos -= 4;
    const name = this.readString();
    const type = this.readByte();
    return { name, type: type || MSG_CALL, seqId: this.readI32() };
  }

  structBegin(): void {}
  structEnd(): void {}

  readFieldBegin(): number {
    const b = this.buf;
    const at = this.pos;
    if (at >= this.end) throw truncated(1, at, 0);
    const type = b[at]!;
    if (type === T_STOP) {
      this.pos = at + 1;
      return T_STOP;
    }
    if (at + 3 > this.end) throw truncated(3, at, this.end - at);
    this.pos = at + 3;
    this.fieldId = ((b[at + 1]! << 24) | (b[at + 2]! << 16)) >> 16;
    return type;
  }

  readBool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }

  readByte(): number {
    return this.buf.readInt8(this.need(1));
  }

  readI16(): number {
    return this.buf.readInt16BE(this.need(2));
  }

  readI32(): number {
    const at = this.need(4);
    const b = this.buf;
    return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
  }

  readI64Parts(): void {
    const at = this.need(8);
    const b = this.buf;
    this.hi = ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
    this.lo = ((b[at + 4]! << 24) | (b[at + 5]! << 16) | (b[at + 6]! << 8) | b[at + 7]!) >>> 0;
  }

  readI64Number(): number {
    this.readI64Parts();
    return partsToNumber(this.hi, this.lo);
  }

  readI64Hex(): string {
    const at = this.need(8);
    return fast(this.buf).hexSlice(at, at + 8);
  }

  readDouble(): number {
    return this.buf.readDoubleBE(this.need(8));
  }

  private readLength(what: string): number {
    const len = this.readI32();
    if (len < 0) throw new ThriftDecodeError(`negative ${what} length ${len} at offset ${this.pos - 4}`);
    if (len > this.end - this.pos) throw truncated(len, this.pos, this.end - this.pos);
    return len;
  }

  readString(): string {
    const len = this.readLength('string');
    const at = this.pos;
    this.pos = at + len;
    return this.buf.toString('utf8', at, at + len);
  }

  readBinaryRange(): number {
    const len = this.readLength('binary');
    const at = this.pos;
    this.pos = at + len;
    return at;
  }

  readListBegin(): number {
    this.elemType = this.buf[this.need(1)]!;
    const n = this.readI32();
    // Each element takes at least one byte, so a larger count cannot be honest.
    if (n < 0 || n > this.end - this.pos) throw new ThriftDecodeError(`list of ${n} elements cannot fit in ${this.end - this.pos} bytes`);
    return n;
  }

  readMapBegin(): number {
    const at = this.need(2);
    this.keyType = this.buf[at]!;
    this.elemType = this.buf[at + 1]!;
    const n = this.readI32();
    if (n < 0 || n * 2 > this.end - this.pos) throw new ThriftDecodeError(`map of ${n} entries cannot fit in ${this.end - this.pos} bytes`);
    return n;
  }

  skip(type: number, depth: number): void {
    skipValue(this, type, depth);
  }
}
