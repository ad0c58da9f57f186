// Decodes jaeger.thrift Batch/Span/Process (and agent.thrift's emitBatch message) into the compact span model; tag and log lists in jaegerThriftTags.ts.
// Over 300 lines: one decoder for both Thrift protocols, Batch, Span and Process read side by side so the compact and binary paths stay in step.
import {
  BinaryReader,
  CompactReader,
  hexTrace,
  latin1Text,
  MSG_CALL,
  MSG_ONEWAY,
  ThriftDecodeError,
  type ThriftReader,
} from '../thrift/index.ts';
import { T_I32, T_I64, T_LIST, T_STOP, T_STRING, T_STRUCT } from '../thrift/index.ts';
import {
  NOTE_UNKNOWN_REF_TYPE,
  NOTE_UNKNOWN_TAG_TYPE,
  type DecodedBatch,
  type ProcessRecord,
  type RefRecord,
  type SpanRecord,
  type TagList,
  type WireBytes,
} from './spanModel.ts';
import {
  checkLogList,
  checkTagList,
  expect,
  LIST_ERROR,
  LIST_KIND_SHIFT,
  LIST_UNKNOWN_TYPE,
  readName,
  readStructList,
  readTagList,
} from './jaegerThriftTags.ts';

const NO_PARENT = '0000000000000000';

/** Spans of one trace often travel together: their id text is made once. */
let lastTrace = { hiHi: 0, hiLo: 0, loHi: 0, loLo: 0, hex: '' };
function traceHex(hiHi: number, hiLo: number, loHi: number, loLo: number): string {
  const l = lastTrace;
  if (l.loLo === loLo && l.loHi === loHi && l.hiLo === hiLo && l.hiHi === hiHi && l.hex) return l.hex;
  lastTrace = { hiHi, hiLo, loHi, loLo, hex: hexTrace(hiHi, hiLo, loHi, loLo) };
  return lastTrace.hex;
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

/** Required-field bits of a Span: traceIdLow, spanId, operationName, startTime, duration. */
const SPAN_REQUIRED = 0b11111;

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
  const bytes = latin1Text(r.buf, start, r.pos);
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
