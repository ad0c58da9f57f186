// Rate limits for attendees: a token bucket each, one shared by everyone, and a cap on requests in flight.
import { TokenBucket } from '../../pkg/index.ts';

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
  /**
   * Each device (network address) together, whatever ids it invents: ids are made up by the page,
   * so a script could mint a fresh one per call. A phone with two browsers fits comfortably.
   */
  perAddressBurst: number;
  perAddressPerSecond: number;
  /** Mesh slots one device may hold at once, so no single device takes every slot. */
  maxInFlightPerAddress: number;
}

export const defaultAttendeeLimits: AttendeeLimitSettings = {
  perAttendeeBurst: 5,
  perAttendeePerSecond: 2,
  maxCountPerCall: 5,
  globalPerSecond: 100,
  globalBurst: 100,
  maxInFlight: 8,
  perAddressBurst: 8,
  perAddressPerSecond: 3,
  maxInFlightPerAddress: 5,
};

/** Why a request was refused: the attendee's own pace, everyone's pace, a full mesh, or a full queue while the presenter measures. */
export type LimitScope = 'attendee' | 'everyone' | 'busy' | 'measuring';

export type Admission = { ok: true; release: () => void } | { ok: false; scope: LimitScope; retryAfterMs: number };

export class AttendeeLimits {
  private readonly perAttendee = new Map<string, TokenBucket>();
  private readonly perAddress = new Map<string, TokenBucket>();
  private readonly inFlightByAddress = new Map<string, number>();
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

  /**
   * Admits `count` demo requests for `attendeeId` from `address` (undefined: the server's own
   * machine, which has no per-device limit), or says which limit refused them and for how long.
   */
  admit(attendeeId: string, count: number, address?: string): Admission {
    if (!this.hasSlot(count, address)) return { ok: false, scope: 'busy', retryAfterMs: 1000 };
    const tokens = this.takeTokens(attendeeId, count, address);
    return tokens.ok ? { ok: true, release: this.claimSlot(count, address)! } : tokens;
  }

  /** The pace limits alone (the attendee's, the device's, everyone's): a call the measuring hold queues pays them on arrival, its slot later. */
  takeTokens(attendeeId: string, count: number, address?: string): { ok: true } | { ok: false; scope: LimitScope; retryAfterMs: number } {
    const now = this.clock();
    this.prune(now);
    const bucket = bucketOf(this.perAttendee, attendeeId, this.settings.perAttendeeBurst, this.settings.perAttendeePerSecond, now);
    const device =
      address === undefined
        ? undefined
        : bucketOf(this.perAddress, address, this.settings.perAddressBurst, this.settings.perAddressPerSecond, now);
    if (device && !device.tryTake(count, now)) return { ok: false, scope: 'attendee', retryAfterMs: device.waitMs(count, now) };
    if (!bucket.tryTake(count, now)) {
      device?.giveBack(count);
      return { ok: false, scope: 'attendee', retryAfterMs: bucket.waitMs(count, now) };
    }
    if (!this.global.tryTake(count, now)) {
      // Refused for everyone's sake: this attendee keeps the tokens it did not get to use.
      bucket.giveBack(count);
      device?.giveBack(count);
      return { ok: false, scope: 'everyone', retryAfterMs: this.global.waitMs(count, now) };
    }
    return { ok: true };
  }

  private hasSlot(count: number, address?: string): boolean {
    if (this.inFlight + count > this.settings.maxInFlight) return false;
    return address === undefined || (this.inFlightByAddress.get(address) ?? 0) + count <= this.settings.maxInFlightPerAddress;
  }

  /** Takes `count` mesh slots for `address` if they are free; the function returned gives them back (once). */
  claimSlot(count: number, address?: string): (() => void) | null {
    if (!this.hasSlot(count, address)) return null;
    this.inFlight += count;
    if (address !== undefined) this.inFlightByAddress.set(address, (this.inFlightByAddress.get(address) ?? 0) + count);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= count;
      if (address === undefined) return;
      const left = (this.inFlightByAddress.get(address) ?? count) - count;
      if (left <= 0) this.inFlightByAddress.delete(address);
      else this.inFlightByAddress.set(address, left);
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
    for (const [address, bucket] of this.perAddress) if (bucket.isFull(now)) this.perAddress.delete(address);
  }
}

function bucketOf(map: Map<string, TokenBucket>, key: string, burst: number, perSecond: number, now: number): TokenBucket {
  let bucket = map.get(key);
  if (!bucket) map.set(key, (bucket = new TokenBucket(burst, perSecond, now)));
  return bucket;
}
