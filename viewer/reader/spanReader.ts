// Reads one Jaeger span object from a file's bytes into growable columns: the hot loop of jsonScan.ts.
// Plain functions of (bytes, position) that return the next position, so the engine keeps the position in a
// register; closures over a shared read position (the first version) read it from memory at every byte.
// Over 300 lines: the span's parts (tags, logs, references) each have their reader here, beside the helpers they inline.
import { FNV_BASIS, FNV_PRIME, type ByteInterner, type Bytes } from './byteColumns.ts';
import type { RefColumns } from './spanRun.ts';
import { REF_CHILD_OF, REF_FOLLOWS_FROM, REF_PARENT_SPAN_ID } from '../../analysis/index.ts';
import { MAY_BE_STATUS, noteStatusTag, resetStatusTags, statusFailed } from './statusTagBytes.ts';
import { stop } from './stopAt.ts';

export const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
export const OPEN_OBJ = 123;
export const CLOSE_OBJ = 125;
export const OPEN_ARR = 91;
export const CLOSE_ARR = 93;
export const NEWLINE = 10;
const CR = 13;
const TAB = 9;
const SPACE = 32;
const EQUALS = 61;

export function isBlank(c: number | undefined): boolean {
  return c === SPACE || c === NEWLINE || c === CR || c === TAB;
}

/** Where the columns of one trace grow; the span's own fields wait in `span` until its separator has arrived. */
export interface SpanSink {
  ops: ByteInterner;
  procs: ByteInterner;
  refs: RefColumns;
  search: Bytes;
  span: { idAt: number; idEnd: number; idHash: number; start: number; dur: number; op: number; proc: number; isError: boolean };
}

function ws(b: Uint8Array, p: number): number {
  // Files from Jaeger have no blanks: one comparison settles the common case.
  let c = b[p]!;
  while (c <= SPACE && (c === SPACE || c === NEWLINE || c === CR || c === TAB)) c = b[++p]!;
  return p;
}

/** From the opening quote at p to just after the closing one. */
function skipString(b: Uint8Array, p: number): number {
  // Bounded by the length rather than by reading past the end, so the byte is always a number.
  const n = b.length;
  for (p++; p < n; p++) {
    const c = b[p]!;
    if (c === QUOTE) return p + 1;
    if (c === BACKSLASH) p++;
  }
  return stop(p);
}

/** Skips any value at p (after blanks), containers included, minding strings. */
export function skipValue(b: Uint8Array, p: number): number {
  p = ws(b, p);
  const c = b[p];
  if (c === QUOTE) return skipString(b, p);
  if (c === OPEN_OBJ || c === OPEN_ARR) {
    let depth = 0;
    for (;;) {
      const d = b[p];
      if (d === QUOTE) {
        p = skipString(b, p);
        continue;
      }
      p++;
      if (d === OPEN_OBJ || d === OPEN_ARR) depth++;
      else if (d === CLOSE_OBJ || d === CLOSE_ARR) {
        if (--depth === 0) return p;
      } else if (d === undefined) stop(p);
    }
  }
  const from = p;
  for (;;) {
    const d = b[p];
    if (d === COMMA || d === CLOSE_OBJ || d === CLOSE_ARR || d === undefined || isBlank(d)) break;
    p++;
  }
  if (p === from) stop(p);
  return p;
}

/** After `open`: the position inside the container, or −(position after it) − 1 when it is empty. */
// These check the expected byte before looking for blanks: compact files then make no call to ws.
function open(b: Uint8Array, p: number, c: number): number {
  if (b[p] !== c) {
    p = ws(b, p);
    if (b[p] !== c) stop(p);
  }
  p++;
  if (b[p]! <= SPACE) p = ws(b, p);
  return b[p] === c + 2 ? -(p + 1) - 1 : p;
}

/** After an element of a container closed by `close`: the position after a comma, or −(position after the close) − 1. */
function next(b: Uint8Array, p: number, close: number): number {
  if (b[p]! <= SPACE) p = ws(b, p);
  const c = b[p];
  if (c === COMMA) return p + 1;
  if (c !== close) stop(p);
  return -(p + 1) - 1;
}

/**
 * A key's opening quote (at keyAt). Its bytes are not scanned here: keyIs compares the expected names
 * in place, so a known key's bytes are read once; `value` or `otherValue` then go past the colon.
 */
let keyAt = 0;
/** The closing quote of the key keyIs last matched. */
let keyEnd = 0;
function key(b: Uint8Array, p: number): void {
  if (b[p] !== QUOTE) {
    p = ws(b, p);
    if (b[p] !== QUOTE) stop(p);
  }
  keyAt = p;
}

/** The value's position after the key that closes at `end`. */
function afterKey(b: Uint8Array, end: number): number {
  let p = end + 1;
  if (b[p] !== COLON) {
    p = ws(b, p);
    if (b[p] !== COLON) stop(p);
  }
  p++;
  return b[p]! <= SPACE ? ws(b, p) : p;
}
/** The value of the key keyIs matched. */
function value(b: Uint8Array): number {
  return afterKey(b, keyEnd);
}
/** The value of a key none of the names matched: only now are its bytes scanned to the closing quote. */
function otherValue(b: Uint8Array): number {
  return afterKey(b, skipString(b, keyAt) - 1);
}

const enc = new TextEncoder();
const KEYS = [
  'spanID',
  'startTime',
  'duration',
  'operationName',
  'processID',
  'parentSpanID',
  'references',
  'tags',
  'logs',
  'refType',
  'fields',
  'key',
  'value',
].map((k) => enc.encode(k));
const [SPAN_ID, START_TIME, DURATION, OPERATION_NAME, PROCESS_ID, PARENT_SPAN_ID, REFERENCES, TAGS, LOGS, REF_TYPE, FIELDS, KEY, VALUE] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
];

/** Whether the key at keyAt is KEYS[k] (compared by its raw bytes, as written, up to its closing quote). */
function keyIs(b: Uint8Array, k: number): boolean {
  const want = KEYS[k]!;
  const from = keyAt + 1;
  const n = want.length;
  for (let i = 0; i < n; i++) if (b[from + i] !== want[i]) return false;
  if (b[from + n] !== QUOTE) return false;
  keyEnd = from + n;
  return true;
}

/** Whether the value at p is exactly these bytes (then a separator). */
function valueIs(b: Uint8Array, p: number, k: Uint8Array): boolean {
  for (let i = 0; i < k.length; i++) if (b[p + i] !== k[i]) return false;
  const after = b[p + k.length];
  return after === COMMA || after === CLOSE_OBJ || isBlank(after);
}
const CHILD_OF = enc.encode('"CHILD_OF"');
const FOLLOWS_FROM = enc.encode('"FOLLOWS_FROM"');

/** FNV-1a of the ID idEnd last read: hashed here, while its bytes are at hand, rather than looked up again later. */
let idHash = 0;
/** The end of a plain-ASCII string at p (an ID; its bytes are (p, end)); anything with escapes stops. */
function idEnd(b: Uint8Array, p: number): number {
  if (b[p] !== QUOTE) stop(p);
  let h = FNV_BASIS;
  for (let i = p + 1; ; i++) {
    const c = b[i];
    if (c === QUOTE) {
      idHash = h;
      return i;
    }
    if (c === undefined || c === BACKSLASH || c >= 128 || c === NEWLINE) stop(i);
    h = Math.imul(h ^ c, FNV_PRIME);
  }
}

/** A JSON number; anything else (a string, null) is NaN, which the caller treats as missing. Ends at `numEnd`. */
let numEnd = 0;
function num(b: Uint8Array, p: number): number {
  p = ws(b, p);
  const from = p;
  let v = 0;
  let c = b[p];
  if (c !== undefined && c >= 48 && c <= 57) {
    do {
      v = v * 10 + (c - 48);
      c = b[++p];
    } while (c !== undefined && c >= 48 && c <= 57);
    if (c !== 46 && c !== 101 && c !== 69 && v <= Number.MAX_SAFE_INTEGER) {
      numEnd = p;
      return v;
    }
  }
  numEnd = skipValue(b, from);
  const text = String.fromCharCode.apply(null, b.subarray(from, numEnd) as unknown as number[]);
  return /^-?\d/.test(text) ? Number(text) : NaN;
}

/** `{key, type, value}` lists (tags, log fields) into the search line; a tag list's status tags noted for the failure rule. */
function keyValues(b: Uint8Array, p: number, search: Bytes, withKeys: boolean): number {
  p = open(b, p, OPEN_ARR);
  if (p < 0) return -p - 1;
  for (;;) {
    p = open(b, p, OPEN_OBJ);
    if (p >= 0) {
      let keyFrom = -1;
      let keyTo = -1;
      let valueFrom = -1;
      let valueTo = -1;
      for (;;) {
        key(b, p);
        const first = b[keyAt + 1];
        if (first === 107 && keyIs(b, KEY)) {
          p = value(b);
          if (b[p] !== QUOTE) stop(p);
          keyFrom = p + 1;
          p = skipString(b, p);
          keyTo = p - 1;
        } else if (first === 118 && keyIs(b, VALUE)) {
          p = value(b);
          valueFrom = p;
          p = skipValue(b, p);
          valueTo = p;
        } else p = skipValue(b, otherValue(b));
        p = next(b, p, CLOSE_OBJ);
        if (p < 0) break;
      }
      p = -p - 1;
      if (withKeys && keyFrom >= 0) {
        // Log fields never mark a span: only its tags do.
        if (valueFrom >= 0 && MAY_BE_STATUS[keyTo - keyFrom] === 1) noteStatusTag(b, keyFrom, keyTo, valueFrom, valueTo);
        search.push(b, keyFrom, keyTo);
        search.byte(EQUALS);
      }
      if (valueFrom >= 0) {
        if (b[valueFrom] === QUOTE) search.push(b, valueFrom + 1, valueTo - 1);
        else search.push(b, valueFrom, valueTo);
      }
      search.byte(SPACE);
    } else p = -p - 1;
    p = next(b, p, CLOSE_ARR);
    if (p < 0) return -p - 1;
  }
}

function references(b: Uint8Array, p: number, sink: SpanSink): number {
  p = open(b, p, OPEN_ARR);
  if (p < 0) return -p - 1;
  for (;;) {
    let kind = -1;
    let ridFrom = -1;
    let ridTo = -1;
    let ridHash = 0;
    p = open(b, p, OPEN_OBJ);
    if (p >= 0) {
      for (;;) {
        key(b, p);
        if (keyIs(b, REF_TYPE)) {
          p = value(b);
          kind = valueIs(b, p, CHILD_OF) ? REF_CHILD_OF : valueIs(b, p, FOLLOWS_FROM) ? REF_FOLLOWS_FROM : -1;
          p = skipValue(b, p);
        } else if (keyIs(b, SPAN_ID)) {
          p = value(b);
          if (b[p] === QUOTE) {
            ridFrom = p + 1;
            ridTo = idEnd(b, p);
            ridHash = idHash;
            p = ridTo + 1;
          } else p = skipValue(b, p);
        } else p = skipValue(b, otherValue(b));
        p = next(b, p, CLOSE_OBJ);
        if (p < 0) break;
      }
    }
    p = -p - 1;
    if (kind >= 0 && ridFrom >= 0) sink.refs.add(ridFrom, ridTo, kind, ridHash);
    p = next(b, p, CLOSE_ARR);
    if (p < 0) return -p - 1;
  }
}

function logs(b: Uint8Array, p: number, search: Bytes): number {
  p = open(b, p, OPEN_ARR);
  if (p < 0) return -p - 1;
  for (;;) {
    p = open(b, p, OPEN_OBJ);
    if (p >= 0) {
      for (;;) {
        key(b, p);
        if (keyIs(b, FIELDS)) p = keyValues(b, value(b), search, false);
        else p = skipValue(b, otherValue(b));
        p = next(b, p, CLOSE_OBJ);
        if (p < 0) break;
      }
    }
    p = -p - 1;
    p = next(b, p, CLOSE_ARR);
    if (p < 0) return -p - 1;
  }
}

/**
 * Reads the span object at p (after blanks) and returns the position after it. References and search
 * words go straight into the sink (the caller rolls them back if the span turns out cut short); the
 * span's own fields go into `sink.span`. Stops (StopAt) on anything the ordinary parser should judge.
 */
export function readSpan(b: Uint8Array, p: number, sink: SpanSink): number {
  let idAt = -1;
  let idTo = -1;
  let idSum = 0;
  let start = NaN;
  let dur = NaN;
  let op = -1;
  let proc = -1;
  resetStatusTags();
  p = open(b, p, OPEN_OBJ);
  if (p >= 0) {
    for (;;) {
      key(b, p);
      // Dispatch on the key's first byte, then confirm the whole key in place.
      const first = b[keyAt + 1];
      if (first === 115 && keyIs(b, SPAN_ID)) {
        p = value(b);
        idAt = p + 1;
        idTo = idEnd(b, p);
        idSum = idHash;
        p = idTo + 1;
      } else if (first === 115 && keyIs(b, START_TIME)) {
        start = num(b, value(b));
        p = numEnd;
      } else if (first === 100 && keyIs(b, DURATION)) {
        dur = num(b, value(b));
        p = numEnd;
      } else if (first === 111 && keyIs(b, OPERATION_NAME)) {
        p = value(b);
        if (b[p] !== QUOTE) stop(p);
        const end = skipString(b, p);
        op = sink.ops.of(b, p, end - 1);
        p = end;
      } else if (first === 112 && keyIs(b, PROCESS_ID)) {
        p = value(b);
        if (b[p] !== QUOTE) stop(p);
        const end = skipString(b, p);
        proc = sink.procs.of(b, p, end - 1);
        p = end;
      } else if (first === 112 && keyIs(b, PARENT_SPAN_ID)) {
        p = value(b);
        if (b[p] === QUOTE) {
          const to = idEnd(b, p);
          sink.refs.add(p + 1, to, REF_PARENT_SPAN_ID, idHash);
          p = to + 1;
        } else p = skipValue(b, p);
      } else if (first === 114 && keyIs(b, REFERENCES)) p = references(b, value(b), sink);
      else if (first === 116 && keyIs(b, TAGS)) p = keyValues(b, value(b), sink.search, true);
      else if (first === 108 && keyIs(b, LOGS)) p = logs(b, value(b), sink.search);
      else p = skipValue(b, otherValue(b));
      p = next(b, p, CLOSE_OBJ);
      if (p < 0) break;
    }
  }
  p = -p - 1;
  const s = sink.span;
  s.idAt = idAt;
  s.idEnd = idTo;
  s.idHash = idSum;
  s.start = start;
  s.dur = dur;
  s.op = op;
  s.proc = proc;
  s.isError = statusFailed(b);
  return p;
}
