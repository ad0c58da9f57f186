// Counters per transport (received, rejected, stored, evicted, losses…) and throttled rejection logging.
import type { CollectorStatsSnapshot, TransportCounters } from '../model/index.ts';
import type { Log } from '../pkg/index.ts';
import { TRANSPORTS, type DecodedBatch } from './spanModel.ts';
import type { TraceStore } from './traceStore.ts';

export type { CollectorStatsSnapshot, TransportCounters } from '../model/index.ts';

const LOG_EVERY_MS = 5_000;
/** Clients remembered for seqNo gaps and their own drop reports; past it the table starts over. */
const MAX_CLIENTS = 10_000;

interface ClientState {
  lastSeqNo: number;
  dropped: number;
}

export class CollectorStats {
  readonly byVia: TransportCounters[] = TRANSPORTS.map(() => ({
    received: 0,
    rejected: 0,
    bytes: 0,
    spans: 0,
    stored: 0,
    duplicates: 0,
    evicted: 0,
    oddSpans: 0,
    missingBatches: 0,
    clientDropped: 0,
    kernelDrops: null,
    lastRejection: null,
  }));
  private lastLogAt = TRANSPORTS.map(() => 0);
  private suppressed = TRANSPORTS.map(() => 0);
  /** Per door: client (its client-uuid tag, else its process) → what its batches told us. */
  private clients = TRANSPORTS.map(() => new Map<string, ClientState>());

  constructor(private readonly log: Log) {}

  received(via: number, bytes: number): void {
    const c = this.byVia[via]!;
    c.received++;
    c.bytes += bytes;
  }

  /** Counts a rejection and logs it — at most one line per transport every few seconds, so a flood can't flood the log. */
  rejected(via: number, reason: string): void {
    const c = this.byVia[via]!;
    c.rejected++;
    c.lastRejection = reason;
    const now = Date.now();
    if (now - this.lastLogAt[via]! < LOG_EVERY_MS) {
      this.suppressed[via]!++;
      return;
    }
    const more = this.suppressed[via]! > 0 ? ` (+${this.suppressed[via]} more rejected since the last line)` : '';
    this.lastLogAt[via] = now;
    this.suppressed[via] = 0;
    this.log.warn(`${TRANSPORTS[via]}: rejected: ${reason}${more}`);
  }

  accepted(via: number, spans: number, stored: number, duplicates: number): void {
    const c = this.byVia[via]!;
    c.spans += spans;
    c.stored += stored;
    c.duplicates += duplicates;
  }

  /** What a batch says about losses before it: gaps in its client's seqNo, the client's own drop count; and odd spans kept. */
  batch(via: number, b: DecodedBatch): void {
    const c = this.byVia[via]!;
    c.oddSpans += b.oddSpans;
    if (b.seqNo < 0 && b.clientDropped < 0) return;
    const clients = this.clients[via]!;
    const id = clientId(b);
    let st = clients.get(id);
    if (!st) {
      if (clients.size >= MAX_CLIENTS) clients.clear();
      clients.set(id, (st = { lastSeqNo: -1, dropped: 0 }));
    }
    if (b.seqNo >= 0) {
      // A number lower than the last one is a restarted client (or a reordered datagram): start over, count nothing.
      if (st.lastSeqNo >= 0 && b.seqNo > st.lastSeqNo + 1) c.missingBatches += b.seqNo - st.lastSeqNo - 1;
      if (b.seqNo > st.lastSeqNo || b.seqNo < st.lastSeqNo - 1000) st.lastSeqNo = b.seqNo;
    }
    if (b.clientDropped >= 0) {
      c.clientDropped += b.clientDropped - st.dropped;
      st.dropped = b.clientDropped;
    }
  }

  /**
   * `kernelDrops` reads each UDP door's drop counter (see udpLoss.ts); the HTTP doors have none.
   */
  snapshot(
    store: TraceStore,
    forward: CollectorStatsSnapshot['forward'],
    forwardOtlp: CollectorStatsSnapshot['forwardOtlp'],
    live: CollectorStatsSnapshot['live'],
    kernelDrops: (via: number) => number | null,
  ): CollectorStatsSnapshot {
    const out = { store: store.stats(), forward, forwardOtlp, live } as CollectorStatsSnapshot;
    TRANSPORTS.forEach((name, via) => {
      out[name] = { ...this.byVia[via]!, evicted: store.evictedByVia[via]!, kernelDrops: kernelDrops(via) };
    });
    return out;
  }
}

/** jaeger-client tags its process with a client-uuid; without one, the process itself names the client. */
function clientId(b: DecodedBatch): string {
  const tags = b.process.tags;
  if (tags) for (let i = 0; i < tags.length; i += 3) if (tags[i] === 'client-uuid') return String(tags[i + 2]);
  return b.process.key;
}
