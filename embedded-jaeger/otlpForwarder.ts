// Forwards every span, whichever door it came in by, to an OTLP/HTTP endpoint (Jaeger v2, an OpenTelemetry Collector…) as protobuf: batched, retried with backoff, bounded in memory, never in the way of ingest.
import type { Log } from '../pkg/index.ts';
import { ExportTraceServiceRequest } from './otlp/otlpSchema.ts';
import { toOtlpResourceSpans } from './otlpFromJaeger.ts';
import type { SpanRecord } from './spanModel.ts';
import { holdWire, releaseWire } from './wireSlabs.ts';
import { toJaegerTrace } from './traceJson.ts';
import type { TraceRecord } from './traceStore.ts';

/**
 * The one place the OTLP protobuf schema is reached from here (OpenTelemetry's generated protobufjs
 * schema, as otlp/otlpDecode.ts reads it): an ExportTraceServiceRequest object in, its bytes out.
 */
function encodeExportRequest(request: Record<string, unknown>): Uint8Array {
  return ExportTraceServiceRequest.encode(ExportTraceServiceRequest.fromObject(request)).finish();
}

export interface OtlpForwardStats {
  target: string | null;
  /** Spans the endpoint accepted. */
  sent: number;
  /** Requests that failed (each is retried unless the endpoint refused the spans for good). */
  failed: number;
  /** Spans given up: the buffer was full, or the endpoint refused them as bad (4xx). */
  dropped: number;
  /** Spans waiting in the buffer. */
  queued: number;
}

export interface OtlpForwarderOptions {
  /** The full OTLP/HTTP traces URL, e.g. http://127.0.0.1:4318/v1/traces. */
  url: string;
  log: Log;
  /** Spans held while the endpoint is slow or down (default 100,000); past it new spans are dropped and counted. */
  maxQueuedSpans?: number;
  /** Spans per request (default 1,000). */
  batchSpans?: number;
  /** How long a part-full batch waits for more spans (default 200 ms). */
  flushMs?: number;
  /** First and largest wait before retrying a failed request (default 500 ms doubling to 30 s). */
  retryFirstMs?: number;
  retryMaxMs?: number;
  /** One request's deadline (default 10 s). */
  timeoutMs?: number;
  /** How long stopping may spend sending what is queued (default 2 s); what is left then is counted dropped. */
  closeMs?: number;
}

export interface OtlpForwarder {
  /** Queues the spans (references only: the work of encoding is done later, off the ingest path). */
  forward(spans: readonly SpanRecord[]): void;
  stats(): OtlpForwardStats;
  /** Sends what is queued, for at most `closeMs`, and stops. */
  close(): Promise<void>;
}

const LOG_EVERY_MS = 5_000;

const hexBytes = (hex: string) => Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');

/** The spans as OTLP resource spans, mapped as Jaeger's v3 API shows them (otlpFromJaeger.ts), ids as bytes for the encoder. */
function exportRequest(spans: SpanRecord[]): Record<string, unknown> {
  // A batch holds spans of many traces; the rendering only reads each span's own trace id.
  const batch: TraceRecord = { key: '', traceID: '', spans, startTime: 0, endTime: 0, byId: null, stamp: 0, bytes: 0 };
  const resourceSpans = toOtlpResourceSpans(toJaegerTrace(batch));
  const ids = (k: string, v: unknown) =>
    (k === 'traceId' || k === 'spanId' || k === 'parentSpanId') && typeof v === 'string' ? hexBytes(v) : v;
  for (const r of resourceSpans) {
    for (const g of r.scopeSpans as { spans: Record<string, unknown>[] }[]) {
      for (const s of g.spans) {
        for (const k of ['traceId', 'spanId', 'parentSpanId']) if (typeof s[k] === 'string') s[k] = ids(k, s[k]);
        for (const l of (s.links ?? []) as Record<string, unknown>[]) for (const k of ['traceId', 'spanId']) l[k] = ids(k, l[k]);
      }
    }
  }
  return { resourceSpans };
}

/** A status the endpoint may answer differently later (busy, down, throttling); any other 4xx refuses the spans for good. */
const retryable = (status: number) => status >= 500 || status === 429 || status === 408;

type Outcome = 'sent' | 'retry' | 'refused';

export function createOtlpForwarder(opts: OtlpForwarderOptions): OtlpForwarder {
  const target = new URL(opts.url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    throw new Error(`OTLP_FORWARD_URL must be an http(s)://…/v1/traces URL, got ${opts.url}`);
  const maxQueued = opts.maxQueuedSpans ?? 100_000;
  const batchSpans = opts.batchSpans ?? 1_000;
  const flushMs = opts.flushMs ?? 200;
  const retryFirstMs = opts.retryFirstMs ?? 500;
  const retryMaxMs = opts.retryMaxMs ?? 30_000;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const closeMs = opts.closeMs ?? 2_000;
  const s: OtlpForwardStats = { target: opts.url, sent: 0, failed: 0, dropped: 0, queued: 0 };
  let queue: SpanRecord[] = [];
  /** The batch being sent (or waiting to be sent again), with its encoded body. */
  let current: { spans: number; body: Uint8Array } | undefined;
  let retryMs = retryFirstMs;
  let timer: NodeJS.Timeout | undefined;
  /** The timer is a retry's wait (else a part-full batch's): new spans do not cut it short. */
  let backingOff = false;
  /** The request on its way, if any (close waits for it). */
  let inflight: Promise<Outcome> | undefined;
  let closed = false;
  /** Aborted when stopping runs out of time: ends the request on its way and the waits between tries. */
  const stopping = new AbortController();
  let lastLog = 0;

  const warn = (what: string) => {
    const now = Date.now();
    if (now - lastLog < LOG_EVERY_MS) return;
    lastLog = now;
    opts.log.warn(
      `OTLP forwarding to ${opts.url}: ${what} (sent ${s.sent}, failed requests ${s.failed}, dropped ${s.dropped} spans so far)`,
    );
  };
  const countQueued = () => {
    s.queued = queue.length + (current?.spans ?? 0);
  };

  const schedule = (ms: number) => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      backingOff = false;
      void pump();
    }, ms);
    timer.unref();
  };

  /** The next batch from the queue, encoded; false when there is none. Its spans' bytes are let go once encoded. */
  const takeBatch = (): boolean => {
    while (!current && queue.length > 0) {
      const spans = queue.length <= batchSpans ? queue : queue.slice(0, batchSpans);
      queue = queue.length <= batchSpans ? [] : queue.slice(batchSpans);
      try {
        current = { spans: spans.length, body: encodeExportRequest(exportRequest(spans)) };
      } catch (e) {
        s.dropped += spans.length;
        warn(`could not encode ${spans.length} spans: ${e instanceof Error ? e.message : String(e)}`);
      }
      for (const span of spans) releaseWire(span);
    }
    countQueued();
    return current !== undefined;
  };

  /** One try of the current batch, counted. */
  const send = async (): Promise<Outcome> => {
    const batch = current!;
    let outcome: Outcome;
    let why = '';
    try {
      const r = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: new Uint8Array(batch.body),
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping.signal]),
      });
      await r.arrayBuffer().catch(() => undefined);
      outcome = r.ok ? 'sent' : retryable(r.status) ? 'retry' : 'refused';
      why = `HTTP ${r.status}`;
    } catch (e) {
      outcome = 'retry';
      why = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
    }
    if (outcome === 'sent') {
      s.sent += batch.spans;
      retryMs = retryFirstMs;
      current = undefined;
    } else {
      s.failed++;
      if (outcome === 'refused') {
        s.dropped += batch.spans;
        current = undefined;
        warn(`${batch.spans} spans refused (${why}), dropped`);
      } else if (!closed) warn(`${why}; retrying in ${retryMs} ms`);
    }
    countQueued();
    return outcome;
  };

  const sendOnce = async (): Promise<Outcome> => {
    inflight = send();
    try {
      return await inflight;
    } finally {
      inflight = undefined;
    }
  };

  const pump = async (): Promise<void> => {
    if (inflight || closed || !takeBatch()) return;
    const outcome = await sendOnce();
    if (closed) return;
    if (outcome === 'retry') {
      backingOff = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      schedule(retryMs);
      retryMs = Math.min(retryMaxMs, retryMs * 2);
    } else if (queue.length >= batchSpans) void pump();
    else if (queue.length > 0) schedule(flushMs);
  };

  /** Stopping: what is queued is sent (retried with backoff) until `closeMs` runs out; the rest is counted dropped. */
  const flush = async (): Promise<void> => {
    const deadline = setTimeout(() => stopping.abort(), closeMs);
    let wait = retryFirstMs;
    try {
      while (!stopping.signal.aborted) {
        if (inflight) await inflight;
        else if (!takeBatch()) break;
        else if ((await sendOnce()) === 'retry') {
          await new Promise<void>((r) => {
            const t = setTimeout(r, wait);
            stopping.signal.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
          });
          wait = Math.min(retryMaxMs, wait * 2);
        }
      }
    } finally {
      clearTimeout(deadline);
    }
    const left = queue.length + (current?.spans ?? 0);
    for (const span of queue) releaseWire(span);
    queue = [];
    current = undefined;
    countQueued();
    if (left > 0) {
      s.dropped += left;
      opts.log.warn(
        `OTLP forwarding to ${opts.url}: stopped with ${left} spans not delivered after ${closeMs} ms, counted as dropped (sent ${s.sent}, dropped ${s.dropped} spans in all)`,
      );
    }
  };

  return {
    forward(spans) {
      if (closed || spans.length === 0) return;
      const room = maxQueued - queue.length - (current?.spans ?? 0);
      if (room < spans.length) {
        s.dropped += spans.length - Math.max(0, room);
        warn(`buffer full (${maxQueued} spans waiting), ${spans.length - Math.max(0, room)} spans dropped`);
      }
      if (room <= 0) return;
      for (let i = 0; i < Math.min(room, spans.length); i++) {
        // Encoded later: the store must not hand these bytes to another batch meanwhile, even if it evicts the trace.
        holdWire(spans[i]!);
        queue.push(spans[i]!);
      }
      countQueued();
      // A full batch goes now; a part-full one waits a little for company. A retry already scheduled stays.
      if (queue.length >= batchSpans && !backingOff) {
        if (timer) clearTimeout(timer);
        timer = undefined;
        void pump();
      } else schedule(flushMs);
    },
    stats: () => ({ ...s }),
    close: async () => {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await flush();
    },
  };
}
