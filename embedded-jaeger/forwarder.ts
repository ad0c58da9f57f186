// Forwards every accepted batch to a real Jaeger too (collector over HTTP, or agent over UDP), never blocking ingestion.
import dgram from 'node:dgram';
import type { Log } from '../pkg/index.ts';
import { VIA_HTTP, VIA_UDP_BINARY, VIA_UDP_COMPACT, type DecodedBatch } from './spanModel.ts';
import { BinaryReader, BinaryWriter, CompactReader, T_STRUCT, compactEmitBatch, copyValue } from '../thrift/index.ts';

const MAX_IN_FLIGHT = 4;
const MAX_QUEUED = 1_000;
const MAX_DATAGRAM = 65_000;
const LOG_EVERY_MS = 5_000;

export interface ForwardStats {
  target: string | null;
  batches: number;
  errors: number;
  dropped: number;
}

export interface Forwarder {
  forward(via: number, raw: Buffer, batch: DecodedBatch): void;
  stats(): ForwardStats;
  close(): Promise<void>;
}

/** The Batch struct in binary protocol, re-encoded only when it arrived as compact. */
function binaryBatch(via: number, raw: Buffer, b: DecodedBatch): Buffer {
  if (via === VIA_HTTP) return raw;
  if (via === VIA_UDP_BINARY) return raw.subarray(b.batchStart, b.batchEnd);
  const w = new BinaryWriter();
  copyValue(new CompactReader(raw, b.batchStart, b.batchEnd), w, T_STRUCT);
  return w.bytes();
}

/** A compact emitBatch datagram, as agents on 6831 expect. */
function compactDatagram(via: number, raw: Buffer, b: DecodedBatch, seq: number): Buffer {
  if (via === VIA_UDP_COMPACT) return raw;
  return compactEmitBatch(new BinaryReader(raw, b.batchStart, b.batchEnd), seq);
}

export function createForwarder(target: string | undefined, log: Log): Forwarder {
  const s: ForwardStats = { target: target ?? null, batches: 0, errors: 0, dropped: 0 };
  if (!target) return { forward() {}, stats: () => ({ ...s }), close: async () => {} };

  let lastLog = 0;
  const failed = (what: string) => {
    s.errors++;
    const now = Date.now();
    if (now - lastLog > LOG_EVERY_MS) {
      lastLog = now;
      log.warn(`forwarding to ${target} failed (${s.errors} so far): ${what}`);
    }
  };
  const url = new URL(target);

  if (url.protocol === 'udp:') {
    const socket = dgram.createSocket('udp4');
    socket.on('error', (e) => failed(e.message));
    socket.unref();
    let seq = 0;
    return {
      forward(via, raw, batch) {
        try {
          const d = compactDatagram(via, raw, batch, seq++);
          if (d.length > MAX_DATAGRAM) return failed(`batch of ${d.length} bytes does not fit one datagram`);
          socket.send(d, Number(url.port || 6831), url.hostname, (err) => (err ? failed(err.message) : s.batches++));
        } catch (e) {
          failed(String(e));
        }
      },
      stats: () => ({ ...s }),
      close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
    };
  }

  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`JAEGER_FORWARD_URL must be http(s)://…/api/traces or udp://host:port, got ${target}`);
  const queue: Buffer[] = [];
  let inFlight = 0;
  const pump = () => {
    while (inFlight < MAX_IN_FLIGHT && queue.length > 0) {
      const body = queue.shift()!;
      inFlight++;
      fetch(target, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-thrift' },
        body: new Uint8Array(body),
        signal: AbortSignal.timeout(10_000),
      })
        .then(async (r) => {
          await r.arrayBuffer().catch(() => undefined);
          if (r.status >= 300) failed(`HTTP ${r.status}`);
          else s.batches++;
        })
        .catch((e: unknown) => failed(e instanceof Error ? e.message : String(e)))
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  };
  return {
    forward(via, raw, batch) {
      if (queue.length >= MAX_QUEUED) {
        s.dropped++;
        return failed(`queue full (${MAX_QUEUED} batches waiting), batch dropped`);
      }
      try {
        // Copied: the forward is asynchronous and the source buffer may be reused.
        queue.push(Buffer.from(binaryBatch(via, raw, batch)));
      } catch (e) {
        return failed(String(e));
      }
      pump();
    },
    stats: () => ({ ...s }),
    close: async () => {
      queue.length = 0;
    },
  };
}
