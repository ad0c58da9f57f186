// GET /api/live: server-sent events, one `trace` event per trace that gained spans, coalesced per tick.
import type { Request, Response } from 'express';
import type { Log } from '../server/log.ts';
import { summarize } from './traceJson.ts';
import type { TraceRecord, TraceStore } from './traceStore.ts';

export interface LiveStreamOptions {
  /** Growth within one tick becomes one event per trace, so a burst cannot flood a slide. */
  tickMs?: number;
  heartbeatMs?: number;
  /** Clients past this get 503 (default 2000: a room of phones plus the deck). */
  maxClients?: number;
}

export const DEFAULT_LIVE_MAX_CLIENTS = 2000;

/**
 * A client that has this much unsent data is too slow to follow and gets dropped: with
 * hundreds of phones, buffering without bound for one stalled one would grow the heap for all.
 */
const MAX_BACKLOG_BYTES = 256 * 1024;

const HELLO = Buffer.from('retry: 2000\n: connected — one "trace" event per trace that gains spans\n\n');
const HEARTBEAT = Buffer.from(': heartbeat\n\n');

export class LiveStream {
  private readonly clients = new Set<Response>();
  private readonly listeners = new Set<(traceID: string) => void>();
  private readonly dirty = new Set<TraceRecord>();
  private tickTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly tickMs: number;
  private readonly heartbeatMs: number;
  private readonly maxClients: number;
  private slowDropped = 0;
  private refused = 0;

  constructor(
    private readonly store: TraceStore,
    private readonly log: Log,
    opts: LiveStreamOptions = {},
  ) {
    this.tickMs = opts.tickMs ?? 50;
    this.heartbeatMs = opts.heartbeatMs ?? 15_000;
    this.maxClients = opts.maxClients ?? DEFAULT_LIVE_MAX_CLIENTS;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Clients, the cap, and how many were refused (cap) or dropped (stopped reading). */
  snapshot(): { clients: number; maxClients: number; refused: number; droppedSlow: number } {
    return { clients: this.clients.size, maxClients: this.maxClients, refused: this.refused, droppedSlow: this.slowDropped };
  }

  onTrace(listener: (traceID: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called after each ingest with the traces that grew. */
  grew(traces: TraceRecord[]): void {
    if (traces.length === 0) return;
    for (const t of traces) this.dirty.add(t);
    this.tickTimer ??= setTimeout(() => this.flush(), this.tickMs).unref();
  }

  private flush(): void {
    this.tickTimer = undefined;
    const batch = [...this.dirty];
    this.dirty.clear();
    const frames: string[] = [];
    for (const t of batch) {
      // A trace evicted within the tick is gone; announcing it would send viewers to a 404.
      if (this.store.get(t.key) !== t) continue;
      if (this.clients.size > 0) frames.push(`event: trace\ndata: ${JSON.stringify(summarize(t))}\n\n`);
      for (const l of this.listeners) {
        try {
          l(t.traceID);
        } catch (e) {
          this.log.error(`onTrace listener threw: ${String(e)}`);
        }
      }
    }
    // The whole tick is encoded once and handed to every socket as the same bytes: one write
    // per client per tick, whatever the number of traces or clients.
    if (frames.length > 0) this.send(Buffer.from(frames.join('')));
  }

  private send(chunk: Buffer): void {
    for (const res of this.clients) {
      if (res.writableLength > MAX_BACKLOG_BYTES) {
        this.slowDropped++;
        this.log.warn(`live: dropping a client that stopped reading (${res.writableLength} bytes unsent)`);
        this.drop(res);
        res.destroy();
        continue;
      }
      res.write(chunk);
    }
  }

  private drop(res: Response): void {
    this.clients.delete(res);
    if (this.clients.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  handler = (req: Request, res: Response): void => {
    if (this.clients.size >= this.maxClients) {
      this.refused++;
      res
        .status(503)
        .set('Retry-After', '10')
        .json({ error: `live stream full: ${this.clients.size} clients connected, the limit is ${this.maxClients} (LIVE_MAX_CLIENTS)` });
      return;
    }
    // Events are small and must arrive now; Nagle would hold them back per socket.
    req.socket.setNoDelay(true);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(HELLO);
    this.clients.add(res);
    this.heartbeat ??= setInterval(() => this.send(HEARTBEAT), this.heartbeatMs).unref();
    res.on('close', () => this.drop(res));
  };

  close(): void {
    if (this.tickTimer) clearTimeout(this.tickTimer);
    this.tickTimer = undefined;
    for (const res of this.clients) res.end();
    this.clients.clear();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.listeners.clear();
  }
}
