// Who is here: each open /join page holds one server-sent-events stream; the count on the slide is of devices that behave like pages.
import type { Request, Response } from 'express';
import { addressOf, isOwnMachine, openEventStream } from '../../pkg/index.ts';
import { isAttendeeId } from '../attendeeIdentity.ts';

export interface PresenceOptions {
  /** Beyond this many open streams new ones are refused, so memory stays bounded whatever the crowd does. */
  maxStreams?: number;
  /** Distinct attendee ids one device counts as at most (two browsers on one phone). */
  idsPerAddress?: number;
  /** Whether this address loaded a page (/join or the deck) before: a script that only opens streams is not counted. */
  loadedPage?: (address: string) => boolean;
}

/** A comment line this often keeps proxies and phone radios from dropping a quiet stream. */
const HEARTBEAT_MS = 20_000;
/** The crowd count is pushed to every page at most this often. */
const COUNT_PUSH_MS = 1000;
/** Streams the presenter may open past the cap, so a full room never locks the presenter out. */
const PRESENTER_RESERVE = 16;

interface Device {
  /** attendee id → its open streams on this device. */
  ids: Map<string, Set<Response>>;
  streams: number;
}

export class Presence {
  private readonly devices = new Map<string, Device>();
  private streamCount = 0;
  private counted = 0;
  /** Joins and leaves since the last count: counting walks every device, so it waits until asked. */
  private dirty = false;
  private pushTimer: NodeJS.Timeout | undefined;
  private lastPushedCount = -1;
  private readonly maxStreams: number;
  private readonly idsPerAddress: number;
  /** The `measuring` event every page gets on connect while the presenter measures (null: not measuring). */
  private measuringChunk: string | null = null;
  refused = 0;

  constructor(private readonly opts: PresenceOptions = {}) {
    this.maxStreams = opts.maxStreams ?? 5000;
    this.idsPerAddress = opts.idsPerAddress ?? 2;
  }

  /** Attendees on the slide: distinct ids, at most `idsPerAddress` per device, only devices that loaded a page. */
  get attendeesConnected(): number {
    if (this.dirty) this.recount();
    return this.counted;
  }

  get openStreams(): number {
    return this.streamCount;
  }

  private recount(): void {
    let n = 0;
    for (const [address, d] of this.devices) {
      if (isOwnMachine(address)) n += d.ids.size;
      else if (this.opts.loadedPage?.(address) ?? true) n += Math.min(this.idsPerAddress, d.ids.size);
    }
    this.counted = n;
    this.dirty = false;
  }

  private refuse(res: Response, status: number, reason: string): void {
    this.refused++;
    res.status(status).setHeader('Retry-After', '10').json({ error: 'presence stream refused', reason });
  }

  /** GET /api/audience/presence?attendee=<id> */
  readonly handle = (req: Request, res: Response): void => {
    const id = typeof req.query.attendee === 'string' ? req.query.attendee : undefined;
    if (!isAttendeeId(id)) {
      res.status(400).json({
        error: 'bad presence request',
        reason: 'the attendee query parameter must be the id the /join page made (8 to 64 of A-Z a-z 0-9 _ -)',
      });
      return;
    }
    const address = addressOf(req.socket);
    const presenter = res.locals.presenter === true;
    if (this.streamCount >= this.maxStreams + (presenter ? PRESENTER_RESERVE : 0)) {
      return this.refuse(res, 503, `too many attendee pages connected (at most ${this.maxStreams})`);
    }
    // Streams per device are capped before this handler (server/streamSlots.ts).
    let device = this.devices.get(address);
    if (!device) this.devices.set(address, (device = { ids: new Map(), streams: 0 }));
    let mine = device.ids.get(id);
    if (!mine) device.ids.set(id, (mine = new Set()));
    mine.add(res);
    device.streams++;
    this.streamCount++;
    this.dirty = true;
    const dev = device;
    openEventStream(
      req,
      res,
      () => {
        if (!mine.delete(res)) return; // already dropped by stop()
        this.streamCount--;
        dev.streams--;
        if (mine.size === 0) dev.ids.delete(id);
        if (dev.streams === 0) this.devices.delete(address);
        this.dirty = true;
        this.schedulePush();
      },
      HEARTBEAT_MS,
    );
    res.write(`retry: 3000\nevent: count\ndata: ${this.attendeesConnected}\n\n`);
    if (this.measuringChunk) res.write(this.measuringChunk);
    this.schedulePush();
  };

  private broadcast(chunk: string): void {
    for (const d of this.devices.values()) for (const set of d.ids.values()) for (const res of set) res.write(chunk);
  }

  /** Tells every page that the presenter measures until `untilMs` (ms since the epoch), or no longer (null): a waiting phone says why. */
  measuring(untilMs: number | null): void {
    const chunk = `event: measuring\ndata: ${JSON.stringify({ until: untilMs })}\n\n`;
    this.measuringChunk = untilMs === null ? null : chunk;
    this.broadcast(chunk);
  }

  /** Coalesces joins and leaves into one count message per second. */
  private schedulePush(): void {
    if (this.pushTimer) return;
    this.pushTimer = setTimeout(() => {
      this.pushTimer = undefined;
      // Also picks up devices that loaded a page after opening their stream.
      this.recount();
      const n = this.attendeesConnected;
      if (n !== this.lastPushedCount) {
        this.lastPushedCount = n;
        this.broadcast(`event: count\ndata: ${n}\n\n`);
      }
    }, COUNT_PUSH_MS);
    this.pushTimer.unref();
  }

  stop(): void {
    if (this.pushTimer) clearTimeout(this.pushTimer);
    this.pushTimer = undefined;
    for (const d of this.devices.values()) {
      for (const set of d.ids.values()) {
        const open = [...set];
        set.clear();
        for (const res of open) res.end();
      }
    }
    this.devices.clear();
    this.streamCount = 0;
    this.counted = 0;
  }
}
