// GET /api/live: server-sent events, one `trace` event per trace that gained spans, coalesced per tick.
import type { Request, Response } from 'express';
import type { LiveTraceEvent } from '../model/index.ts';
import type { Log } from '../pkg/index.ts';
import { REF_CHILD_OF, type SpanRecord } from './spanModel.ts';
import type { TraceRecord, TraceStore } from './traceStore.ts';

export interface LiveStreamOptions {
  /** Growth within one tick becomes one event per trace, so a burst cannot flood a slide (clients: see fanOutMs). */
  tickMs?: number;
  heartbeatMs?: number;
  /** Clients past this get 503 (default 2000: a room of phones plus the deck). */
  maxClients?: number;
}

const DEFAULT_LIVE_MAX_CLIENTS = 2000;
/**
 * Streams of the presenter (marked by the server as `res.locals.presenter`, from the token)
 * connect past the cap, up to this many: a full room never takes the demo off the projector.
 */
const PRESENTER_RESERVE = 16;

/**
 * A client that has this much unsent data is too slow to follow and gets dropped: with
 * hundreds of phones, buffering without bound for one stalled one would grow the heap for all.
 */
const MAX_BACKLOG_BYTES = 256 * 1024;

/** Socket writes per second the fan-out aims at, whatever the crowd (each costs a syscall). */
const WRITES_PER_SECOND = 4000;
const MAX_FAN_OUT_MS = 1000;

const CRLF = Buffer.from('\r\n');

/** One tick's bytes, framed once per transfer encoding and shared by every socket. */
class WireFrames {
  private chunked: Buffer | undefined;
  constructor(private readonly payload: Buffer) {}

  for(res: Response): Buffer {
    // An HTTP/1.0 client gets the stream unframed (the connection's end ends it): Node answers 1.1 with
    // chunks when no length is set, as here, and 1.0 without.
    if (!speaksHttp11(res)) return this.payload;
    this.chunked ??= httpChunk(this.payload);
    return this.chunked;
  }
}

/** One HTTP/1.1 chunk holding `payload`, as res.write would frame it. */
export function httpChunk(payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${payload.length.toString(16)}\r\n`), payload, CRLF]);
}

const speaksHttp11 = (res: Response) => res.req.httpVersionMajor > 1 || (res.req.httpVersionMajor === 1 && res.req.httpVersionMinor >= 1);

/**
 * The event for a trace as it stands (model/liveEvent.ts). The root is a span with no parent at all
 * (the earliest, if several): a span whose parent is merely not in yet is an orphan, not the entry.
 */
export function liveEventOf(trace: TraceRecord): LiveTraceEvent {
  const services: string[] = [];
  let root: SpanRecord | undefined;
  let error = false;
  for (const s of trace.spans) {
    if (!services.includes(s.process.serviceName)) services.push(s.process.serviceName);
    const parentless = !s.parentSpanId && !s.refs?.some((r) => r.refType === REF_CHILD_OF);
    if (parentless && (!root || s.startTime < root.startTime)) root = s;
    if (s.error) error = true;
  }
  return {
    traceID: trace.traceID,
    spanCount: trace.spans.length,
    hasRoot: root !== undefined,
    rootService: root?.process.serviceName ?? '',
    rootOperation: root?.operationName ?? '',
    startTimeUs: trace.startTime,
    durationUs: trace.endTime - trace.startTime,
    error,
    services,
  };
}

const HELLO = Buffer.from('retry: 2000\n: connected — one "trace" event per trace that gains spans\n\n');
const HEARTBEAT = Buffer.from(': heartbeat\n\n');

export class LiveStream {
  private readonly clients = new Set<Response>();
  private readonly presenters = new Set<Response>();
  private readonly listeners = new Set<(traceID: string) => void>();
  /** Grown traces not yet told to in-process listeners / not yet sent to clients. */
  private readonly dirty = new Set<TraceRecord>();
  private readonly unsent = new Set<TraceRecord>();
  private tickTimer: NodeJS.Timeout | undefined;
  private fanOutTimer: NodeJS.Timeout | undefined;
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
    this.tickTimer ??= setTimeout(() => this.tell(), this.tickMs).unref();
    if (this.clients.size === 0) return;
    for (const t of traces) this.unsent.add(t);
    this.fanOutTimer ??= setTimeout(() => this.fanOut(), this.fanOutMs()).unref();
  }

  /**
   * Each fan-out costs one socket write per client, so with a crowd the period stretches to
   * keep writes near WRITES_PER_SECOND (500 clients: 125 ms, 2000: 500 ms); growth in
   * between is merged per trace, so nothing is lost, only batched.
   */
  private fanOutMs(): number {
    return Math.min(MAX_FAN_OUT_MS, Math.max(this.tickMs, Math.ceil((this.clients.size * 1000) / WRITES_PER_SECOND)));
  }

  private tell(): void {
    this.tickTimer = undefined;
    const batch = [...this.dirty];
    this.dirty.clear();
    for (const t of batch) {
      if (this.store.get(t.key) !== t) continue;
      for (const l of this.listeners) {
        try {
          l(t.traceID);
        } catch (e) {
          this.log.error(`onTrace listener threw: ${String(e)}`);
        }
      }
    }
  }

  private fanOut(): void {
    this.fanOutTimer = undefined;
    const frames: string[] = [];
    for (const t of this.unsent) {
      // A trace evicted within the tick is gone; announcing it would send viewers to a 404.
      if (this.store.get(t.key) === t) frames.push(`event: trace\ndata: ${JSON.stringify(liveEventOf(t))}\n\n`);
    }
    this.unsent.clear();
    // Encoded once and handed to every socket as the same bytes: one write per client per
    // fan-out, whatever the number of traces.
    if (frames.length > 0 && this.clients.size > 0) this.send(Buffer.from(frames.join('')));
  }

  private send(payload: Buffer): void {
    const frames = new WireFrames(payload);
    for (const res of this.clients) {
      const socket = res.socket;
      if (!socket || socket.destroyed) {
        this.drop(res);
        continue;
      }
      if (socket.writableLength + res.writableLength > MAX_BACKLOG_BYTES) {
        this.slowDropped++;
        this.log.warn(`live: dropping a client that stopped reading (${socket.writableLength} bytes unsent)`);
        this.drop(res);
        res.destroy();
        continue;
      }
      // Straight to the socket, already framed: res.write corks, encodes a chunk header and writes
      // three pieces per client per tick; `npm run bench liveFanout` measures it at about twice the loop time.
      socket.write(frames.for(res));
    }
  }

  private drop(res: Response): void {
    this.clients.delete(res);
    this.presenters.delete(res);
    if (this.clients.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  handler = (req: Request, res: Response): void => {
    const presenter = res.locals.presenter === true;
    const others = this.clients.size - this.presenters.size;
    if (presenter ? this.presenters.size >= PRESENTER_RESERVE : others >= this.maxClients) {
      this.refused++;
      const error = presenter
        ? `live stream: the presenter already holds ${PRESENTER_RESERVE} streams`
        : `live stream full: ${others} clients connected, the limit is ${this.maxClients} (LIVE_MAX_CLIENTS)`;
      res.status(503).set('Retry-After', '10').json({ error });
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
    // Through res, so the headers go out first; later frames go straight to the socket.
    res.write(HELLO);
    this.clients.add(res);
    if (presenter) this.presenters.add(res);
    this.heartbeat ??= setInterval(() => this.send(HEARTBEAT), this.heartbeatMs).unref();
    res.on('close', () => this.drop(res));
  };

  close(): void {
    if (this.tickTimer) clearTimeout(this.tickTimer);
    if (this.fanOutTimer) clearTimeout(this.fanOutTimer);
    this.tickTimer = this.fanOutTimer = undefined;
    this.unsent.clear();
    for (const res of this.clients) res.end();
    this.clients.clear();
    this.presenters.clear();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    this.listeners.clear();
  }
}
