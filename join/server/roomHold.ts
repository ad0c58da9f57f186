// The presenter's measuring hold: while a proof runs, new attendee requests wait in a short queue (in-flight ones drain first), then run in order.
import type { Response } from 'express';
import type { RoomHoldEnd, RoomHoldStart } from '../../model/index.ts';
import type { AttendeeLimits } from './attendeeLimits.ts';

export interface RoomHoldSettings {
  /** A hold ends by itself after this long, whatever the presenter's page does (a closed laptop lid must not hold the room). */
  maxHoldMs: number;
  /** How long the presenter waits for attendee requests already in the mesh to finish before measuring anyway. */
  drainMaxMs: number;
  /** Requests that may wait at once, in all: past it a request is refused with the reason, so a hostile room cannot grow the queue. */
  maxHeld: number;
  /** Requests one device (network address) may have waiting; the server's own machine is exempt, as from every per-device cap. */
  maxHeldPerAddress: number;
  /** A request still waiting this long after it arrived is refused with the reason rather than kept waiting (below a client's usual 30 s timeout). */
  maxWaitMs: number;
}

export const defaultRoomHold: RoomHoldSettings = {
  maxHoldMs: 20_000,
  drainMaxMs: 5_000,
  maxHeld: 24,
  maxHeldPerAddress: 2,
  maxWaitMs: 15_000,
};

/** One attendee call waiting for the hold to end and a mesh slot to free. */
export interface HeldCall {
  count: number;
  /** undefined: the server's own machine. */
  address: string | undefined;
  res: Response;
  at: number;
  /** Runs the call with the slot it was given. */
  go(release: () => void): void;
  /** Answers the call with a reason instead. */
  refuse(reason: string, retryAfterSeconds: number): void;
}

export type Offer = { ok: true } | { ok: false; reason: string; retryAfterSeconds: number };

export class RoomHold {
  private readonly queue: HeldCall[] = [];
  private readonly heldByAddress = new Map<string, number>();
  private hold: { since: number; until: number; timer: NodeJS.Timeout; heldCalls: number } | null = null;
  private drainWaiters: (() => void)[] = [];
  private sweeper: NodeJS.Timeout | undefined;
  /** Calls that waited and then ran, and calls refused because the queue was full or the wait too long, since the server started. */
  readonly counts = { held: 0, ranAfter: 0, refused: 0, abandoned: 0 };

  constructor(
    private readonly limits: AttendeeLimits,
    readonly settings: RoomHoldSettings,
    private readonly onChange: (untilMs: number | null) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  get active(): boolean {
    return this.hold !== null;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Starts (or renews, within the bound) a hold of `ms`; resolves once the attendee requests already in the mesh have finished, or after `drainMaxMs`. */
  async start(ms: number): Promise<RoomHoldStart> {
    const now = this.clock();
    const wanted = Math.max(0, Math.min(ms, this.settings.maxHoldMs));
    if (this.hold) {
      clearTimeout(this.hold.timer);
      // A renewal never takes the hold past its bound from the first start.
      this.hold.until = Math.min(now + wanted, this.hold.since + this.settings.maxHoldMs);
    } else {
      this.hold = { since: now, until: now + wanted, timer: undefined as unknown as NodeJS.Timeout, heldCalls: 0 };
    }
    const h = this.hold;
    h.timer = setTimeout(() => this.end(), Math.max(0, h.until - now));
    h.timer.unref();
    this.onChange(h.until);
    const inFlight = this.limits.requestsInFlight;
    const t0 = performance.now();
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.settings.drainMaxMs);
        timer.unref();
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.drainWaiters.push(done);
      });
    }
    return {
      holdingUntil: h.until,
      drainedMs: Math.round(performance.now() - t0),
      inFlightAtStart: inFlight,
      inFlightLeft: this.limits.requestsInFlight,
    };
  }

  /** Ends the hold (the proof is over, or its time is up) and lets the waiting calls run, oldest first. */
  end(): RoomHoldEnd {
    const h = this.hold;
    if (!h) return { heldMs: 0, heldCalls: 0, waiting: this.queue.length };
    clearTimeout(h.timer);
    this.hold = null;
    this.onChange(null);
    this.pump();
    return { heldMs: this.clock() - h.since, heldCalls: h.heldCalls, waiting: this.queue.length };
  }

  /** Queues a call that passed the rate limits, or says why it cannot wait. */
  offer(call: HeldCall): Offer {
    const retryAfterSeconds = Math.max(1, Math.ceil(((this.hold?.until ?? this.clock()) - this.clock()) / 1000));
    if (this.queue.length >= this.settings.maxHeld)
      return this.refused(`the presenter is measuring and ${this.settings.maxHeld} requests already wait their turn`, retryAfterSeconds);
    const mine = call.address === undefined ? 0 : (this.heldByAddress.get(call.address) ?? 0);
    if (call.address !== undefined && mine >= this.settings.maxHeldPerAddress)
      return this.refused('the presenter is measuring and this device already has requests waiting', retryAfterSeconds);
    if (call.address !== undefined) this.heldByAddress.set(call.address, mine + 1);
    this.queue.push(call);
    this.counts.held++;
    if (this.hold) this.hold.heldCalls++;
    this.pump();
    return { ok: true };
  }

  /** A mesh slot freed (or the hold ended, or a second passed): answer calls gone or overdue, run waiting calls while slots allow, and tell a waiting presenter once the mesh is empty. */
  pump(): void {
    if (this.limits.requestsInFlight === 0) for (const w of this.drainWaiters.splice(0)) w();
    this.sweep();
    if (this.hold) return;
    while (this.queue.length > 0) {
      const call = this.queue[0]!;
      const release = this.limits.claimSlot(call.count, call.address);
      if (!release) return; // the mesh is full: the next freed slot pumps again
      this.dequeue(call);
      this.counts.ranAfter++;
      call.go(release);
    }
  }

  /** Drops calls whose phone hung up (it closed its socket) and refuses, with the reason, those that waited past `maxWaitMs`. */
  private sweep(): void {
    const now = this.clock();
    for (const call of [...this.queue]) {
      if (call.res.writableEnded || !call.res.socket || call.res.socket.destroyed) {
        this.dequeue(call);
        this.counts.abandoned++;
      } else if (now - call.at > this.settings.maxWaitMs) {
        this.dequeue(call);
        this.counts.refused++;
        call.refuse('it waited too long behind the presenter’s measurement; please send it again', 1);
      }
    }
    // While calls wait, look again each second: an overdue call is answered on time even if no slot frees.
    if (this.queue.length > 0 && !this.sweeper) {
      this.sweeper = setTimeout(() => {
        this.sweeper = undefined;
        this.pump();
      }, 1000);
      this.sweeper.unref();
    }
  }

  stop(): void {
    if (this.hold) clearTimeout(this.hold.timer);
    if (this.sweeper) clearTimeout(this.sweeper);
    this.hold = null;
    for (const w of this.drainWaiters.splice(0)) w();
  }

  private dequeue(call: HeldCall): void {
    const at = this.queue.indexOf(call);
    if (at >= 0) this.queue.splice(at, 1);
    if (call.address === undefined) return;
    const left = (this.heldByAddress.get(call.address) ?? 1) - 1;
    if (left <= 0) this.heldByAddress.delete(call.address);
    else this.heldByAddress.set(call.address, left);
  }

  private refused(reason: string, retryAfterSeconds: number): Offer {
    this.counts.refused++;
    return { ok: false, reason, retryAfterSeconds };
  }
}
