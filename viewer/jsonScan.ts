// Reads a Jaeger JSON file's bytes straight into span columns, without an object per span: the fast path for big files.
// Anything unexpected (bad JSON, odd shapes) makes it give up with ScanGaveUp; the caller then parses the
// file the ordinary way, which either works or names the problem. So this reader only has to be right, not complete.
// Longer than most files here: one reader whose small helpers are closures over the read position, which the engine keeps fast.
import type { JaegerProcess } from '../model/index.ts';
import { REF_CHILD_OF, REF_FOLLOWS_FROM, REF_PARENT_SPAN_ID, type SpanColumns } from './spanColumns.ts';

export class ScanGaveUp extends Error {
  override name = 'ScanGaveUp';
}

export interface ScannedTrace {
  columns: SpanColumns;
  /** Byte range [start, end) of each span's object in the file, as pairs. */
  ranges: Float64Array;
}

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_OBJ = 123;
const CLOSE_OBJ = 125;
const OPEN_ARR = 91;
const CLOSE_ARR = 93;
const NEWLINE = 10;
const CR = 13;
const TAB = 9;
const SPACE = 32;
const EQUALS = 61;

const enc = new TextEncoder();
const K = {
  data: enc.encode('data'),
  traceID: enc.encode('traceID'),
  spans: enc.encode('spans'),
  processes: enc.encode('processes'),
  spanID: enc.encode('spanID'),
  operationName: enc.encode('operationName'),
  startTime: enc.encode('startTime'),
  duration: enc.encode('duration'),
  processID: enc.encode('processID'),
  references: enc.encode('references'),
  parentSpanID: enc.encode('parentSpanID'),
  refType: enc.encode('refType'),
  tags: enc.encode('tags'),
  logs: enc.encode('logs'),
  fields: enc.encode('fields'),
  key: enc.encode('key'),
  value: enc.encode('value'),
  true: enc.encode('true'),
  '"CHILD_OF"': enc.encode('"CHILD_OF"'),
  '"FOLLOWS_FROM"': enc.encode('"FOLLOWS_FROM"'),
  '"true"': enc.encode('"true"'),
};

/** A growable byte buffer for the search lines. */
class Bytes {
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
    if (to - from < 48) for (let i = from, j = this.len; i < to; i++, j++) this.buf[j] = src[i]!;
    else this.buf.set(src.subarray(from, to), this.len);
    this.len = need;
  }
  byte(c: number): void {
    if (this.len === this.buf.length) this.push(new Uint8Array([c]), 0, 1);
    else this.buf[this.len++] = c;
  }
}

/** A growable column of numbers: no boxed array elements for the collector to chase. */
class Nums {
  a = new Float64Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) {
      const bigger = new Float64Array(this.a.length * 2);
      bigger.set(this.a);
      this.a = bigger;
    }
    this.a[this.n++] = v;
  }
  at(k: number): number {
    return this.a[k]!;
  }
  get length(): number {
    return this.n;
  }
  view(): Float64Array {
    return this.a.subarray(0, this.n);
  }
}

/** FNV-1a over a byte range: the hash of IDs and names read without making strings of them. */
function hashOf(b: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

function isBlank(c: number | undefined): boolean {
  return c === SPACE || c === NEWLINE || c === CR || c === TAB;
}

function sameBytes(b: Uint8Array, from: number, to: number, c: Uint8Array, cFrom: number, cTo: number): boolean {
  if (to - from !== cTo - cFrom) return false;
  for (let i = 0; i < to - from; i++) if (b[from + i] !== c[cFrom + i]) return false;
  return true;
}

/** Strings named by their raw bytes (operation names, process IDs): made once per distinct name. */
class ByteInterner {
  readonly list: string[] = [];
  private readonly raw: Uint8Array[] = [];
  private readonly byHash = new Map<number, number[]>();
  of(b: Uint8Array, from: number, to: number, decode: () => string): number {
    const h = hashOf(b, from, to);
    const seen = this.byHash.get(h);
    if (seen) for (const k of seen) if (sameBytes(b, from, to, this.raw[k]!, 0, this.raw[k]!.length)) return k;
    const k = this.list.length;
    this.list.push(decode());
    this.raw.push(b.slice(from, to));
    if (seen) seen.push(k);
    else this.byHash.set(h, [k]);
    return k;
  }
}

/** Bytes arriving over time (a download), or all at once (a file). */
export interface ByteFeed {
  /** What has arrived so far. */
  bytes(): Uint8Array;
  complete(): boolean;
  /** Resolves when more bytes have arrived (or the feed is complete). */
  more(): Promise<void>;
  /** Resolves when every byte has arrived. */
  all(): Promise<void>;
}

/** Thrown when the reader needs bytes that have not arrived yet. */
class OutOfData extends Error {}

export function completeFeed(bytes: Uint8Array): ByteFeed {
  return { bytes: () => bytes, complete: () => true, more: () => Promise.resolve(), all: () => Promise.resolve() };
}

/**
 * Reads the file while it downloads: spans are read as they arrive, each one whole or not at all
 * (a span cut by the end of the bytes so far is read again once more have come). Anything
 * outside the spans lists is read once the file is complete.
 */
export async function scanJaegerFile(feed: ByteFeed): Promise<ScannedTrace[]> {
  try {
    return await scanOnce(feed);
  } catch (e) {
    if (!(e instanceof OutOfData)) throw e;
    // Bytes ran out outside a spans list (a bare trace read twice, an odd key order): start over, complete.
    await feed.all();
    return scanOnce(feed);
  }
}

async function scanOnce(feed: ByteFeed): Promise<ScannedTrace[]> {
  let b = feed.bytes();
  const utf8 = new TextDecoder();
  let p = 0;
  // The key just read: bytes [ks, ke).
  let ks = 0;
  let ke = 0;

  // Typed on the name, not only the arrow, so a call narrows like a throw (`if (c === undefined) fail()`).
  const fail: () => never = () => {
    if (p >= b.length && !feed.complete()) throw new OutOfData();
    throw new ScanGaveUp(`unexpected input at byte ${p}`);
  };
  const ws = () => {
    for (;;) {
      if (isBlank(b[p])) p++;
      else return;
    }
  };
  const skipString = () => {
    p++;
    for (;;) {
      const c = b[p++];
      if (c === QUOTE) return;
      if (c === BACKSLASH) p++;
      else if (c === undefined) fail();
    }
  };
  /** Reads the string at p; escapes and non-ASCII go through the ordinary decoders. */
  const str = (): string => {
    if (b[p] !== QUOTE) fail();
    const s = ++p;
    let high = 0;
    for (;;) {
      const c = b[p];
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        p = s - 1;
        skipString();
        return JSON.parse(utf8.decode(b.subarray(s - 1, p))) as string;
      }
      if (c === undefined) fail();
      high |= c;
      p++;
    }
    const e = p++;
    if (high < 128 && e - s < 256) return String.fromCharCode.apply(null, b.subarray(s, e) as unknown as number[]);
    return utf8.decode(b.subarray(s, e));
  };
  /** Skips any value, containers included, minding strings. */
  const skip = () => {
    ws();
    const c = b[p];
    if (c === QUOTE) return skipString();
    if (c === OPEN_OBJ || c === OPEN_ARR) {
      let depth = 0;
      for (;;) {
        const d = b[p];
        if (d === QUOTE) {
          skipString();
          continue;
        }
        p++;
        if (d === OPEN_OBJ || d === OPEN_ARR) depth++;
        else if (d === CLOSE_OBJ || d === CLOSE_ARR) {
          if (--depth === 0) return;
        } else if (d === undefined) fail();
      }
    }
    const from = p;
    for (;;) {
      const d = b[p];
      if (d === COMMA || d === CLOSE_OBJ || d === CLOSE_ARR || d === undefined || isBlank(d)) break;
      p++;
    }
    if (p === from) fail();
  };
  /** A JSON number; anything else (a string, null) is NaN, which the caller treats as missing. */
  const num = (): number => {
    ws();
    const from = p;
    let v = 0;
    let c = b[p];
    if (c! >= 48 && c! <= 57) {
      do {
        v = v * 10 + (c! - 48);
        c = b[++p];
      } while (c! >= 48 && c! <= 57);
      if (c !== 46 && c !== 101 && c !== 69 && v <= Number.MAX_SAFE_INTEGER) return v;
    }
    p = from;
    skip();
    const text = String.fromCharCode.apply(null, b.subarray(from, p) as unknown as number[]);
    return /^-?\d/.test(text) ? Number(text) : NaN;
  };
  const is = (k: Uint8Array) => sameBytes(b, ks, ke, k, 0, k.length);
  const valueIs = (k: Uint8Array) => {
    for (let i = 0; i < k.length; i++) if (b[p + i] !== k[i]) return false;
    const after = b[p + k.length];
    return after === COMMA || after === CLOSE_OBJ || isBlank(after);
  };
  const open = (c: number): boolean => {
    ws();
    if (b[p] !== c) fail();
    p++;
    ws();
    if (b[p] === c + 2) {
      p++;
      return false;
    }
    return true;
  };
  const key = () => {
    ws();
    if (b[p] !== QUOTE) fail();
    ks = p + 1;
    skipString();
    ke = p - 1;
    ws();
    if (b[p] !== COLON) fail();
    p++;
    ws();
  };
  const more = (close: number): boolean => {
    ws();
    const c = b[p++];
    if (c === COMMA) return true;
    if (c !== close) fail();
    return false;
  };
  // The string just read by range(): bytes [rs, re).
  let rs = 0;
  let re = 0;
  /** Marks the plain-ASCII string at p (an ID) without making it; anything with escapes gives up. */
  const range = () => {
    if (b[p] !== QUOTE) fail();
    rs = ++p;
    for (;;) {
      const c = b[p];
      if (c === QUOTE) break;
      if (c === undefined || c === BACKSLASH || c! >= 128 || c === NEWLINE) fail();
      p++;
    }
    re = p++;
  };
  /** Interns the string at p by its bytes. */
  const interned = (into: ByteInterner): number => {
    if (b[p] !== QUOTE) fail();
    const at = p;
    skipString();
    return into.of(b, at + 1, p - 1, () => {
      const end = p;
      p = at;
      const text = str();
      p = end;
      return text;
    });
  };
  /** `{key, type, value}` lists (tags, log fields); returns true when an error=true tag is among them. */
  const keyValues = (search: Bytes, withKeys: boolean): boolean => {
    let isError = false;
    if (!open(OPEN_ARR)) return false;
    do {
      if (!open(OPEN_OBJ)) continue;
      let keyFrom = -1;
      let keyTo = -1;
      let valueFrom = -1;
      let valueTo = -1;
      let errorKey = false;
      let truthy = false;
      do {
        key();
        if (is(K.key)) {
          if (b[p] !== QUOTE) fail();
          keyFrom = p + 1;
          skipString();
          keyTo = p - 1;
          errorKey = keyTo - keyFrom === 5 && b[keyFrom] === 101 && b[keyFrom + 1] === 114 && b[keyFrom + 2] === 114 && b[keyFrom + 3] === 111 && b[keyFrom + 4] === 114;
        } else if (is(K.value)) {
          truthy = valueIs(K.true) || valueIs(K['"true"']);
          valueFrom = p;
          skip();
          valueTo = p;
        } else skip();
      } while (more(CLOSE_OBJ));
      if (errorKey && truthy) isError = true;
      if (withKeys && keyFrom >= 0) {
        search.push(b, keyFrom, keyTo);
        search.byte(EQUALS);
      }
      if (valueFrom >= 0) {
        if (b[valueFrom] === QUOTE) search.push(b, valueFrom + 1, valueTo - 1);
        else search.push(b, valueFrom, valueTo);
      }
      search.byte(SPACE);
    } while (more(CLOSE_ARR));
    return isError;
  };

  const trace = async (): Promise<ScannedTrace | undefined> => {
    let traceID: string | undefined;
    let sawSpans = false;
    const ops = new ByteInterner();
    const procs = new ByteInterner();
    const idFrom = new Nums();
    const idTo = new Nums();
    const ids = new Bytes();
    const startTime = new Nums();
    const duration = new Nums();
    const operation = new Nums();
    const process = new Nums();
    const error = new Nums();
    const refOffset = new Nums();
    refOffset.push(0);
    const refFrom = new Nums();
    const refTo = new Nums();
    const refKind = new Nums();
    const ranges = new Nums();
    const search = new Bytes();
    let processes: Record<string, JaegerProcess> = {};
    const addRef = (from: number, to: number, kind: number) => {
      refFrom.push(from);
      refTo.push(to);
      refKind.push(kind);
    };

    const span = () => {
      ws();
      const from = p;
      let idAt = -1;
      let idEnd = -1;
      let start = NaN;
      let dur = NaN;
      let op = -1;
      let proc = -1;
      let isError = false;
      if (open(OPEN_OBJ)) {
        do {
          key();
          if (is(K.spanID)) {
            range();
            idAt = rs;
            idEnd = re;
          } else if (is(K.startTime)) start = num();
          else if (is(K.duration)) dur = num();
          else if (is(K.operationName)) op = interned(ops);
          else if (is(K.processID)) proc = interned(procs);
          else if (is(K.parentSpanID)) {
            if (b[p] === QUOTE) {
              range();
              addRef(rs, re, REF_PARENT_SPAN_ID);
            } else skip();
          } else if (is(K.references)) {
            if (open(OPEN_ARR)) {
              do {
                let kind = -1;
                let ridFrom = -1;
                let ridTo = -1;
                if (open(OPEN_OBJ)) {
                  do {
                    key();
                    if (is(K.refType)) kind = valueIs(K['"CHILD_OF"']) ? REF_CHILD_OF : valueIs(K['"FOLLOWS_FROM"']) ? REF_FOLLOWS_FROM : -1;
                    if (is(K.spanID) && b[p] === QUOTE) {
                      range();
                      ridFrom = rs;
                      ridTo = re;
                    } else skip();
                  } while (more(CLOSE_OBJ));
                }
                if (kind >= 0 && ridFrom >= 0) addRef(ridFrom, ridTo, kind);
              } while (more(CLOSE_ARR));
            }
          } else if (is(K.tags)) {
            if (keyValues(search, true)) isError = true;
          } else if (is(K.logs)) {
            if (open(OPEN_ARR)) {
              do {
                if (!open(OPEN_OBJ)) continue;
                do {
                  key();
                  if (is(K.fields)) keyValues(search, false);
                  else skip();
                } while (more(CLOSE_OBJ));
              } while (more(CLOSE_ARR));
            }
          } else skip();
        } while (more(CLOSE_OBJ));
      }
      // A span the ordinary path would reject or word differently: let it do so.
      if (idAt < 0 || !Number.isFinite(start) || !Number.isFinite(dur)) fail();
      idFrom.push(idAt);
      idTo.push(idEnd);
      if (ids.len > 0) ids.byte(NEWLINE);
      ids.push(b, idAt, idEnd);
      startTime.push(start);
      duration.push(dur);
      operation.push(op >= 0 ? op : ops.of(b, 0, 0, () => ''));
      process.push(proc >= 0 ? proc : procs.of(b, 0, 0, () => ''));
      error.push(isError ? 1 : 0);
      refOffset.push(refFrom.length);
      ranges.push(from);
      ranges.push(p);
      search.byte(NEWLINE);
    };

    if (open(OPEN_OBJ)) {
      do {
        key();
        if (is(K.traceID)) traceID = b[p] === QUOTE ? str() : (skip(), undefined);
        else if (is(K.spans)) {
          ws();
          if (b[p] !== OPEN_ARR) return void skip();
          sawSpans = true;
          if (open(OPEN_ARR)) {
            for (;;) {
              // Where to come back to if this span is cut short by the end of the bytes so far.
              const at = p;
              const lengths = [refFrom.n, refTo.n, refKind.n, search.len];
              try {
                span();
                if (!more(CLOSE_ARR)) break;
              } catch (e) {
                if (!(e instanceof OutOfData)) throw e;
                p = at;
                [refFrom.n, refTo.n, refKind.n, search.len] = lengths as [number, number, number, number];
                await feed.more();
                b = feed.bytes();
              }
            }
          }
          // The rest of the file is small: read it whole.
          if (!feed.complete()) {
            await feed.all();
            b = feed.bytes();
          }
        } else if (is(K.processes)) {
          const from = p;
          skip();
          const parsed = JSON.parse(utf8.decode(b.subarray(from, p))) as unknown;
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) processes = parsed as Record<string, JaegerProcess>;
        } else skip();
      } while (more(CLOSE_OBJ));
    }
    if (traceID === undefined || !sawSpans) return undefined;
    const n = idFrom.length;
    // Span ID → first span with it, in an open-addressing table keyed by the ID's bytes.
    const size = 1 << Math.ceil(Math.log2(n * 2 + 2));
    const table = new Int32Array(size).fill(-1);
    const slotOf = (from: number, to: number): number => {
      let slot = hashOf(b, from, to) & (size - 1);
      for (;;) {
        const k = table[slot]!;
        if (k < 0 || sameBytes(b, from, to, b, idFrom.at(k), idTo.at(k))) return slot;
        slot = (slot + 1) & (size - 1);
      }
    };
    for (let i = 0; i < n; i++) {
      const slot = slotOf(idFrom.at(i), idTo.at(i));
      if (table[slot]! < 0) table[slot] = i;
    }
    const refTarget = new Int32Array(refFrom.length);
    for (let k = 0; k < refFrom.length; k++) refTarget[k] = table[slotOf(refFrom.at(k), refTo.at(k))]!;
    const idOffset = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) idOffset[i + 1] = idOffset[i]! + idTo.at(i) - idFrom.at(i) + 1;
    // Escapes inside values stay as written; the search only needs the words.
    const searchLines = utf8.decode(search.buf.subarray(0, search.len));
    const columns: SpanColumns = {
      traceID,
      count: n,
      idText: utf8.decode(ids.buf.subarray(0, ids.len)),
      idOffset,
      startTime: startTime.view().slice(),
      duration: duration.view().slice(),
      operation: Uint32Array.from(operation.view()),
      operations: ops.list,
      process: Uint32Array.from(process.view()),
      processIDs: procs.list,
      processes,
      error: Uint8Array.from(error.view()),
      refOffset: Int32Array.from(refOffset.view()),
      refTarget,
      refKind: Uint8Array.from(refKind.view()),
      searchLines,
    };
    return { columns, ranges: ranges.view().slice() };
  };

  // The top level: Jaeger's {data:[trace…]} envelope, or a bare trace. Keys come in any order,
  // so the object is read as both until its end says which it was.
  ws();
  if (b[p] !== OPEN_OBJ) fail();
  const start = p;
  let data: ScannedTrace[] | undefined;
  let sawTraceKeys = false;
  if (open(OPEN_OBJ)) {
    do {
      key();
      if (is(K.data)) {
        ws();
        if (b[p] !== OPEN_ARR) {
          skip();
          continue;
        }
        data = [];
        if (open(OPEN_ARR)) {
          do {
            ws();
            if (b[p] !== OPEN_OBJ) skip();
            else {
              const t = await trace();
              if (t) data.push(t);
            }
          } while (more(CLOSE_ARR));
        }
      } else {
        if (is(K.spans) || is(K.traceID)) sawTraceKeys = true;
        skip();
      }
    } while (more(CLOSE_OBJ));
  }
  ws();
  if (p !== b.length) fail();
  if (data) return data;
  if (!sawTraceKeys) fail();
  p = start;
  const bare = await trace();
  if (!bare) fail();
  return [bare!];
}
