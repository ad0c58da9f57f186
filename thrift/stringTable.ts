// Turns short Thrift strings into shared JS strings straight from their bytes, so repeated names cost no allocation.

// Node's Buffer has per-encoding slice methods that skip toString()'s argument handling.
interface FastSlices {
  utf8Slice(start: number, end: number): string;
  hexSlice(start: number, end: number): string;
  base64Slice(start: number, end: number): string;
  latin1Slice(start: number, end: number): string;
}
export const fast = (b: Buffer): FastSlices => b as unknown as FastSlices;

/** Bytes [start, end) as Latin-1 text, one char per byte (a key that compares bytes as a string). */
export function latin1Text(b: Buffer, start: number, end: number): string {
  return fast(b).latin1Slice(start, end);
}

/** Bytes [start, end) as base64 (Jaeger JSON's form of a binary tag). */
export function base64Text(b: Buffer, start: number, end: number): string {
  return fast(b).base64Slice(start, end);
}

const SLOTS = 16_384;
const MAX_LEN = 48;

/**
 * A direct-mapped cache keyed by the bytes themselves (FNV-1a over the ends, then a full byte compare).
 * A hit returns the string made last time; a miss makes it and takes the slot. Fixed size,
 * so hostile input can only thrash it, never grow it.
 */
export class StringTable {
  private readonly bytes = new Uint8Array(SLOTS * MAX_LEN);
  private readonly lens = new Int16Array(SLOTS).fill(-1);
  private readonly strs: string[] = new Array<string>(SLOTS).fill('');

  get(buf: Buffer, start: number, end: number): string {
    const len = end - start;
    if (len === 0) return '';
    if (len > MAX_LEN) return fast(buf).utf8Slice(start, end);
    // Hash the ends only (where names and values differ); the byte compare below decides.
    let h = 0x811c9dc5 ^ len;
    const headEnd = len > 8 ? start + 4 : end;
    for (let i = start; i < headEnd; i++) h = Math.imul(h ^ buf[i]!, 16777619);
    if (len > 8) for (let i = end - 4; i < end; i++) h = Math.imul(h ^ buf[i]!, 16777619);
    const slot = (h >>> 0) & (SLOTS - 1);
    const base = slot * MAX_LEN;
    const bytes = this.bytes;
    if (this.lens[slot] === len) {
      let j = 0;
      while (j < len && bytes[base + j] === buf[start + j]) j++;
      if (j === len) return this.strs[slot]!;
    }
    const s = fast(buf).utf8Slice(start, end);
    bytes.set(buf.subarray(start, end), base);
    this.lens[slot] = len;
    this.strs[slot] = s;
    return s;
  }
}
