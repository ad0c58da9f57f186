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
/** A tick caught within this window (ms) anchors the clock to within half of it: good enough to stop looking. */
const goodWindowMs = 0.01;
/** Most ticks timed in one anchoring (each up to 1 ms of spinning). */
const maxTicks = 16;

export function createPreciseClock(sources: ClockSources = systemSources) {
  let anchor = 0;
  /** The window the anchor's tick was caught in (ms): the anchor is right to within half of it. */
  let anchorWindow = Infinity;
  let anchorings = 0;

  /**
   * Waits for Date.now() to tick so the anchor lands on the start of a millisecond, not somewhere inside it.
   * The tick came after the last wall read that still showed the old millisecond and before the first that
   * shows the new one: the window is from the monotonic read just *before* the former to the one just after
   * the latter, so a pause anywhere in between widens it instead of going unseen. (The first version started
   * the window after the former read: a pause right there put the anchor off by the pause, and a clean-clone
   * run under load saw a child's span start 0.6 ms before its caller's, in another process.) Ticks are timed
   * until one is caught within 10 µs (or 16 have been), and the narrowest wins. `refine`: keep the current
   * anchor unless this one is caught in a narrower window.
   */
  const reanchor = (refine = false) => {
    let best = { width: Infinity, anchor: sources.wallMs() + 0.5 - sources.monoMs() };
    for (let tick = 0; tick < maxTicks && best.width > goodWindowMs; tick++) {
      let mono = sources.monoMs();
      const first = sources.wallMs();
      let beforeLastOld = mono;
      let wall = first;
      // Bounded: a real millisecond passes within ~1 ms; a frozen test clock gives up after 100k reads.
      for (let i = 0; i < 100_000 && wall === first; i++) {
        beforeLastOld = mono;
        mono = sources.monoMs();
        wall = sources.wallMs();
      }
      if (wall === first) break;
      const after = sources.monoMs();
      if (after - beforeLastOld < best.width) best = { width: after - beforeLastOld, anchor: wall - (beforeLastOld + after) / 2 };
    }
    if (refine && best.width >= anchorWindow) return;
    anchor = best.anchor;
    anchorWindow = best.width;
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
      // Anchored while the machine was too busy to catch a tick closely: try again now.
      else if (anchorWindow > goodWindowMs) reanchor(true);
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
