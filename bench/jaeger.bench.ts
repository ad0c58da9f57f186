// Embedded Jaeger: spans/s through each door (Thrift binary, compact, OTLP protobuf and JSON) against the reference decoders, on equal work, cold and warm; store bytes per span.
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
// The pieces timed on their own, imported from their files as a test would (the door exports only what other parts use).
import { decodeBinaryBatch, decodeCompactEmitBatch } from '../embedded-jaeger/jaegerThrift.ts';
import { spanLogs, spanTags } from '../embedded-jaeger/jaegerThriftTags.ts';
import { decodeOtlpJson, decodeOtlpProtobuf } from '../embedded-jaeger/otlp/otlpDecode.ts';
import { otlpToBatches } from '../embedded-jaeger/otlp/otlpToSpans.ts';
import { VIA_HTTP, VIA_OTLP, VIA_UDP_COMPACT, type DecodedBatch } from '../embedded-jaeger/spanModel.ts';
import { TraceStore } from '../embedded-jaeger/traceStore.ts';
import { ExportTraceServiceRequest } from '../embedded-jaeger/otlp/otlpSchema.ts';
import { BinaryReader, compactEmitBatch } from '../thrift/index.ts';
import { jaegerThrift, thriftrwDecodeBatch } from '../devkit/index.ts';
import { median } from '../model/index.ts';

// ExportTraceServiceRequest: the same generated OTLP schema the door decodes with; protobufjs's own decode is the OTLP baseline.

const SPANS_PER_BATCH = 10;
const BATCHES = 1_000;
const ROUNDS = 7;

function i64(v: bigint | number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt.asIntN(64, BigInt(v)));
  return b;
}
const empty = Buffer.alloc(0);

/** One batch's content, written below as Thrift (jaeger-client style) and as OTLP. */
function spanContent(n: number, i: number) {
  const start = 1_700_000_000_000_000 + n * 1000 + i * 50;
  return {
    trace: 0x1234_5678_0000n + BigInt(n),
    spanId: BigInt(n) * 100n + BigInt(i) + 1n,
    parent: i === 0 ? 0n : BigInt(n) * 100n + 1n,
    op: i === 0 ? 'GET /api/orders/:id' : `SELECT orders ${i % 3}`,
    start,
    duration: 200 + ((n * 7 + i * 13) % 5000),
    kind: i === 0 ? 'server' : 'client',
    tags: { component: 'express', 'http.method': 'GET', 'http.url': `/api/orders/${n}`, 'http.status_code': 200, error: false } as Record<
      string,
      string | number | boolean
    >,
    log: i % 2 === 0 ? { at: start + 10, fields: { event: 'waiting behind', queue: i } } : undefined,
  };
}
const PROCESS_TAGS = { 'jaeger.version': 'Node-3.19.0', hostname: 'stage-laptop', ip: '127.0.0.1', 'client-uuid': 'a1b2c3d4e5f60718' };

/** Tags the way jaeger-client writes them: every value field present, the type saying which counts. */
function clientTag(key: string, value: string | number | boolean): object {
  const t = { key, vType: 'STRING', vStr: '', vDouble: 0, vBool: false, vLong: i64(0), vBinary: empty };
  if (typeof value === 'number') Object.assign(t, { vType: 'DOUBLE', vDouble: value });
  else if (typeof value === 'boolean') Object.assign(t, { vType: 'BOOL', vBool: value });
  else t.vStr = value;
  return t;
}

function thriftBatch(n: number): Buffer {
  const spans = Array.from({ length: SPANS_PER_BATCH }, (_, i) => {
    const c = spanContent(n, i);
    return new jaegerThrift.Span({
      traceIdLow: i64(c.trace),
      traceIdHigh: i64(0),
      spanId: i64(c.spanId),
      parentSpanId: i64(c.parent),
      operationName: c.op,
      references: [],
      flags: 1,
      startTime: i64(c.start),
      duration: i64(c.duration),
      tags: [clientTag('span.kind', c.kind), ...Object.entries(c.tags).map(([k, v]) => clientTag(k, v))],
      logs: c.log ? [{ timestamp: i64(c.log.at), fields: Object.entries(c.log.fields).map(([k, v]) => clientTag(k, v)) }] : [],
    });
  });
  const process = new jaegerThrift.Process({
    serviceName: `orders-${n % 50}`,
    tags: Object.entries(PROCESS_TAGS).map(([k, v]) => clientTag(k, v)),
  });
  const r = jaegerThrift.Batch.rw.toBuffer(new jaegerThrift.Batch({ process, spans }));
  if (r.err) throw r.err;
  return r.value as Buffer;
}

/** The same content as an OTLP request, in its JSON form (hex ids, ns as decimal text). */
function otlpJsonObject(n: number): object {
  const hex = (v: bigint, digits: number) => v.toString(16).padStart(digits, '0');
  const value = (v: string | number | boolean) =>
    typeof v === 'string'
      ? { stringValue: v }
      : typeof v === 'boolean'
        ? { boolValue: v }
        : Number.isInteger(v)
          ? { intValue: String(v) }
          : { doubleValue: v };
  const attrs = (o: Record<string, string | number | boolean>) => Object.entries(o).map(([key, v]) => ({ key, value: value(v) }));
  const spans = Array.from({ length: SPANS_PER_BATCH }, (_, i) => {
    const c = spanContent(n, i);
    return {
      traceId: hex(c.trace, 32),
      spanId: hex(c.spanId, 16),
      ...(c.parent ? { parentSpanId: hex(c.parent, 16) } : {}),
      name: c.op,
      kind: c.kind === 'server' ? 2 : 3,
      startTimeUnixNano: `${c.start}000`,
      endTimeUnixNano: `${c.start + c.duration}000`,
      attributes: attrs(c.tags),
      events: c.log
        ? [{ timeUnixNano: `${c.log.at}000`, name: String(c.log.fields.event), attributes: attrs({ queue: c.log.fields.queue }) }]
        : [],
    };
  });
  return {
    resourceSpans: [
      {
        resource: { attributes: attrs({ 'service.name': `orders-${n % 50}`, ...PROCESS_TAGS }) },
        scopeSpans: [{ scope: { name: 'express' }, spans }],
      },
    ],
  };
}

function otlpProtobuf(json: object): Buffer {
  // Ids as bytes for the protobuf form.
  const copy = JSON.parse(JSON.stringify(json), (k, v) =>
    ['traceId', 'spanId', 'parentSpanId'].includes(k) ? Buffer.from(v as string, 'hex') : v,
  );
  return Buffer.from(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(copy)).finish());
}

/** Reads what a decoder left lazy, so every contender has every tag and log in hand. */
function readAll(b: DecodedBatch): void {
  for (const s of b.spans) {
    spanTags(s);
    spanLogs(s);
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Spans per second for one pass over `inputs`. */
function pass<T>(inputs: T[], work: (x: T) => void): number {
  const t0 = performance.now();
  for (const x of inputs) work(x);
  return (inputs.length * SPANS_PER_BATCH) / ((performance.now() - t0) / 1000);
}

export async function run(): Promise<void> {
  throughput();
  // Separate functions: nothing of the throughput rounds stays reachable while the heap is measured.
  for (const door of ['Thrift binary', 'OTLP protobuf'] as const) retained(door);
}

function throughput(): void {
  // Warm: the same batches every round (string tables, caches and JIT all settled). Cold: a slice never decoded before, per round.
  const warm = Array.from({ length: BATCHES }, (_, n) => thriftBatch(n));
  const warmCompact = warm.map((b, n) => compactEmitBatch(new BinaryReader(b), n));
  const warmOtlpJson = Array.from({ length: BATCHES }, (_, n) => otlpJsonObject(n));
  const warmProto = warmOtlpJson.map(otlpProtobuf);
  const warmJson = warmOtlpJson.map((o) => Buffer.from(JSON.stringify(o)));
  const coldBase = 1_000_000;
  const cold = Array.from({ length: ROUNDS }, (_, r) => Array.from({ length: BATCHES }, (_, n) => thriftBatch(coldBase + r * BATCHES + n)));
  const coldProto = Array.from({ length: ROUNDS }, (_, r) =>
    Array.from({ length: BATCHES }, (_, n) => otlpProtobuf(otlpJsonObject(coldBase + r * BATCHES + n))),
  );
  const avg = (xs: Buffer[]) => Math.round(xs.reduce((s, b) => s + b.length, 0) / xs.length);
  console.log(
    `${BATCHES} batches × ${SPANS_PER_BATCH} spans (6 tags each, a log on every other span): ${avg(warm)} bytes/batch Thrift binary, ${avg(warmCompact)} compact, ${avg(warmProto)} OTLP protobuf, ${avg(warmJson)} OTLP JSON`,
  );

  // Ingest into stores in steady state (bounded, evicting), fresh trace ids each pass so nothing is a duplicate.
  const stores = {
    binary: new TraceStore(30_000, 20_000),
    compact: new TraceStore(30_000, 20_000),
    proto: new TraceStore(30_000, 20_000),
    json: new TraceStore(30_000, 20_000),
  };
  const CYCLE = ROUNDS;
  const fresh = Array.from({ length: CYCLE }, (_, c) =>
    Array.from({ length: BATCHES }, (_, n) => otlpJsonObject(2_000_000 + c * BATCHES + n)),
  );
  const freshThrift = fresh.map((slice, c) => slice.map((_, n) => thriftBatch(2_000_000 + c * BATCHES + n)));
  const freshCompact = freshThrift.map((slice) => slice.map((b, n) => compactEmitBatch(new BinaryReader(b), n)));
  const freshProto = fresh.map((slice) => slice.map(otlpProtobuf));
  const freshJson = fresh.map((slice) => slice.map((o) => Buffer.from(JSON.stringify(o))));

  const results: Record<string, number[]> = {};
  const record = (name: string, v: number) => (results[name] ??= []).push(v);
  for (let r = 0; r < ROUNDS; r++) {
    const c = r;
    // Each round in a different order, so a neighbour's burst or a GC does not always land on the same contender.
    const contenders: [string, () => number][] = [
      ['thriftrw decode, warm', () => pass(warm, (b) => thriftrwDecodeBatch(b))],
      ['ours decode + read all tags/logs, warm', () => pass(warm, (b) => readAll(decodeBinaryBatch(b)))],
      ['ours decode (tags/logs left lazy), warm', () => pass(warm, (b) => decodeBinaryBatch(b))],
      ['thriftrw decode, cold', () => pass(cold[r]!, (b) => thriftrwDecodeBatch(b))],
      ['ours decode + read all tags/logs, cold', () => pass(cold[r]!, (b) => readAll(decodeBinaryBatch(Buffer.from(b))))],
      [
        'ours decode + ingest, Thrift binary (HTTP)',
        () => pass(freshThrift[c]!, (b) => stores.binary.ingest(decodeBinaryBatch(b), VIA_HTTP)),
      ],
      [
        'ours decode + ingest, Thrift compact (UDP)',
        () => pass(freshCompact[c]!, (b) => stores.compact.ingest(decodeCompactEmitBatch(b), VIA_UDP_COMPACT)),
      ],
      ['protobufjs decode only (OTLP baseline), warm', () => pass(warmProto, (b) => ExportTraceServiceRequest.decode(b))],
      ['ours OTLP protobuf decode + map, warm', () => pass(warmProto, (b) => otlpToBatches(decodeOtlpProtobuf(b)))],
      ['protobufjs decode only, cold', () => pass(coldProto[r]!, (b) => ExportTraceServiceRequest.decode(b))],
      ['ours OTLP protobuf decode + map, cold', () => pass(coldProto[r]!, (b) => otlpToBatches(decodeOtlpProtobuf(Buffer.from(b))))],
      [
        'ours decode + ingest, OTLP protobuf',
        () =>
          pass(freshProto[c]!, (b) => {
            for (const x of otlpToBatches(decodeOtlpProtobuf(b))) stores.proto.ingest(x, VIA_OTLP);
          }),
      ],
      [
        'ours decode + ingest, OTLP JSON',
        () =>
          pass(freshJson[c]!, (b) => {
            for (const x of otlpToBatches(decodeOtlpJson(b))) stores.json.ingest(x, VIA_OTLP);
          }),
      ],
    ];
    const order = r % 2 === 0 ? contenders : [...contenders].reverse();
    for (const [name, f] of order) record(name, f());
  }
  const base = median(results['thriftrw decode, warm']!);
  const baseCold = median(results['thriftrw decode, cold']!);
  const baseProto = median(results['protobufjs decode only (OTLP baseline), warm']!);
  console.log(`median of ${ROUNDS} alternating rounds [min–max], spans/s:`);
  for (const [name, xs] of Object.entries(results)) {
    const m = median(xs);
    const vs =
      name.includes('OTLP') || name.includes('protobufjs')
        ? name.includes('cold')
          ? median(results['protobufjs decode only, cold']!)
          : baseProto
        : name.includes('cold')
          ? baseCold
          : base;
    const against = name.includes('OTLP') || name.includes('protobufjs') ? 'protobufjs' : 'thriftrw';
    console.log(
      `  ${name.padEnd(46)} ${fmt(m).padStart(10)}  [${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}]  ${(m / vs).toFixed(2)}× ${against}`,
    );
  }
  console.log(
    `(load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${os.cpus().length} cores; ingest takes never-seen trace ids every round; cold = batches this decoder never saw)`,
  );
  if (stores.binary.evictedSpans === 0) throw new Error('the steady-state store never evicted');
}

/** Retained heap per stored span: 200,000 distinct spans into a fresh store, measured between full GCs. */
export function retained(door: 'Thrift binary' | 'OTLP protobuf'): void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const heap = () => {
    gc();
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const thrift = door === 'Thrift binary';
  const input = Array.from({ length: 20_000 }, (_, n) =>
    thrift ? thriftBatch(3_000_000 + n) : otlpProtobuf(otlpJsonObject(3_000_000 + n)),
  );
  const before = heap();
  const store = new TraceStore(1e9, 1e9);
  // A copy per batch, as each datagram or body is its own buffer: Thrift spans keep their tags and logs in it, so it counts.
  for (const b of input) {
    const copy = Buffer.from(b);
    if (thrift) store.ingest(decodeBinaryBatch(copy), VIA_HTTP);
    else for (const x of otlpToBatches(decodeOtlpProtobuf(copy))) store.ingest(x, VIA_OTLP);
  }
  const after = heap();
  console.log(
    `store (${door}): ${fmt(store.spanCount)} spans retain ${fmt((after - before) / 1024 / 1024)} MiB → ${Math.round((after - before) / store.spanCount)} bytes/span (aim ≤ 1024)`,
  );
  if (store.spanCount !== input.length * SPANS_PER_BATCH) throw new Error('bench ingest lost spans');
}
