// A protocol-neutral description of a jaeger.thrift Batch for tests, and its conversion from fixture JSON.
import type { JaegerKeyValue, JaegerTrace } from '../model/index.ts';

export interface PlainTag {
  key: string;
  type: 'string' | 'float64' | 'bool' | 'int64' | 'binary';
  /** int64 as bigint, binary as bytes. */
  value: string | number | boolean | bigint | Buffer;
  /** Written instead of the type's own number (the compact test encoder only): an unknown type. */
  typeNumber?: number;
}
export interface PlainRef {
  /** 0 CHILD_OF, 1 FOLLOWS_FROM; other numbers only through the compact test encoder. */
  refType: number;
  traceIdHigh: bigint;
  traceIdLow: bigint;
  spanId: bigint;
}
export interface PlainSpan {
  traceIdHigh: bigint;
  traceIdLow: bigint;
  spanId: bigint;
  parentSpanId: bigint;
  operationName: string;
  references: PlainRef[];
  flags: number;
  startTime: number;
  duration: number;
  tags: PlainTag[];
  logs: { timestamp: number; fields: PlainTag[] }[];
}
export interface PlainBatch {
  process: { serviceName: string; tags: PlainTag[] };
  spans: PlainSpan[];
  /** Batch.seqNo and Batch.stats (compact test encoder only). */
  seqNo?: number;
  clientStats?: { fullQueueDroppedSpans: number; tooLargeDroppedSpans: number; failedToEmitSpans: number };
}

export const TAG_TYPES = ['string', 'float64', 'bool', 'int64', 'binary'] as const;

export function plainTag(kv: JaegerKeyValue): PlainTag {
  switch (kv.type) {
    case 'int64':
      return { key: kv.key, type: 'int64', value: BigInt(kv.value as string | number) };
    case 'binary':
      return { key: kv.key, type: 'binary', value: Buffer.from(String(kv.value), 'base64') };
    case 'bool':
      return { key: kv.key, type: 'bool', value: kv.value === true || kv.value === 'true' };
    case 'float64':
      return { key: kv.key, type: 'float64', value: Number(kv.value) };
    default:
      return { key: kv.key, type: 'string', value: String(kv.value) };
  }
}

/**
 * Fixture ids are not always hex ("trace-123"); those get stand-in hex ids. `hexOf` maps a
 * fixture id to the 16-digit form the query API will print.
 */
export function idMapper(): (id: string) => string {
  const map = new Map<string, string>();
  return (id) => {
    let hex = map.get(id);
    if (!hex) {
      hex = /^[0-9a-f]{16}$|^[0-9a-f]{32}$/.test(id) ? id : (0x5000 + map.size).toString(16).padStart(16, '0');
      map.set(id, hex);
    }
    return hex;
  };
}

function split(hex: string): { high: bigint; low: bigint } {
  const padded = hex.padStart(32, '0');
  return { high: BigInt(`0x${padded.slice(0, 16)}`), low: BigInt(`0x${padded.slice(16)}`) };
}

/**
 * One batch per span, in fixture order, so arrival order (and with it Jaeger's p1, p2…
 * numbering) is the fixture's. With `parentAsField`, a lone same-trace CHILD_OF reference is
 * sent jaeger-client style: as parentSpanId with no references.
 */
export function batchesFromTrace(trace: JaegerTrace, hexOf: (id: string) => string, parentAsField = false): PlainBatch[] {
  return trace.spans.map((s) => {
    const t = split(hexOf(s.traceID));
    let references: PlainRef[] = s.references.map((r) => {
      const rt = split(hexOf(r.traceID));
      return { refType: r.refType === 'CHILD_OF' ? 0 : 1, traceIdHigh: rt.high, traceIdLow: rt.low, spanId: split(hexOf(r.spanID)).low };
    });
    let parentSpanId = 0n;
    if (parentAsField && references.length === 1 && references[0]!.refType === 0 && hexOf(s.references[0]!.traceID) === hexOf(s.traceID)) {
      parentSpanId = references[0]!.spanId;
      references = [];
    }
    const p = trace.processes[s.processID]!;
    return {
      process: { serviceName: p.serviceName, tags: p.tags.map(plainTag) },
      spans: [
        {
          traceIdHigh: t.high,
          traceIdLow: t.low,
          spanId: split(hexOf(s.spanID)).low,
          parentSpanId,
          operationName: s.operationName,
          references,
          flags: s.flags ?? 0,
          startTime: s.startTime,
          duration: s.duration,
          tags: s.tags.map(plainTag),
          logs: s.logs.map((l) => ({ timestamp: l.timestamp, fields: l.fields.map(plainTag) })),
        },
      ],
    };
  });
}

/** What the query API should answer for a fixture sent through thrift: ids mapped, bools real, no warnings (thrift has none). */
export function expectedTrace(trace: JaegerTrace, hexOf: (id: string) => string): JaegerTrace {
  const kv = (x: JaegerKeyValue): JaegerKeyValue => (x.type === 'bool' ? { ...x, value: x.value === true || x.value === 'true' } : x);
  return {
    traceID: hexOf(trace.traceID),
    spans: trace.spans.map((s) => ({
      traceID: hexOf(s.traceID),
      spanID: hexOf(s.spanID),
      ...(s.flags ? { flags: s.flags } : {}),
      operationName: s.operationName,
      references: s.references.map((r) => ({ refType: r.refType, traceID: hexOf(r.traceID), spanID: hexOf(r.spanID) })),
      startTime: s.startTime,
      duration: s.duration,
      tags: s.tags.map(kv),
      logs: s.logs.map((l) => ({ timestamp: l.timestamp, fields: l.fields.map(kv) })),
      processID: s.processID,
      warnings: null,
    })),
    processes: Object.fromEntries(
      Object.entries(trace.processes).map(([k, p]) => [k, { serviceName: p.serviceName, tags: p.tags.map(kv) }]),
    ),
    warnings: null,
  };
}
