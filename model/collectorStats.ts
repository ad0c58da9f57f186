// The shape of GET /api/collector/stats: the embedded Jaeger's counters per door, read by the deck's pipeline slide and scripts.

/** One door: UDP compact (6831), UDP binary (6832), the HTTP collector (14268) or OTLP/HTTP. */
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
  /** Spans identical to a stored one (every field, tags and logs included) and dropped. */
  duplicates: number;
  /** Spans since evicted to respect the store's limits. */
  evicted: number;
  /** Spans kept although a tag or reference had a type Jaeger does not know (each carries a warning). */
  oddSpans: number;
  /** Batches that never arrived, from gaps in the clients' Batch.seqNo numbering. */
  missingBatches: number;
  /** Spans the clients say they dropped before sending (Batch.stats, latest report per client, summed). */
  clientDropped: number;
  /** Datagrams the kernel dropped because the socket's receive buffer was full; null where not readable (not UDP, not Linux). */
  kernelDrops: number | null;
  lastRejection: string | null;
}

export interface CollectorStatsSnapshot {
  udpCompact: TransportCounters;
  udpBinary: TransportCounters;
  http: TransportCounters;
  otlp: TransportCounters;
  store: {
    traces: number;
    spans: number;
    evictedTraces: number;
    evictedSpans: number;
    maxSpans: number;
    maxTraces: number;
    /** Bytes the stored spans hold (their records, strings and the batches' wire bytes they read), as counted. */
    bytes: number;
    /** Bytes freed by evicting whole traces, oldest first. */
    evictedBytes: number;
    /** STORE_MAX_BYTES; null = no byte bound. */
    maxBytes: number | null;
  };
  /** JAEGER_FORWARD_URL: Thrift batches forwarded, failed, dropped. */
  forward: { target: string | null; batches: number; errors: number; dropped: number };
  /** OTLP_FORWARD_URL: spans sent, requests failed (retried), spans dropped (buffer full or refused), spans waiting. */
  forwardOtlp: { target: string | null; sent: number; failed: number; dropped: number; queued: number };
  live: { clients: number; maxClients: number; refused: number; droppedSlow: number };
}
