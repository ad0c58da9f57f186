// Rate limits for attendees: a token bucket each, one shared by everyone, and a cap on requests in flight.
import { TokenBucket } from './tokenBucket.ts';

export interface AttendeeLimitSettings {
  /** Each attendee: this many demo requests at once… */
  perAttendeeBurst: number;
  /** …refilled at this rate (about 2 per second, a fast thumb). */
  perAttendeePerSecond: number;
  /** Most demo requests one attendee call may ask for (`count`). */
  maxCountPerCall: number;
  /** Everyone together: a sustained rate the mesh answers without drowning… */
  globalPerSecond: number;
  globalBurst: number;
  /**
   * …and at most this many attendee demo requests inside the mesh at once. With its holes open the mesh
   * serialises on a one-connection pool and answers a few requests a second (measured with the load test),
   * so a deeper queue only makes everyone, the presenter included, wait longer behind it.
   */
  maxInFlight: number;
}

export const defaultAttendeeLimits: AttendeeLimitSettings = {
  perAttendeeBurst: 5,
  perAttendeePerSecond: 2,
  maxCountPerCall: 5,
  globalPerSecond: 100,
  globalBurst: 100,
  maxInFlight: 8,
};

/** Why a request was refused: the attendee's own pace, everyone's pace, or a full mesh. */
export type LimitScope = 'attendee' | 'everyone' | 'busy';

export type Admission = { ok: true; release: () => void } | { ok: false; scope: LimitScope; retryAfterMs: number };

export class AttendeeLimits {
  private readonly perAttendee = new Map<string, TokenBucket>();
  private readonly global: TokenBucket;
  private inFlight = 0;
  private lastPrune: number;

  constructor(
    readonly settings: AttendeeLimitSettings,
    private readonly clock: () => number = Date.now,
  ) {
    this.global = new TokenBucket(settings.globalBurst, settings.globalPerSecond, clock());
    this.lastPrune = clock();
  }

  /** Admits `count` demo requests for `attendeeId`, or says which limit refused them and for how long. */
  admit(attendeeId: string, count: number): Admission {
    const now = this.clock();
    this.prune(now);
    if (this.inFlight + count > this.settings.maxInFlight) return { ok: false, scope: 'busy', retryAfterMs: 1000 };

    let bucket = this.perAttendee.get(attendeeId);
    if (!bucket) {
      bucket = new TokenBucket(this.settings.perAttendeeBurst, this.settings.perAttendeePerSecond, now);
      this.perAttendee.set(attendeeId, bucket);
    }
    if (!bucket.tryTake(count, now)) return { ok: false, scope: 'attendee', retryAfterMs: bucket.waitMs(count, now) };
    if (!this.global.tryTake(count, now)) {
      // Refused for everyone's sake: this attendee keeps the tokens it did not get to use.
      bucket.giveBack(count);
      return { ok: false, scope: 'everyone', retryAfterMs: this.global.waitMs(count, now) };
    }

    this.inFlight += count;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.inFlight -= count;
      },
    };
  }

  get requestsInFlight(): number {
    return this.inFlight;
  }

  get attendeesTracked(): number {
    return this.perAttendee.size;
  }

  /** Forgets attendees whose bucket has refilled, so a crowd that leaves leaves no memory behind. */
  private prune(now: number): void {
    if (now - this.lastPrune < 10_000) return;
    this.lastPrune = now;
    for (const [id, bucket] of this.perAttendee) if (bucket.isFull(now)) this.perAttendee.delete(id);
  }
}
