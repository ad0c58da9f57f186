// A finished jaeger-client span written as jaeger.thrift's Span in Thrift binary with the project's writer (the span reporter's encoding).
import { type BinaryWriter, T_DOUBLE, T_I32, T_I64, T_LIST, T_STRING, T_STRUCT } from '../../thrift/index.ts';

export interface Tag {
  key: string;
  value: unknown;
}
interface RefLike {
  type(): string;
  referencedContext(): { traceId?: Buffer; spanId?: Buffer };
}
/** The jaeger-client Span fields a reporter reads (as its own RemoteReporter does). */
export interface JaegerSpan {
  _spanContext: { traceId: Buffer; spanId: Buffer; parentId: Buffer | null; flags: number };
  _operationName: string;
  _startTime: number;
  _duration: number;
  _tags: Tag[];
  _logs: { timestamp: number; fields: Tag[] }[];
  _references: RefLike[];
}

const TAG_STRING = 0;
const TAG_DOUBLE = 1;
const TAG_BOOL = 2;
const REF_CHILD_OF = 0;
const REF_FOLLOWS_FROM = 1;
const TWO_32 = 2 ** 32;

/** An 8-byte id (or the low/high half of a 16-byte trace id) as an i64. */
function writeId(w: BinaryWriter, id: Buffer | null | undefined, offset = 0) {
  if (!id || id.length < offset + 8) return w.writeI64Parts(0, 0);
  w.writeI64Parts(id.readUInt32BE(offset), id.readUInt32BE(offset + 4));
}

/** A trace id as jaeger.thrift's two i64 fields: the low half in `lowField`, the high half (0 for a 64-bit id) in `highField`. */
function writeTraceId(w: BinaryWriter, id: Buffer | undefined, lowField: number, highField: number) {
  const long = (id?.length ?? 0) > 8;
  w.writeFieldBegin(T_I64, lowField);
  writeId(w, id, long ? 8 : 0);
  w.writeFieldBegin(T_I64, highField);
  if (long) writeId(w, id, 0);
  else w.writeI64Parts(0, 0);
}

function writeMicros(w: BinaryWriter, ms: number) {
  const us = Math.round(ms * 1000);
  w.writeI64Parts(Math.floor(us / TWO_32), us >>> 0);
}

export function writeTags(w: BinaryWriter, fieldId: number, tags: Tag[]) {
  w.writeFieldBegin(T_LIST, fieldId);
  w.writeListBegin(T_STRUCT, tags.length);
  for (const t of tags) {
    w.structBegin();
    w.writeFieldBegin(T_STRING, 1);
    w.writeString(t.key);
    w.writeFieldBegin(T_I32, 2);
    const v = t.value;
    if (typeof v === 'number') {
      w.writeI32(TAG_DOUBLE);
      w.writeFieldBegin(T_DOUBLE, 4);
      w.writeDouble(v);
    } else if (typeof v === 'boolean') {
      w.writeI32(TAG_BOOL);
      w.writeBoolField(5, v);
    } else {
      w.writeI32(TAG_STRING);
      w.writeFieldBegin(T_STRING, 3);
      w.writeString(typeof v === 'string' ? v : v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    w.writeFieldStop();
    w.structEnd();
  }
}

/** jaeger.thrift's Span struct. */
export function writeSpan(w: BinaryWriter, span: JaegerSpan) {
  const ctx = span._spanContext;
  w.structBegin();
  writeTraceId(w, ctx.traceId, 1, 2);
  w.writeFieldBegin(T_I64, 3);
  writeId(w, ctx.spanId);
  w.writeFieldBegin(T_I64, 4);
  writeId(w, ctx.parentId);
  w.writeFieldBegin(T_STRING, 5);
  w.writeString(span._operationName);
  const refs = span._references.filter((r) => r.type() === 'child_of' || r.type() === 'follows_from');
  if (refs.length > 0) {
    w.writeFieldBegin(T_LIST, 6);
    w.writeListBegin(T_STRUCT, refs.length);
    for (const r of refs) {
      const rc = r.referencedContext();
      w.structBegin();
      w.writeFieldBegin(T_I32, 1);
      w.writeI32(r.type() === 'follows_from' ? REF_FOLLOWS_FROM : REF_CHILD_OF);
      writeTraceId(w, rc.traceId, 2, 3);
      w.writeFieldBegin(T_I64, 4);
      writeId(w, rc.spanId);
      w.writeFieldStop();
      w.structEnd();
    }
  }
  w.writeFieldBegin(T_I32, 7);
  w.writeI32(ctx.flags);
  w.writeFieldBegin(T_I64, 8);
  writeMicros(w, span._startTime);
  w.writeFieldBegin(T_I64, 9);
  writeMicros(w, span._duration);
  if (span._tags.length > 0) writeTags(w, 10, span._tags);
  if (span._logs.length > 0) {
    w.writeFieldBegin(T_LIST, 11);
    w.writeListBegin(T_STRUCT, span._logs.length);
    for (const l of span._logs) {
      w.structBegin();
      w.writeFieldBegin(T_I64, 1);
      writeMicros(w, l.timestamp);
      writeTags(w, 2, l.fields);
      w.writeFieldStop();
      w.structEnd();
    }
  }
  w.writeFieldStop();
  w.structEnd();
}
