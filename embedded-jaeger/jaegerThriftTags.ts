// Jaeger Thrift tag and log lists: read in full (a stored span's tags and logs, decoded again from the bytes it arrived in)
// or checked without keeping anything (on arrival). The two walks must reject exactly the same input, so they live side by side (hence over 300 lines).
import {
  base64Text,
  BinaryReader,
  CompactReader,
  partsAreSafe,
  partsToDecimal,
  partsToNumber,
  StringTable,
  ThriftDecodeError,
  type ThriftReader,
} from '../thrift/index.ts';
import { T_BOOL, T_DOUBLE, T_I32, T_I64, T_LIST, T_STOP, T_STRING, T_STRUCT } from '../thrift/index.ts';
import { failedByStatus, isErrorTagValue, STATUS_CAUSE_MASK, STATUS_TAG_KEYS, statusKeyAt } from '../model/index.ts';
import { wireGone } from './wireSlabs.ts';
import {
  SPAN_KINDS,
  TAG_BINARY,
  TAG_BOOL,
  TAG_DOUBLE,
  TAG_LONG,
  TAG_STRING,
  type LogRecord,
  type SpanRecord,
  type TagList,
  type WireBytes,
} from './spanModel.ts';

/** Service, operation and tag names, and short tag values, shared across spans (see thrift/stringTable.ts). */
const strings = new StringTable();

export function readName(r: ThriftReader): string {
  const at = r.readBinaryRange();
  return strings.get(r.buf, at, r.pos);
}

export function expect(r: ThriftReader, got: number, want: number): boolean {
  if (got === want) return true;
  // A field whose type differs from the IDL is skipped, as Thrift readers do.
  r.skip(got, 1);
  return false;
}

/** The value Jaeger gives a tag whose type number it does not know. */
const UNKNOWN_TAG_VALUE = '<Unknown Jaeger TagType "<UNSET>">';

/** Appends one Tag to `out` at `i`; returns the next index. Values are decoded only for the tag's own type. */
function readTag(r: ThriftReader, out: TagList, i: number): number {
  let key: string | undefined;
  let vType = -1;
  // jaeger-client writes every value field of every tag; only the one vType names is decoded.
  let strAt = -1;
  let strEnd = 0;
  let binAt = -1;
  let binEnd = 0;
  let dbl = 0;
  let bool = false;
  let long: number | string = 0;
  r.structBegin();
  for (let t = r.readFieldBegin(); t !== T_STOP; t = r.readFieldBegin()) {
    switch (r.fieldId) {
      case 1:
        if (expect(r, t, T_STRING)) key = readName(r);
        break;
      case 2:
        if (expect(r, t, T_I32)) vType = r.readI32();
        break;
      case 3:
        if (expect(r, t, T_STRING)) {
          strAt = r.readBinaryRange();
          strEnd = r.pos;
        }
        break;
      case 4:
        if (expect(r, t, T_DOUBLE)) dbl = r.readDouble();
        break;
      case 5:
        if (expect(r, t, T_BOOL)) bool = r.readBool();
        break;
      case 6:
        if (expect(r, t, T_I64)) {
          r.readI64Parts();
          long = partsAreSafe(r.hi, r.lo) ? partsToNumber(r.hi, r.lo) : partsToDecimal(r.hi, r.lo);
        }
        break;
      case 7:
        if (expect(r, t, T_STRING)) {
          binAt = r.readBinaryRange();
          binEnd = r.pos;
        }
        break;
      default:
        r.skip(t, 1);
    }
  }
  r.structEnd();
  if (key === undefined) throw new ThriftDecodeError(`tag without a key (before offset ${r.pos})`);
  let value: string | number | boolean;
  switch (vType) {
    case TAG_STRING:
      value = strAt < 0 ? '' : strings.get(r.buf, strAt, strEnd);
      break;
    case TAG_DOUBLE:
      // Whole numbers (status codes, counts) become small integers: no heap box per stored value.
      value = (dbl | 0) === dbl ? dbl | 0 : dbl;
      break;
    case TAG_BOOL:
      value = bool;
      break;
    case TAG_LONG:
      value = long;
      break;
    case TAG_BINARY:
      value = binAt < 0 ? '' : base64Text(r.buf, binAt, binEnd);
      break;
    default:
      if (vType === -1) throw new ThriftDecodeError(`tag "${key.slice(0, 40)}" has no type`);
      // Jaeger keeps such a tag as a string saying so (its Thrift translator's wording) and the span with it.
      value = UNKNOWN_TAG_VALUE;
      vType = TAG_STRING;
  }
  out[i] = key;
  out[i + 1] = vType;
  out[i + 2] = value;
  return i + 3;
}

export function readTagList(r: ThriftReader, t: number): TagList | null {
  if (!expect(r, t, T_LIST)) return null;
  const n = r.readListBegin();
  if (n === 0) return null;
  if (r.elemType !== T_STRUCT) throw new ThriftDecodeError(`tag list of type ${r.elemType}, expected structs`);
  const out: TagList = new Array(n * 3);
  for (let i = 0, at = 0; i < n; i++) at = readTag(r, out, at);
  return out;
}

function readLog(r: ThriftReader): LogRecord {
  let timestamp: number | undefined;
  let fields: TagList | null = null;
  r.structBegin();
  for (let t = r.readFieldBegin(); t !== T_STOP; t = r.readFieldBegin()) {
    if (r.fieldId === 1 && expect(r, t, T_I64)) timestamp = r.readI64Number();
    else if (r.fieldId === 2) fields = readTagList(r, t);
    else if (r.fieldId !== 1) r.skip(t, 1);
  }
  r.structEnd();
  if (timestamp === undefined) throw new ThriftDecodeError(`log without a timestamp (before offset ${r.pos})`);
  return { timestamp, fields: fields ?? [] };
}

export function readStructList<T>(r: ThriftReader, t: number, read: (r: ThriftReader) => T): T[] | null {
  if (!expect(r, t, T_LIST)) return null;
  const n = r.readListBegin();
  if (n === 0) return null;
  if (r.elemType !== T_STRUCT) throw new ThriftDecodeError(`list of type ${r.elemType}, expected structs`);
  const out: T[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = read(r);
  return out;
}

/** What checking a tag list found: whether it holds any tag, and whether the one failure rule (model/spanStatus.ts) fails the span. */
const LIST_NONEMPTY = 1;
export const LIST_ERROR = 2;
export const LIST_UNKNOWN_TYPE = 4;
/** Bits 8+ carry the span.kind tag's value as an index into SPAN_KINDS. */
export const LIST_KIND_SHIFT = 8;

const KIND_VALUES = SPAN_KINDS.map((k) => Buffer.from(k));
const KIND_KEY = STATUS_TAG_KEYS.indexOf('span.kind');
const ERROR_KEY = STATUS_TAG_KEYS.indexOf('error');
const OTEL_STATUS_KEY = STATUS_TAG_KEYS.indexOf('otel.status_code');
const HTTP_STATUS_KEY = STATUS_TAG_KEYS.indexOf('http.status_code');
const HTTP_RESPONSE_STATUS_KEY = STATUS_TAG_KEYS.indexOf('http.response.status_code');

function kindOf(buf: Buffer, at: number, end: number): number {
  for (let k = 1; k < KIND_VALUES.length; k++) {
    const v = KIND_VALUES[k]!;
    if (end - at === v.length && buf.compare(v, 0, v.length, at, end) === 0) return k;
  }
  return 0;
}

/** The status tags of the list being checked: bit k of `statusSeen` for STATUS_TAG_KEYS[k], its value at statusValues[k]. */
let statusSeen = 0;
const statusValues: unknown[] = STATUS_TAG_KEYS.map(() => undefined);
const at = (k: number) => ((statusSeen & (1 << k)) !== 0 ? statusValues[k] : undefined);

/**
 * Walks a tag list as readTagList would, throwing on exactly the same bad input, but keeps
 * nothing: ingest only needs to know the list is sound, the span's kind and whether it failed.
 * Only the status tags' values are decoded, spotted by their key bytes.
 */
export function checkTagList(r: ThriftReader, t: number): number {
  if (!expect(r, t, T_LIST)) return 0;
  const n = r.readListBegin();
  if (n === 0) return 0;
  if (r.elemType !== T_STRUCT) throw new ThriftDecodeError(`tag list of type ${r.elemType}, expected structs`);
  let found = LIST_NONEMPTY;
  statusSeen = 0;
  for (let i = 0; i < n; i++) {
    let keyAt = -1;
    let keyEnd = 0;
    let vType = -1;
    let bool = false;
    let strAt = -1;
    let strEnd = 0;
    let dbl = 0;
    let lng = 0;
    r.structBegin();
    for (let f = r.readFieldBegin(); f !== T_STOP; f = r.readFieldBegin()) {
      const id = r.fieldId;
      if (id === 1) {
        if (expect(r, f, T_STRING)) {
          keyAt = r.readBinaryRange();
          keyEnd = r.pos;
        }
      } else if (id === 2) {
        if (expect(r, f, T_I32)) vType = r.readI32();
      } else if (id === 3) {
        if (expect(r, f, T_STRING)) {
          strAt = r.readBinaryRange();
          strEnd = r.pos;
        }
      } else if (id === 5) {
        if (expect(r, f, T_BOOL)) bool = r.readBool();
      } else if (id === 4 && f === T_DOUBLE) {
        // Numbers are read rather than skipped (as cheap): a status code is one.
        dbl = r.readDouble();
      } else if (id === 6 && f === T_I64) {
        lng = r.readI64Number();
      } else r.skip(f, 1);
    }
    r.structEnd();
    if (keyAt < 0) throw new ThriftDecodeError(`tag without a key (before offset ${r.pos})`);
    if (vType === -1) throw new ThriftDecodeError(`tag "${strings.get(r.buf, keyAt, keyEnd).slice(0, 40)}" has no type`);
    if (vType > TAG_BINARY || vType < TAG_STRING) {
      found |= LIST_UNKNOWN_TYPE;
      continue;
    }
    const k = statusKeyAt(r.buf, keyAt, keyEnd);
    // The first of each key counts; for `error`, a later one that says true (model/spanStatus.ts).
    if (k < 0 || ((statusSeen & (1 << k)) !== 0 && !(k === ERROR_KEY && vType === TAG_BOOL && bool && !isErrorTagValue(statusValues[k]))))
      continue;
    statusSeen |= 1 << k;
    if (k === KIND_KEY) {
      const kind = vType === TAG_STRING && strAt >= 0 ? kindOf(r.buf, strAt, strEnd) : 0;
      found = (found & 0xff) | (kind << LIST_KIND_SHIFT);
      // The kinds Jaeger knows, without a string lookup; another value is no server's.
      statusValues[k] = kind > 0 ? SPAN_KINDS[kind] : vType === TAG_STRING ? '' : undefined;
      continue;
    }
    // The value as the stored tag will read (readTag): whole doubles as small integers.
    statusValues[k] =
      vType === TAG_BOOL
        ? bool
        : vType === TAG_STRING
          ? strAt < 0
            ? ''
            : strings.get(r.buf, strAt, strEnd)
          : vType === TAG_DOUBLE
            ? (dbl | 0) === dbl
              ? dbl | 0
              : dbl
            : vType === TAG_LONG
              ? lng
              : undefined;
  }
  if (
    (statusSeen & STATUS_CAUSE_MASK) !== 0 &&
    failedByStatus({
      error: at(ERROR_KEY),
      'otel.status_code': at(OTEL_STATUS_KEY),
      'http.status_code': at(HTTP_STATUS_KEY),
      'http.response.status_code': at(HTTP_RESPONSE_STATUS_KEY),
      'span.kind': at(KIND_KEY),
    })
  )
    found |= LIST_ERROR;
  return found;
}

/** readLog's checks without keeping anything (see checkTagList); returns LIST_* bits (LIST_NONEMPTY when it holds a log). */
export function checkLogList(r: ThriftReader, t: number): number {
  if (!expect(r, t, T_LIST)) return 0;
  const n = r.readListBegin();
  if (n === 0) return 0;
  let found = LIST_NONEMPTY;
  if (r.elemType !== T_STRUCT) throw new ThriftDecodeError(`list of type ${r.elemType}, expected structs`);
  for (let i = 0; i < n; i++) {
    let timestamp = false;
    r.structBegin();
    for (let f = r.readFieldBegin(); f !== T_STOP; f = r.readFieldBegin()) {
      if (r.fieldId === 1 && expect(r, f, T_I64)) {
        r.readI64Parts();
        timestamp = true;
      } else if (r.fieldId === 2) found |= checkTagList(r, f) & LIST_UNKNOWN_TYPE;
      else if (r.fieldId !== 1) r.skip(f, 1);
    }
    r.structEnd();
    if (!timestamp) throw new ThriftDecodeError(`log without a timestamp (before offset ${r.pos})`);
  }
  return found;
}

function readerAt(wire: WireBytes, at: number): ThriftReader {
  return wire.compact ? new CompactReader(wire.buf, at) : new BinaryReader(wire.buf, at);
}

/** A stored span's tags, decoded again from the bytes it arrived in (they were checked on arrival). */
export function spanTags(s: SpanRecord): TagList | null {
  if (s.inline) return s.inline.tags;
  return s.tagsAt < 0 || wireGone(s.wire) ? null : readTagList(readerAt(s.wire, s.tagsAt), T_LIST);
}

/** A stored span's logs, decoded again from the bytes it arrived in. */
export function spanLogs(s: SpanRecord): LogRecord[] | null {
  if (s.inline) return s.inline.logs;
  return s.logsAt < 0 || wireGone(s.wire) ? null : readStructList(readerAt(s.wire, s.logsAt), T_LIST, readLog);
}
