// One clock for every mesh process: the wall clock read once at a millisecond edge, advanced by the monotonic clock.
//
// Why not performance.timeOrigin + performance.now(): timeOrigin is fixed when the process starts, so once the
// wall clock is stepped or slewed, processes started at different moments disagree by milliseconds and a
// child's span can start before its parent's. Anchoring to Date.now() (and re-anchoring when the two drift
// apart) keeps every process on the machine's wall clock to within a few microseconds.

export interface ClockSources {
  wallMs(): number;
  monoMs(): number;
}

const systemSources: ClockSources = { wallMs: () => Date.now(), monoMs: () => performance.now() };

/** How far (ms) the anchored clock may stray from Date.now()'s millisecond before it is anchored again. */
const driftToleranceMs = 1;

export function createPreciseClock(sources: ClockSources = systemSources) {
  let anchor = 0;
  let anchorings = 0;

  /**
   * Waits for Date.now() to tick so the anchor lands on the start of a millisecond, not somewhere inside it.
   * The tick happened between two monotonic reads; a busy machine can pause us between them, so a few
   * ticks are timed and the one caught in the narrowest window wins.
   */
  const reanchor = () => {
    let best = { width: Infinity, anchor: sources.wallMs() + 0.5 - sources.monoMs() };
    for (let tick = 0; tick < 4; tick++) {
      const first = sources.wallMs();
      let before = sources.monoMs();
      let after = before;
      let wall = first;
      // Bounded: a real millisecond passes within ~1 ms; a frozen test clock gives up after 100k reads.
      for (let i = 0; i < 100_000 && wall === first; i++) {
        before = after;
        wall = sources.wallMs();
        after = sources.monoMs();
      }
      if (wall === first) break;
      if (after - before < best.width) best = { width: after - before, anchor: wall - (before + after) / 2 };
    }
    anchor = best.anchor;
    anchorings++;
  };
  reanchor();

  return {
    nowMs: () => anchor + sources.monoMs(),
    /** Compares with the wall clock and re-anchors if they drifted apart; returns the drift seen (ms). */
    checkDrift(): number {
      const wall = sources.wallMs();
      const precise = anchor + sources.monoMs();
      // Date.now() floors: the true time lies in [wall, wall + 1).
      const drift = precise < wall ? precise - wall : precise >= wall + 1 ? precise - (wall + 1) : 0;
      if (Math.abs(drift) > driftToleranceMs) reanchor();
      return drift;
    },
    anchorings: () => anchorings,
  };
}
export type PreciseClock = ReturnType<typeof createPreciseClock>;

let clock: PreciseClock | undefined;

/**
 * Anchored on first use, not at import: the deck server loads this file (through the storefront client) but
 * never reads the clock, so it neither spins on the anchoring nor runs the drift check.
 */
function processClock(): PreciseClock {
  clock = createPreciseClock();
  // A stepped wall clock (NTP, suspend/resume) is caught within a few seconds; unref'd so it never holds the process.
  setInterval(() => clock!.checkDrift(), 5_000).unref();
  return clock;
}

/** Wall-clock milliseconds with microsecond precision (jaeger-client's own clock is Date.now(), whole ms only). */
export function preciseNowMs(): number {
  return (clock ?? processClock()).nowMs();
}
