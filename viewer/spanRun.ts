// The growing columns of one spans list as it is read from a file's bytes, and the span ID lookup built from them.
import { ByteInterner, Bytes, Nums } from './byteColumns.ts';
import { NEWLINE, type SpanSink } from './spanReader.ts';

/** A span the ordinary parse would reject or word differently: the caller lets it do so. */
export class SpanNotPlain extends Error {
  override name = 'SpanNotPlain';
}

export class SpanRun {
  readonly ops = new ByteInterner();
  readonly procs = new ByteInterner();
  readonly idFrom = new Nums();
  readonly idTo = new Nums();
  /** FNV-1a of each span's ID, and of each reference's: the span ID table is built from these. */
  readonly idHash = new Nums();
  readonly ids = new Bytes();
  readonly startTime = new Nums();
  readonly duration = new Nums();
  readonly operation = new Nums();
  readonly process = new Nums();
  readonly error = new Nums();
  /** Span i's references are refFrom/refTo/refKind[refOffset[i] … refOffset[i+1]). */
  readonly refOffset = new Nums();
  readonly refFrom = new Nums();
  readonly refTo = new Nums();
  readonly refKind = new Nums();
  readonly refHash = new Nums();
  readonly ranges = new Nums();
  readonly search = new Bytes();
  readonly sink: SpanSink = { ops: this.ops, procs: this.procs, refFrom: this.refFrom, refTo: this.refTo, refKind: this.refKind, refHash: this.refHash, search: this.search, span: { idAt: -1, idEnd: -1, idHash: 0, start: NaN, dur: NaN, op: -1, proc: -1, isError: false } };

  constructor() {
    this.refOffset.push(0);
  }

  get count(): number {
    return this.idFrom.length;
  }

  /** The span just read (sink.span, bytes [from, to) of b) into the columns: only once its separator is in, so a cut never counts it twice. */
  keep(b: Uint8Array, from: number, to: number): void {
    const s = this.sink.span;
    if (s.idAt < 0 || !Number.isFinite(s.start) || !Number.isFinite(s.dur)) throw new SpanNotPlain(`a span without a plain spanID, startTime or duration at byte ${from}`);
    this.idFrom.push(s.idAt);
    this.idTo.push(s.idEnd);
    this.idHash.push(s.idHash);
    if (this.ids.len > 0) this.ids.byte(NEWLINE);
    this.ids.push(b, s.idAt, s.idEnd);
    this.startTime.push(s.start);
    this.duration.push(s.dur);
    this.operation.push(s.op >= 0 ? s.op : this.ops.of(b, -1, 0));
    this.process.push(s.proc >= 0 ? s.proc : this.procs.of(b, -1, 0));
    this.error.push(s.isError ? 1 : 0);
    this.refOffset.push(this.refFrom.length);
    this.ranges.push(from);
    this.ranges.push(to);
    this.search.byte(NEWLINE);
  }

  /** Forgets the references and words of a span that was cut short (it is read again once more bytes are in). */
  rollBack(refs: number, words: number): void {
    this.refFrom.n = this.refTo.n = this.refKind.n = this.refHash.n = refs;
    this.search.len = words;
  }

}

/**
 * For each reference (bytes [refFrom, refTo) of b, hashed refHash), the index of the first span with that ID, or −1.
 * Span i's ID is ids[idOffset[i] … idOffset[i+1] − 1), hashed idHash[i]: an open-addressing table keyed by the hashes,
 * with the bytes compared only when the hashes agree, in the compact ID list rather than across the whole file.
 */
export function refTargets(b: Uint8Array, ids: Uint8Array, idOffset: Int32Array, idHash: Float64Array, refFrom: Float64Array, refTo: Float64Array, refHash: Float64Array): Int32Array {
  const n = idHash.length;
  const size = 1 << Math.ceil(Math.log2(n * 2 + 2));
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  const tableHash = new Int32Array(size);
  const sameID = (i: number, k: number): boolean => {
    // Each ID is followed by a newline in the list, except the last: lengths leave it out.
    const from = idOffset[i]!;
    const len = idOffset[i + 1]! - from - 1;
    const at = idOffset[k]!;
    if (idOffset[k + 1]! - at - 1 !== len) return false;
    for (let j = 0; j < len; j++) if (ids[from + j] !== ids[at + j]) return false;
    return true;
  };
  for (let i = 0; i < n; i++) {
    const h = idHash[i]! | 0;
    let slot = h & mask;
    for (;;) {
      const k = table[slot]!;
      if (k < 0) {
        table[slot] = i;
        tableHash[slot] = h;
        break;
      }
      // A repeated ID stays with its first span.
      if (tableHash[slot] === h && sameID(i, k)) break;
      slot = (slot + 1) & mask;
    }
  }
  const target = new Int32Array(refFrom.length);
  for (let r = 0; r < refFrom.length; r++) {
    const h = refHash[r]! | 0;
    const from = refFrom[r]! | 0;
    const len = (refTo[r]! | 0) - from;
    let slot = h & mask;
    let k: number;
    for (;;) {
      k = table[slot]!;
      if (k < 0) break;
      if (tableHash[slot] === h && idOffset[k + 1]! - idOffset[k]! - 1 === len) {
        const at = idOffset[k]!;
        let j = 0;
        while (j < len && b[from + j] === ids[at + j]) j++;
        if (j === len) break;
      }
      slot = (slot + 1) & mask;
    }
    target[r] = k;
  }
  return target;
}
