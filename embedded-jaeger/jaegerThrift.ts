// Decodes jaeger.thrift Batch/Span/Process (and agent.thrift's emitBatch message) into the compact span model.
import {
  BinaryReader,
  CompactReader,
  StringTable,
  fast,
  MSG_CALL,
  MSG_ONEWAY,
  T_BOOL,
  T_DOUBLE,
  T_I32,
  T_I64,
  T_LIST,
  T_STOP,
  T_STRING,
  T_STRUCT,
  ThriftDecodeError,
  type ThriftReader,
  partsAreSafe,
  partsToDecimal,
  hexTrace,
  partsToNumber,
} from '../thrift/index.ts';
import {
  NOTE_UNKNOWN_REF_TYPE,
  NOTE_UNKNOWN_TAG_TYPE,
  SPAN_KINDS,
  TAG_BINARY,
  TAG_BOOL,
  TAG_DOUBLE,
  TAG_LONG,
  TAG_STRING,
  type DecodedBatch,
  type LogRecord,
  type ProcessRecord,
  type RefRecord,
  type SpanRecord,
  type TagList,
  type WireBytes,
} from './spanModel.ts';

/** Service, operation and tag names, and short tag values, shared across spans (see thrift/stringTable.ts). */
const strings = new StringTable();

function readName(r: ThriftReader): string {
  const at = r.readBinaryRange();
  return strings.get(r.buf, at, r.pos);
}

const NO_PARENT = '0000000000000000';

/** Spans of one trace often travel together: their id text is made once. */
let lastTrace = { hiHi: 0, hiLo: 0, loHi: 0, loLo: 0, hex: '' };
function traceHex(hiHi: number, hiLo: number, loHi: number, loLo: number): string {
  const l = lastTrace;
  if (l.loLo === loLo && l.loHi === loHi && l.hiLo === hiLo && l.hiHi === hiHi && l.hex) return l.hex;
  lastTrace = { hiHi, hiLo, loHi, loLo, hex: hexTrace(hiHi, hiLo, loHi, loLo) };
  return lastTrace.hex;
}

function expect(r: ThriftReader, got: number, want: number): boolean {
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
      value = binAt < 0 ? '' : fast(r.buf).base64Slice(binAt, binEnd);
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

function readTagList(r: ThriftReader, t: number): TagList | null {
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

/** NOTE_* bits raised while reading the current span's references. */
let refNotes = 0;

function readRef(r: ThriftReader): RefRecord {
  let refType = -1;
  let loHi = 0;
  let loLo = 0;
  let hiHi = 0;
  let hiLo = 0;
  let spanId: string | undefined;
  r.structBegin();
  for (let t = r.readFieldBegin(); t !== T_STOP; t = r.readFieldBegin()) {
    switch (r.fieldId) {
      case 1:
        if (expect(r, t, T_I32)) refType = r.readI32();
        break;
      case 2:
        if (expect(r, t, T_I64)) {
          r.readI64Parts();
          loHi = r.hi;
          loLo = r.lo;
        }
        break;
      case 3:
        if (expect(r, t, T_I64)) {
          r.readI64Parts();
          hiHi = r.hi;
          hiLo = r.lo;
        }
        break;
      case 4:
        if (expect(r, t, T_I64)) spanId = r.readI64Hex();
        break;
      default:
        r.skip(t, 1);
    }
  }
  r.structEnd();
  if (refType === -1) throw new ThriftDecodeError('span reference with no type');
  // Jaeger reads any type but CHILD_OF as FOLLOWS_FROM and keeps the span; noted so it shows as a warning.
  if (refType !== 0 && refType !== 1) refNotes |= NOTE_UNKNOWN_REF_TYPE;
  if (spanId === undefined) throw new ThriftDecodeError('span reference without a span id');
  return { refType, traceId: hexTrace(hiHi, hiLo, loHi, loLo), spanId };
}

function readStructList<T>(r: ThriftReader, t: number, read: (r: ThriftReader) => T): T[] | null {
  if (!expect(r, t, T_LIST)) return null;
  const n = r.readListBegin();
  if (n === 0) return null;
  if (r.elemType !== T_STRUCT) throw new ThriftDecodeError(`list of type ${r.elemType}, expected structs`);
  const out: T[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = read(r);
  return out;
}

/** Required-field bits of a Span: traceIdLow, spanId, operationName, startTime, duration. */
const SPAN_REQUIRED = 0b11111;

/** What checking a tag list found: whether it holds any tag, and error=true among them. */
const LIST_NONEMPTY = 1;
const LIST_ERROR = 2;
const LIST_UNKNOWN_TYPE = 4;
/** Bits 8+ carry the span.kind tag's value as an index into SPAN_KINDS. */
const LIST_KIND_SHIFT = 8;

const SPAN_KIND_KEY = Buffer.from('span.kind');
const KIND_VALUES = SPAN_KINDS.map((k) => Buffer.from(k));

function kindOf(buf: Buffer, at: number, end: number): number {
  for (let k = 1; k < KIND_VALUES.length; k++) {
    const v = KIND_VALUES[k]!;
    if (end - at === v.length && buf.compare(v, 0, v.length, at, end) === 0) return k;
  }
  return 0;
}

/** "error" as bytes, to spot the error tag without making a string. */
const ERROR_KEY = Buffer.from('error');

/**
 * Walks a tag list as readTagList would, throwing on exactly the same bad input, but keeps
 * nothing: ingest only needs to know the list is sound and whether it says error=true.
 */
function checkTagList(r: ThriftReader, t: number): number {
  if (!expect(r, t, T_LIST)) return 0;
  const n = r.readListBegin();
  if (n === 0) return 0;
  if (r.elemType !== T_STRUCT) throw new ThriftDecodeError(`tag list of type ${r.elemType}, expected structs`);
  let found = LIST_NONEMPTY;
  for (let i = 0; i < n; i++) {
    let keyAt = -1;
    let keyEnd = 0;
    let vType = -1;
    let bool = false;
    let strAt = -1;
    let strEnd = 0;
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
      } else r.skip(f, 1);
    }
    r.structEnd();
    if (keyAt < 0) throw new ThriftDecodeError(`tag without a key (before offset ${r.pos})`);
    if (vType === -1) throw new ThriftDecodeError(`tag "${strings.get(r.buf, keyAt, keyEnd).slice(0, 40)}" has no type`);
    if (vType > TAG_BINARY || vType < TAG_STRING) found |= LIST_UNKNOWN_TYPE;
    else if (vType === TAG_BOOL && bool && keyEnd - keyAt === 5 && r.buf.compare(ERROR_KEY, 0, 5, keyAt, keyEnd) === 0) found |= LIST_ERROR;
    else if (vType === TAG_STRING && strAt >= 0 && keyEnd - keyAt === 9 && r.buf.compare(SPAN_KIND_KEY, 0, 9, keyAt, keyEnd) === 0) {
      found = (found & 0xff) | (kindOf(r.buf, strAt, strEnd) << LIST_KIND_SHIFT);
    }
  }
  return found;
}

/** readLog's checks without keeping anything (see checkTagList); returns LIST_* bits (LIST_NONEMPTY when it holds a log). */
function checkLogList(r: ThriftReader, t: number): number {
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

function readSpan(r: ThriftReader, process: ProcessRecord, wire: WireBytes): SpanRecord {
  let seen = 0;
  let loHi = 0;
  let loLo = 0;
  let hiHi = 0;
  let hiLo = 0;
  let spanId = '';
  let parentSpanId = '';
  let operationName = '';
  let refs: RefRecord[] | null = null;
  let flags = 0;
  let startTime = 0;
  let duration = 0;
  let tagsAt = -1;
  let logsAt = -1;
  let error = false;
  let kind = 0;
  let notes = 0;
  refNotes = 0;
  r.structBegin();
  for (let t = r.readFieldBegin(); t !== T_STOP; t = r.readFieldBegin()) {
    switch (r.fieldId) {
      case 1:
        if (expect(r, t, T_I64)) {
          r.readI64Parts();
          loHi = r.hi;
          loLo = r.lo;
          seen |= 1;
        }
        break;
      case 2:
        if (expect(r, t, T_I64)) {
          r.readI64Parts();
          hiHi = r.hi;
          hiLo = r.lo;
        }
        break;
      case 3:
        if (expect(r, t, T_I64)) {
          spanId = r.readI64Hex();
          seen |= 2;
        }
        break;
      case 4:
        if (expect(r, t, T_I64)) {
          const id = r.readI64Hex();
          parentSpanId = id === NO_PARENT ? '' : id;
        }
        break;
      case 5:
        if (expect(r, t, T_STRING)) {
          operationName = readName(r);
          seen |= 4;
        }
        break;
      case 6:
        refs = readStructList(r, t, readRef);
        break;
      case 7:
        if (expect(r, t, T_I32)) flags = r.readI32();
        break;
      case 8:
        if (expect(r, t, T_I64)) {
          startTime = r.readI64Number();
          seen |= 8;
        }
        break;
      case 9:
        if (expect(r, t, T_I64)) {
          duration = r.readI64Number();
          seen |= 16;
        }
        break;
      case 10: {
        // Checked in full so a bad tag rejects the batch now; only the offset is kept.
        const at = r.pos;
        const found = checkTagList(r, t);
        if (found !== 0) tagsAt = at;
        error = (found & LIST_ERROR) !== 0;
        kind = found >>> LIST_KIND_SHIFT;
        if (found & LIST_UNKNOWN_TYPE) notes |= NOTE_UNKNOWN_TAG_TYPE;
        break;
      }
      case 11: {
        const at = r.pos;
        const found = checkLogList(r, t);
        if (found !== 0) logsAt = at;
        if (found & LIST_UNKNOWN_TYPE) notes |= NOTE_UNKNOWN_TAG_TYPE;
        break;
      }
      default:
        r.skip(t, 1);
    }
  }
  r.structEnd();
  if (seen !== SPAN_REQUIRED) throw new ThriftDecodeError(`span misses required field(s): ${missing(seen)}`);
  if (loHi === 0 && loLo === 0 && hiHi === 0 && hiLo === 0) throw new ThriftDecodeError(`span ${spanId} has trace id 0`);
  return {
    traceId: traceHex(hiHi, hiLo, loHi, loLo),
    spanId,
    parentSpanId,
    operationName,
    flags,
    startTime,
    duration,
    refs,
    wire,
    tagsAt,
    logsAt,
    error,
    kind,
    notes: notes | refNotes,
    inline: null,
    process,
    via: 0,
  };
}

function missing(seen: number): string {
  return ['traceIdLow', 'spanId', 'operationName', 'startTime', 'duration'].filter((_, i) => (seen & (1 << i)) === 0).join(', ');
}

function readProcess(r: ThriftReader): ProcessRecord {
  let serviceName: string | undefined;
  let tags: TagList | null = null;
  r.structBegin();
  for (let t = r.readFieldBegin(); t !== T_STOP; t = r.readFieldBegin()) {
    if (r.fieldId === 1 && expect(r, t, T_STRING)) serviceName = readName(r);
    else if (r.fieldId === 2) tags = readTagList(r, t);
    else if (r.fieldId !== 1) r.skip(t, 1);
  }
  r.structEnd();
  if (serviceName === undefined) throw new ThriftDecodeError('process without a serviceName');
  return { serviceName, tags, key: tags ? `${serviceName}\u0000${JSON.stringify(tags)}` : serviceName };
}

/** A client sends the same Process with every batch: its bytes are the key, so it is decoded once. */
const processByBytes = new Map<string, ProcessRecord>();
const MAX_PROCESSES = 1_000;

function readProcessOnce(r: ThriftReader): ProcessRecord {
  const start = r.pos;
  r.skip(T_STRUCT, 1);
  const bytes = fast(r.buf).latin1Slice(start, r.pos);
  const known = processByBytes.get(bytes);
  if (known) return known;
  const end = r.pos;
  r.pos = start;
  const p = readProcess(r);
  if (r.pos !== end) throw new ThriftDecodeError('process struct re-read to a different length');
  if (processByBytes.size >= MAX_PROCESSES) processByBytes.clear();
  processByBytes.set(bytes, p);
  return p;
}

/** Reads a Batch struct at the reader's position. */
export function readBatch(r: ThriftReader): DecodedBatch {
  const batchStart = r.pos;
  let process: ProcessRecord | undefined;
  let spans: SpanRecord[] | undefined;
  let seqNo = -1;
  let clientDropped = -1;
  // Spans may precede the process on the wire; their process is patched in afterwards.
  const placeholder: ProcessRecord = { serviceName: '', tags: null, key: '' };
  r.structBegin();
  for (let t = r.readFieldBegin(); t !== T_STOP; t = r.readFieldBegin()) {
    if (r.fieldId === 1 && t === T_STRUCT) process = readProcessOnce(r);
    else if (r.fieldId === 2 && t === T_LIST) {
      const n = r.readListBegin();
      if (n > 0 && r.elemType !== T_STRUCT) throw new ThriftDecodeError(`span list of type ${r.elemType}, expected structs`);
      const p = process ?? placeholder;
      const wire: WireBytes = { buf: r.buf, compact: r instanceof CompactReader };
      spans = new Array(n);
      for (let i = 0; i < n; i++) spans[i] = readSpan(r, p, wire);
    } else if (r.fieldId === 3 && t === T_I64) seqNo = r.readI64Number();
    else if (r.fieldId === 4 && t === T_STRUCT) clientDropped = readClientStats(r);
    else r.skip(t, 1);
  }
  r.structEnd();
  if (!process) throw new ThriftDecodeError('batch without a process');
  if (!spans) throw new ThriftDecodeError('batch without a span list');
  if (spans.length > 0 && spans[0]!.process === placeholder) for (const s of spans) s.process = process;
  let oddSpans = 0;
  for (const s of spans) if (s.notes !== 0) oddSpans++;
  return { process, spans, batchStart, batchEnd: r.pos, seqNo, clientDropped, oddSpans };
}

/** ClientStats: the spans the client says it dropped itself (full queue, too large, failed to emit), summed. */
function readClientStats(r: ThriftReader): number {
  let dropped = 0;
  r.structBegin();
  for (let t = r.readFieldBegin(); t !== T_STOP; t = r.readFieldBegin()) {
    if (r.fieldId >= 1 && r.fieldId <= 3 && t === T_I64) dropped += r.readI64Number();
    else r.skip(t, 1);
  }
  r.structEnd();
  return dropped;
}

/** Reads agent.thrift's `emitBatch` message (a oneway call whose field 1 is the Batch). */
export function readEmitBatch(r: ThriftReader): DecodedBatch {
  const head = r.readMessageBegin();
  if (head.name !== 'emitBatch') {
    throw new ThriftDecodeError(`unsupported agent method "${head.name.slice(0, 40)}" (only emitBatch is accepted)`);
  }
  if (head.type !== MSG_ONEWAY && head.type !== MSG_CALL) throw new ThriftDecodeError(`emitBatch sent as message type ${head.type}`);
  let batch: DecodedBatch | undefined;
  r.structBegin();
  for (let t = r.readFieldBegin(); t !== T_STOP; t = r.readFieldBegin()) {
    if (r.fieldId === 1 && t === T_STRUCT) batch = readBatch(r);
    else r.skip(t, 1);
  }
  r.structEnd();
  if (!batch) throw new ThriftDecodeError('emitBatch without a batch argument');
  return batch;
}

/** A UDP datagram on the compact port. */
export function decodeCompactEmitBatch(buf: Buffer): DecodedBatch {
  return readEmitBatch(new CompactReader(buf));
}

/** A UDP datagram on the binary port. */
export function decodeBinaryEmitBatch(buf: Buffer): DecodedBatch {
  return readEmitBatch(new BinaryReader(buf));
}

/** The collector's HTTP body: a bare binary Batch. */
export function decodeBinaryBatch(buf: Buffer): DecodedBatch {
  return readBatch(new BinaryReader(buf));
}

function readerAt(wire: WireBytes, at: number): ThriftReader {
  return wire.compact ? new CompactReader(wire.buf, at) : new BinaryReader(wire.buf, at);
}

/** A stored span's tags, decoded again from the bytes it arrived in (they were checked on arrival). */
export function spanTags(s: SpanRecord): TagList | null {
  if (s.inline) return s.inline.tags;
  return s.tagsAt < 0 ? null : readTagList(readerAt(s.wire, s.tagsAt), T_LIST);
}

/** A stored span's logs, decoded again from the bytes it arrived in. */
export function spanLogs(s: SpanRecord): LogRecord[] | null {
  if (s.inline) return s.inline.logs;
  return s.logsAt < 0 ? null : readStructList(readerAt(s.wire, s.logsAt), T_LIST, readLog);
}
