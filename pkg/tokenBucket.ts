// A token bucket: `capacity` requests at once, refilled at `perSecond`; tells how long until the next token.

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly capacity: number,
    readonly perSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt) / 1000;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.perSecond);
    this.updatedAt = now;
  }

  /** Takes `n` tokens if all are there; otherwise takes none. */
  tryTake(n: number, now: number): boolean {
    this.refill(now);
    if (this.tokens + 1e-9 < n) return false;
    this.tokens -= n;
    return true;
  }

  /** Gives back tokens taken for a request that a later check refused. */
  giveBack(n: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + n);
  }

  /** Milliseconds until `n` tokens will be there (0 if they are now). */
  waitMs(n: number, now: number): number {
    this.refill(now);
    const missing = n - this.tokens;
    return missing <= 0 ? 0 : Math.ceil((missing / this.perSecond) * 1000);
  }

  /** A full bucket carries no state worth keeping. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }
}
