// Growable byte buffers and names interned by their raw bytes, filled straight from a file's bytes by the span reader.

const BACKSLASH = 92;
const utf8 = new TextDecoder();

/** A growable byte buffer for the search lines and the span IDs. */
export class Bytes {
  buf = new Uint8Array(1 << 16);
  len = 0;
  push(src: Uint8Array, from: number, to: number): void {
    const need = this.len + (to - from);
    if (need > this.buf.length) {
      const bigger = new Uint8Array(Math.max(need, this.buf.length * 2));
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    // Short runs (most values) copy faster by hand than through a subarray view.
    const buf = this.buf;
    if (to - from < 48) for (let i = from, j = this.len; i < to; i++, j++) buf[j] = src[i]!;
    else buf.set(src.subarray(from, to), this.len);
    this.len = need;
  }
  byte(c: number): void {
    if (this.len === this.buf.length) this.push(new Uint8Array([c]), 0, 1);
    else this.buf[this.len++] = c;
  }
}

/** FNV-1a's starting value and multiplier (32-bit): the span reader hashes IDs with them as it reads. */
export const FNV_BASIS = 0x811c9dc5;
export const FNV_PRIME = 0x01000193;

/** FNV-1a over a byte range: the hash of IDs and names read without making strings of them. */
export function hashOf(b: Uint8Array, from: number, to: number): number {
  let h = FNV_BASIS;
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i]!, FNV_PRIME);
  // Kept to 30 bits: a small integer, never a boxed number, as a Map key.
  return h & 0x3fffffff;
}

export function sameBytes(b: Uint8Array, from: number, to: number, c: Uint8Array, cFrom: number, cTo: number): boolean {
  if (to - from !== cTo - cFrom) return false;
  for (let i = 0; i < to - from; i++) if (b[from + i] !== c[cFrom + i]) return false;
  return true;
}

/** The JSON string whose opening quote is at `at` and closing quote at `end`, escapes and non-ASCII decoded. */
export function decodeString(b: Uint8Array, at: number, end: number): string {
  let plain = end - at - 1 < 256;
  for (let i = at + 1; i < end && plain; i++) plain = b[i]! < 128 && b[i] !== BACKSLASH;
  if (plain) return String.fromCharCode.apply(null, b.subarray(at + 1, end) as unknown as number[]);
  for (let i = at + 1; i < end; i++) if (b[i] === BACKSLASH) return JSON.parse(utf8.decode(b.subarray(at, end + 1))) as string;
  return utf8.decode(b.subarray(at + 1, end));
}

/** Strings named by their raw bytes (operation names, process IDs): made once per distinct name. */
export class ByteInterner {
  readonly list: string[] = [];
  private readonly raw: Uint8Array[] = [];
  private readonly byHash = new Map<number, number[]>();
  /** The string whose quotes are at `at` and `end` (both −1: the empty name of a span without one). */
  of(b: Uint8Array, at: number, end: number): number {
    const from = at + 1;
    const h = hashOf(b, from, end);
    const seen = this.byHash.get(h);
    if (seen) for (const k of seen) if (sameBytes(b, from, end, this.raw[k]!, 0, this.raw[k]!.length)) return k;
    const k = this.list.length;
    this.list.push(at < 0 ? '' : decodeString(b, at, end));
    this.raw.push(b.slice(from, end));
    if (seen) seen.push(k);
    else this.byHash.set(h, [k]);
    return k;
  }
}
