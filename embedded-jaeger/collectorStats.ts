// Counters per transport (received, rejected, stored, evicted…) and throttled rejection logging.
import type { Log } from '../server/log.ts';
import { TRANSPORTS, type TransportName } from './spanModel.ts';
import type { TraceStore } from './traceStore.ts';

export interface TransportCounters {
  /** Datagrams or request bodies that arrived. */
  received: number;
  /** …of which could not be used (undecodable, wrong content type, too large). */
  rejected: number;
  /** Bytes that arrived. */
  bytes: number;
  /** Spans in accepted batches. */
  spans: number;
  /** Spans added to the store. */
  stored: number;
  /** Spans already stored (same id, timing, operation and process) and dropped. */
  duplicates: number;
  /** Spans since evicted to respect the store's limits. */
  evicted: number;
  lastRejection: string | null;
}

export interface CollectorStatsSnapshot extends Record<TransportName, TransportCounters> {
  store: ReturnType<TraceStore['stats']>;
  forward: { target: string | null; batches: number; errors: number; dropped: number };
  live: { clients: number; maxClients: number; refused: number; droppedSlow: number };
}

const LOG_EVERY_MS = 5_000;

export class CollectorStats {
  readonly byVia: TransportCounters[] = TRANSPORTS.map(() => ({
    received: 0,
    rejected: 0,
    bytes: 0,
    spans: 0,
    stored: 0,
    duplicates: 0,
    evicted: 0,
    lastRejection: null,
  }));
  private lastLogAt = [0, 0, 0];
  private suppressed = [0, 0, 0];

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

  snapshot(store: TraceStore, forward: CollectorStatsSnapshot['forward'], live: CollectorStatsSnapshot['live']): CollectorStatsSnapshot {
    const out = { store: store.stats(), forward, live } as CollectorStatsSnapshot;
    TRANSPORTS.forEach((name, via) => {
      out[name] = { ...this.byVia[via]!, evicted: store.evictedByVia[via]! };
    });
    return out;
  }
}
