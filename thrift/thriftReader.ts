// The protocol-neutral reading surface both Thrift decoders implement, plus the shared limits and error type.

/** Thrift value types, numbered as the binary protocol numbers them; the compact reader maps onto these. */
export const T_STOP = 0;
export const T_BOOL = 2;
export const T_BYTE = 3;
export const T_DOUBLE = 4;
export const T_I16 = 6;
export const T_I32 = 8;
export const T_I64 = 10;
export const T_STRING = 11;
export const T_STRUCT = 12;
export const T_MAP = 13;
export const T_SET = 14;
export const T_LIST = 15;

/** Message types of a Thrift message header. */
export const MSG_CALL = 1;
export const MSG_ONEWAY = 4;

/** Nesting deeper than this is hostile: Jaeger's own structures are 4 levels deep. */
export const MAX_DEPTH = 32;

/** Every decode failure carries a reason fit for an HTTP 400 body and a log line. */
export class ThriftDecodeError extends Error {
  override name = 'ThriftDecodeError';
}

export interface MessageHeader {
  name: string;
  type: number;
  seqId: number;
}

/**
 * Reads one Thrift-encoded buffer front to back. Every read checks the bytes left first, so a
 * truncated or hostile input ends in a ThriftDecodeError, never an out-of-range read or a huge
 * allocation (collection sizes are checked against the bytes that remain).
 */
export interface ThriftReader {
  /** Byte offset of the next read. */
  pos: number;
  /** After readFieldBegin: the field id. */
  fieldId: number;
  /** After readListBegin/readSetBegin: the element type; after readMapBegin: the value type. */
  elemType: number;
  /** After readMapBegin: the key type. */
  keyType: number;
  /** After readI64Parts: the high and low 32 bits (unsigned). */
  hi: number;
  lo: number;

  readMessageBegin(): MessageHeader;
  structBegin(): void;
  structEnd(): void;
  /** Returns the field's type, or T_STOP at the end of a struct. */
  readFieldBegin(): number;
  readBool(): boolean;
  readByte(): number;
  readI16(): number;
  readI32(): number;
  /** A 64-bit integer into `hi`/`lo`, exactly. */
  readI64Parts(): void;
  /** A 64-bit integer as a JS number; exact within ±2^53. */
  readI64Number(): number;
  /** A 64-bit integer as 16 lowercase hex digits (span ids). */
  readI64Hex(): string;
  readDouble(): number;
  readString(): string;
  /** Skips over a binary value and returns where its bytes start; they end at `pos` (no copy). */
  readBinaryRange(): number;
  readListBegin(): number;
  readMapBegin(): number;
  /** Skips a value of any type, depth-limited. */
  skip(type: number, depth: number): void;
  readonly buf: Buffer;
  readonly end: number;
}

export function truncated(need: number, at: number, left: number): ThriftDecodeError {
  return new ThriftDecodeError(`truncated: needed ${need} byte(s) at offset ${at}, ${Math.max(0, left)} left`);
}

/** Signed 64-bit value from unsigned halves as a JS number (exact when within ±2^53). */
export function partsToNumber(hi: number, lo: number): number {
  return (hi | 0) * 4294967296 + (lo >>> 0);
}

/** True when the signed 64-bit value of hi/lo lies within ±(2^53−1). */
export function partsAreSafe(hi: number, lo: number): boolean {
  const h = hi | 0;
  if (h >= 0) return h < 0x200000;
  return h > -0x200000 || (h === -0x200000 && lo >>> 0 !== 0);
}

/** Decimal text of the signed 64-bit value, for longs beyond 2^53 (rare: BigInt only here). */
export function partsToDecimal(hi: number, lo: number): string {
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)).toString();
}

const hexScratch = Buffer.alloc(16);

/** 16 hex digits of a 64-bit value given as unsigned halves. */
export function hex64(hi: number, lo: number): string {
  hexScratch.writeUInt32BE(hi >>> 0, 0);
  hexScratch.writeUInt32BE(lo >>> 0, 4);
  return hexScratch.toString('hex', 0, 8);
}

/** Lowercase hex as Jaeger prints trace ids: 16 digits, or 32 when the high half is not zero. */
export function hexTrace(hiHi: number, hiLo: number, loHi: number, loLo: number): string {
  if (hiHi === 0 && hiLo === 0) return hex64(loHi, loLo);
  return hex64(hiHi, hiLo) + hex64(loHi, loLo);
}

/** Shared skip logic: walks any value using the reader's own primitives. */
export function skipValue(r: ThriftReader, type: number, depth: number): void {
  if (depth > MAX_DEPTH) throw new ThriftDecodeError(`nesting deeper than ${MAX_DEPTH} at offset ${r.pos}`);
  switch (type) {
    case T_BOOL:
      r.readBool();
      return;
    case T_BYTE:
      r.readByte();
      return;
    case T_I16:
      r.readI16();
      return;
    case T_I32:
      r.readI32();
      return;
    case T_I64:
      r.readI64Parts();
      return;
    case T_DOUBLE:
      r.readDouble();
      return;
    case T_STRING:
      r.readBinaryRange();
      return;
    case T_STRUCT: {
      r.structBegin();
      for (let t = r.readFieldBegin(); t !== T_STOP; t = r.readFieldBegin()) skipValue(r, t, depth + 1);
      r.structEnd();
      return;
    }
    case T_LIST:
    case T_SET: {
      const n = r.readListBegin();
      const et = r.elemType;
      for (let i = 0; i < n; i++) skipValue(r, et, depth + 1);
      return;
    }
    case T_MAP: {
      const n = r.readMapBegin();
      const kt = r.keyType;
      const vt = r.elemType;
      for (let i = 0; i < n; i++) {
        skipValue(r, kt, depth + 1);
        skipValue(r, vt, depth + 1);
      }
      return;
    }
    default:
      throw new ThriftDecodeError(`unknown Thrift type ${type} at offset ${r.pos}`);
  }
}
