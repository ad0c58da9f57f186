// Events per second over the last few whole seconds, for the live counts on the Demo slide.

export class RateWindow {
  /** One slot per second; slot i holds the count of second `stamps[i]`. */
  private readonly counts: number[];
  private readonly stamps: number[];
  total = 0;

  constructor(
    private readonly seconds = 5,
    private readonly clock: () => number = Date.now,
  ) {
    this.counts = new Array<number>(seconds + 1).fill(0);
    this.stamps = new Array<number>(seconds + 1).fill(-1);
  }

  add(n = 1): void {
    const sec = Math.floor(this.clock() / 1000);
    const i = sec % this.counts.length; // a time after 1970: 0 ≤ i < length
    if (this.stamps[i] !== sec) {
      this.stamps[i] = sec;
      this.counts[i] = 0;
    }
    this.counts[i]! += n;
    this.total += n;
  }

  /** Mean rate over the last `seconds` complete seconds (the running second is left out: it is partial). */
  perSecond(): number {
    const now = Math.floor(this.clock() / 1000);
    let sum = 0;
    for (let i = 0; i < this.counts.length; i++) {
      const age = now - this.stamps[i]!;
      if (age >= 1 && age <= this.seconds) sum += this.counts[i]!;
    }
    return sum / this.seconds;
  }
}
