// The store's compact span model: what a decoded jaeger.thrift Batch becomes, sized to stay under 1 KiB a span.

/** Tag value types, numbered as jaeger.thrift's TagType enum. */
export const TAG_STRING = 0;
export const TAG_DOUBLE = 1;
export const TAG_BOOL = 2;
export const TAG_LONG = 3;
export const TAG_BINARY = 4;

/**
 * Tags flattened into one array of triplets [key, type, value, key, type, value, …] — one
 * allocation instead of an object per tag. A LONG beyond ±(2^53−1) is kept as its decimal
 * string; a BINARY as base64.
 */
export type TagList = (string | number | boolean)[];

export interface LogRecord {
  /** µs since the epoch. */
  timestamp: number;
  fields: TagList;
}

export const REF_CHILD_OF = 0;
export const REF_FOLLOWS_FROM = 1;

export interface RefRecord {
  refType: number;
  traceId: string;
  spanId: string;
}

export interface ProcessRecord {
  serviceName: string;
  tags: TagList | null;
  /** Identity of the process (service + tags), so identical processes are stored once. */
  key: string;
}

/** Which door a span came in by; also the index into the per-transport stats. */
export const VIA_UDP_COMPACT = 0;
export const VIA_UDP_BINARY = 1;
export const VIA_HTTP = 2;
/** OTLP/HTTP (protobuf or JSON) on the collector's port and the OTLP port. */
export const VIA_OTLP = 3;
export const TRANSPORTS = ['udpCompact', 'udpBinary', 'http', 'otlp'] as const;
export type TransportName = (typeof TRANSPORTS)[number];

/** A datagram or body as received, shared by the spans of its batch. */
export interface WireBytes {
  readonly buf: Buffer;
  /** Thrift compact protocol (else binary). */
  readonly compact: boolean;
}

/** OpenTelemetry's span kinds, numbered as OTLP numbers them (0 = not said). */
export { OTLP_SPAN_KINDS as SPAN_KINDS } from '../model/index.ts';

/** What arrived odd but was kept (shown as span warnings, counted per door). */
export const NOTE_UNKNOWN_TAG_TYPE = 1;
export const NOTE_UNKNOWN_REF_TYPE = 2;

/** Tags and logs of a span that did not arrive as Thrift (OTLP): already in the store's shape. */
export interface InlineFields {
  tags: TagList | null;
  logs: LogRecord[] | null;
}

export interface SpanRecord {
  /** Lowercase hex as Jaeger prints it: 16 digits, or 32 when the high half is not zero. */
  traceId: string;
  spanId: string;
  /** '' when the span has no parent id. */
  parentSpanId: string;
  operationName: string;
  flags: number;
  /** µs since the epoch. */
  startTime: number;
  /** µs. */
  duration: number;
  refs: RefRecord[] | null;
  /**
   * Tags and logs stay in the bytes they arrived in (checked while decoding, decoded again
   * when a query needs them): most spans are stored and evicted unread, and keeping them as
   * objects made garbage collection the cost of ingest.
   */
  wire: WireBytes;
  /** Offsets in `wire.buf` of the span's tag and log lists; -1 when it has none. */
  tagsAt: number;
  logsAt: number;
  /** The span carries the tag error=true (live summaries need it without decoding). */
  error: boolean;
  /** Index into SPAN_KINDS, from the span.kind tag or OTLP's kind. */
  kind: number;
  /** NOTE_* bits. */
  notes: number;
  /** Set for spans that did not arrive as Thrift; then tagsAt/logsAt are -1. */
  inline: InlineFields | null;
  process: ProcessRecord;
  via: number;
}

export interface DecodedBatch {
  process: ProcessRecord;
  spans: SpanRecord[];
  /** Byte range of the Batch struct in the input, so it can be forwarded without re-encoding. */
  batchStart: number;
  batchEnd: number;
  /** Batch.seqNo (newer clients number their batches so gaps show lost datagrams); -1 when absent. */
  seqNo: number;
  /** Batch.stats: the client's own count of spans it dropped (full queue + too large + failed to emit); -1 when absent. */
  clientDropped: number;
  /** Spans kept despite an unknown tag or reference type. */
  oddSpans: number;
}
