// What the trace store counts as held in bytes: a span's own estimate (measured against the heap) and its batch's wire bytes, right-sized.
import type { SpanRecord, TagList, WireBytes } from './spanModel.ts';

/**
 * What a stored span holds besides its strings and tags: the record (~20 fields), its slot in the trace's
 * list and its id index, found by measuring (test/jaeger/storeBytes.test.ts: heap + array buffers against the count).
 */
const SPAN_RECORD_BYTES = 260;
/** A string's header; its characters count one byte each (ids, names and tags are nearly always Latin-1). */
const STRING_BYTES = 16;
/** A tag triplet's three slots in its list. */
const TAG_SLOT_BYTES = 24;

function stringBytes(v: unknown): number {
  return typeof v === 'string' ? STRING_BYTES + v.length : 0;
}

function tagListBytes(list: TagList | null): number {
  if (!list) return 0;
  let n = 16;
  for (let i = 0; i < list.length; i += 3) n += TAG_SLOT_BYTES + stringBytes(list[i]) + stringBytes(list[i + 2]);
  return n;
}

/** What a span holds on its own in the store (estimated); the wire bytes it shares with its batch are counted once per batch. */
export function retainedSpanBytes(s: SpanRecord): number {
  let n = SPAN_RECORD_BYTES + stringBytes(s.spanId) + stringBytes(s.operationName);
  if (s.refs) n += s.refs.length * 64;
  if (s.inline) {
    n += tagListBytes(s.inline.tags);
    if (s.inline.logs) for (const l of s.inline.logs) n += 48 + tagListBytes(l.fields);
  }
  return n;
}

/** Below this share of its memory a batch's bytes are copied out, so a small body never pins a big (pooled) buffer. */
const WIRE_COPY_BELOW = 0.75;

/** The batch's bytes in memory of their own when they sit in a much larger buffer (Node pools small ones), so counting them is counting what stays. */
export function rightSized(wire: WireBytes): WireBytes {
  const buf = wire.buf;
  if (buf.byteLength >= buf.buffer.byteLength * WIRE_COPY_BELOW) return wire;
  const own = Buffer.allocUnsafeSlow(buf.byteLength);
  buf.copy(own);
  return { buf: own, compact: wire.compact };
}
