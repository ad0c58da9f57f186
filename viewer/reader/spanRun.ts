// The growing columns of one spans list as it is read from a file's bytes, and the span ID lookup built from them.
import { ByteInterner, Bytes, sameBytes } from './byteColumns.ts';
import { NEWLINE, type SpanSink } from './spanReader.ts';

/** The fast reader met something the ordinary parse should judge (it reads any file, and names what is wrong). */
export class ScanGaveUp extends Error {
  override name = 'ScanGaveUp';
}

/**
 * The references read so far: where each one's span ID is in the file, how it names its parent, and its hash.
 * Four columns that grow together, so adding one is one capacity check and four stores.
 */
export class RefColumns {
  n = 0;
  from = new Int32Array(1024);
  to = new Int32Array(1024);
  kind = new Uint8Array(1024);
  hash = new Int32Array(1024);
  add(from: number, to: number, kind: number, hash: number): void {
    const k = this.n;
    if (k === this.from.length) this.grow();
    this.from[k] = from;
    this.to[k] = to;
    this.kind[k] = kind;
    this.hash[k] = hash;
    this.n = k + 1;
  }
  private grow(): void {
    const size = this.from.length * 2;
    this.from = larger(this.from, size);
    this.to = larger(this.to, size);
    this.kind = larger(this.kind, size);
    this.hash = larger(this.hash, size);
  }
}

const MAX_POSITION = 0x7fffffff;

type Column = Int32Array | Uint32Array | Uint8Array | Float64Array;
function larger<T extends Column>(a: T, size: number): T {
  const bigger = new (a.constructor as new (n: number) => T)(size);
  bigger.set(a);
  return bigger;
}

/**
 * One spans list's columns as its spans are read. The per-span columns grow together (one capacity check per
 * span, then plain stores): at 100k spans, a growable object per column cost more than reading the tags.
 * Positions in the file are Int32: past 2 GiB the ordinary parse takes over (and says what it can).
 */
export class SpanRun {
  readonly ops = new ByteInterner();
  readonly procs = new ByteInterner();
  readonly refs = new RefColumns();
  readonly ids = new Bytes();
  readonly search = new Bytes();
  /** Spans kept so far. */
  count = 0;
  /** Span i's ID is ids[idOffset[i] … idOffset[i+1] − 1) (each ID but the last is followed by a newline). */
  idOffset = new Int32Array(1025);
  /** FNV-1a of each span's ID (and refs.hash of each reference's): the span ID table is built from these. */
  idHash = new Int32Array(1024);
  startTime = new Float64Array(1024);
  duration = new Float64Array(1024);
  operation = new Uint32Array(1024);
  process = new Uint32Array(1024);
  error = new Uint8Array(1024);
  /** Span i's references are refs[refOffset[i] … refOffset[i+1]). */
  refOffset = new Int32Array(1025);
  /** [start, end) of each span's bytes, in pairs. */
  ranges = new Float64Array(2048);
  readonly sink: SpanSink = {
    ops: this.ops,
    procs: this.procs,
    refs: this.refs,
    search: this.search,
    span: { idAt: -1, idEnd: -1, idHash: 0, start: NaN, dur: NaN, op: -1, proc: -1, isError: false },
  };

  /** The span just read (sink.span, bytes [from, to) of b) into the columns: only once its separator is in, so a cut never counts it twice. */
  keep(b: Uint8Array, from: number, to: number): void {
    const s = this.sink.span;
    if (s.idAt < 0 || !Number.isFinite(s.start) || !Number.isFinite(s.dur))
      throw new ScanGaveUp(`a span without a plain spanID, startTime or duration at byte ${from}`);
    if (to > MAX_POSITION) throw new ScanGaveUp(`a span beyond 2 GiB into the file, at byte ${from}`);
    const i = this.count;
    if (i === this.idHash.length) this.grow();
    this.idHash[i] = s.idHash;
    if (i > 0) this.ids.byte(NEWLINE);
    this.ids.push(b, s.idAt, s.idEnd);
    this.idOffset[i + 1] = this.ids.len + 1;
    this.startTime[i] = s.start;
    this.duration[i] = s.dur;
    this.operation[i] = s.op >= 0 ? s.op : this.ops.of(b, -1, 0);
    this.process[i] = s.proc >= 0 ? s.proc : this.procs.of(b, -1, 0);
    this.error[i] = s.isError ? 1 : 0;
    this.refOffset[i + 1] = this.refs.n;
    this.ranges[2 * i] = from;
    this.ranges[2 * i + 1] = to;
    this.search.byte(NEWLINE);
    this.count = i + 1;
  }

  /** Forgets the references and words of a span that was cut short (it is read again once more bytes are in). */
  rollBack(refs: number, words: number): void {
    this.refs.n = refs;
    this.search.len = words;
  }

  private grow(): void {
    const size = this.idHash.length * 2;
    this.idOffset = larger(this.idOffset, size + 1);
    this.idHash = larger(this.idHash, size);
    this.startTime = larger(this.startTime, size);
    this.duration = larger(this.duration, size);
    this.operation = larger(this.operation, size);
    this.process = larger(this.process, size);
    this.error = larger(this.error, size);
    this.refOffset = larger(this.refOffset, size + 1);
    this.ranges = larger(this.ranges, 2 * size);
  }
}

/**
 * For each reference (bytes [refFrom, refTo) of b, hashed refHash), the index of the first span with that ID, or −1.
 * Span i's ID is ids[idOffset[i] … idOffset[i+1] − 1), hashed idHash[i]: an open-addressing table keyed by the hashes,
 * with the bytes compared only when the hashes agree, in the compact ID list rather than across the whole file.
 */
export function refTargets(
  b: Uint8Array,
  ids: Uint8Array,
  idOffset: Int32Array,
  idHash: Int32Array,
  refFrom: Int32Array,
  refTo: Int32Array,
  refHash: Int32Array,
): Int32Array {
  const n = idHash.length;
  const size = 1 << Math.ceil(Math.log2(n * 2 + 2));
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  const tableHash = new Int32Array(size);
  /** Span k's ID, as [from, to) in the ID list (the newline after it left out). */
  const idFrom = (k: number) => idOffset[k]!;
  const idTo = (k: number) => idOffset[k + 1]! - 1;
  for (let i = 0; i < n; i++) {
    const h = idHash[i]!;
    let slot = h & mask;
    for (;;) {
      const k = table[slot]!;
      if (k < 0) {
        table[slot] = i;
        tableHash[slot] = h;
        break;
      }
      // A repeated ID stays with its first span.
      if (tableHash[slot] === h && sameBytes(ids, idFrom(i), idTo(i), ids, idFrom(k), idTo(k))) break;
      slot = (slot + 1) & mask;
    }
  }
  const target = new Int32Array(refFrom.length);
  for (let r = 0; r < refFrom.length; r++) {
    const h = refHash[r]!;
    let slot = h & mask;
    let k: number;
    for (;;) {
      k = table[slot]!;
      if (k < 0 || (tableHash[slot] === h && sameBytes(b, refFrom[r]!, refTo[r]!, ids, idFrom(k), idTo(k)))) break;
      slot = (slot + 1) & mask;
    }
    target[r] = k;
  }
  return target;
}
