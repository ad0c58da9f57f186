// GET /api/live: server-sent events, one `trace` event per trace that gained spans, coalesced per tick.
import type { Request, Response } from 'express';
import type { Log } from '../server/log.ts';
import { summarize } from './traceJson.ts';
import type { TraceRecord, TraceStore } from './traceStore.ts';

export interface LiveStreamOptions {
  /** Growth within one tick becomes one event per trace, so a burst cannot flood a slide. */
  tickMs?: number;
  heartbeatMs?: number;
  maxClients?: number;
}

/** A client that has this much unsent data is too slow to follow and gets dropped. */
const MAX_BACKLOG_BYTES = 1 << 20;

export class LiveStream {
  private readonly clients = new Set<Response>();
  private readonly listeners = new Set<(traceID: string) => void>();
  private readonly dirty = new Set<TraceRecord>();
  private tickTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly tickMs: number;
  private readonly heartbeatMs: number;
  private readonly maxClients: number;

  constructor(
    private readonly store: TraceStore,
    private readonly log: Log,
    opts: LiveStreamOptions = {},
  ) {
    this.tickMs = opts.tickMs ?? 50;
    this.heartbeatMs = opts.heartbeatMs ?? 15_000;
    this.maxClients = opts.maxClients ?? 200;
  }

  get clientCount(): number {
    return this.clients.size;
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
    for (const t of batch) {
      // A trace evicted within the tick is gone; announcing it would send viewers to a 404.
      if (this.store.get(t.key) !== t) continue;
      if (this.clients.size > 0) this.send(`event: trace\ndata: ${JSON.stringify(summarize(t))}\n\n`);
      for (const l of this.listeners) {
        try {
          l(t.traceID);
        } catch (e) {
          this.log.error(`onTrace listener threw: ${String(e)}`);
        }
      }
    }
  }

  private send(frame: string): void {
    for (const res of this.clients) {
      if (res.writableLength > MAX_BACKLOG_BYTES) {
        this.log.warn('live: dropping a client that stopped reading');
        this.drop(res);
        res.destroy();
        continue;
      }
      res.write(frame);
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
      res.status(503).json({ error: `too many live clients (${this.maxClients})` });
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n: connected — one "trace" event per trace that gains spans\n\n');
    this.clients.add(res);
    this.heartbeat ??= setInterval(() => this.send(': heartbeat\n\n'), this.heartbeatMs).unref();
    req.on('close', () => this.drop(res));
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
