// Who is here: each open /join page holds one server-sent-events stream; attendees connected = distinct ids streaming.
import type { Request, Response } from 'express';
import { isAttendeeId } from './attendeeIdentity.ts';

/** Beyond this many open streams new ones are refused, so memory stays bounded whatever the crowd does. */
const MAX_STREAMS = 5000;
/** A comment line this often keeps proxies and phone radios from dropping a quiet stream. */
const HEARTBEAT_MS = 20_000;
/** The crowd count is pushed to every page at most this often. */
const COUNT_PUSH_MS = 1000;

export class Presence {
  /** attendee id → that attendee's open streams (two tabs are one attendee). */
  private readonly streams = new Map<string, Set<Response>>();
  private streamCount = 0;
  private readonly heartbeat: NodeJS.Timeout;
  private pushTimer: NodeJS.Timeout | undefined;
  private lastPushedCount = -1;

  constructor() {
    this.heartbeat = setInterval(() => this.broadcast(': still here\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  get attendeesConnected(): number {
    return this.streams.size;
  }

  get openStreams(): number {
    return this.streamCount;
  }

  /** GET /api/audience/presence?attendee=<id> */
  readonly handle = (req: Request, res: Response): void => {
    const id = typeof req.query.attendee === 'string' ? req.query.attendee : undefined;
    if (!isAttendeeId(id)) {
      res.status(400).json({ error: 'bad presence request', reason: 'the attendee query parameter must be the id the /join page made (8 to 64 of A-Z a-z 0-9 _ -)' });
      return;
    }
    if (this.streamCount >= MAX_STREAMS) {
      res.status(503).setHeader('Retry-After', '10').json({ error: 'too many attendee pages connected', reason: `at most ${MAX_STREAMS}` });
      return;
    }

    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    req.socket.setNoDelay(true);

    let mine = this.streams.get(id);
    if (!mine) this.streams.set(id, (mine = new Set()));
    mine.add(res);
    this.streamCount++;
    res.write(`retry: 3000\nevent: count\ndata: ${this.attendeesConnected}\n\n`);
    this.schedulePush();

    res.once('close', () => {
      if (!mine.delete(res)) return; // already dropped by close()
      this.streamCount--;
      if (mine.size === 0) this.streams.delete(id);
      this.schedulePush();
    });
  };

  private broadcast(chunk: string): void {
    for (const set of this.streams.values()) for (const res of set) res.write(chunk);
  }

  /** Coalesces joins and leaves into one count message per second. */
  private schedulePush(): void {
    if (this.pushTimer) return;
    this.pushTimer = setTimeout(() => {
      this.pushTimer = undefined;
      const n = this.attendeesConnected;
      if (n !== this.lastPushedCount) {
        this.lastPushedCount = n;
        this.broadcast(`event: count\ndata: ${n}\n\n`);
      }
    }, COUNT_PUSH_MS);
    this.pushTimer.unref();
  }

  close(): void {
    clearInterval(this.heartbeat);
    if (this.pushTimer) clearTimeout(this.pushTimer);
    for (const set of this.streams.values()) for (const res of set) res.end();
    this.streams.clear();
    this.streamCount = 0;
  }
}
