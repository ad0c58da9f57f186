// The time window a track shows (a zoom into part of the trace) and where a span and the axis ticks fall in it, without a DOM.

/** [fromUs, toUs) in µs from the trace start. */
export interface TimeWindow {
  readonly fromUs: number;
  readonly toUs: number;
}

/** The whole track: `axisUs`, the time its full width stands for (a comparison lines two traces up on one). */
export function wholeAxis(axisUs: number): TimeWindow {
  return { fromUs: 0, toUs: axisUs > 0 ? axisUs : 1 };
}

/**
 * The window for a zoom to [fromUs, toUs): clamped to the start and to the later of the axis and the
 * trace's end; undefined (the whole axis) for a missing or empty range.
 */
export function zoomWindow(axisUs: number, durationUs: number, fromUs?: number, toUs?: number): TimeWindow | undefined {
  if (fromUs === undefined || toUs === undefined || !(toUs > fromUs)) return undefined;
  const from = Math.max(0, fromUs);
  const to = Math.min(Math.max(wholeAxis(axisUs).toUs, durationUs), toUs);
  return to > from ? { fromUs: from, toUs: to } : undefined;
}

/** Where [startUs, startUs + durUs) falls across the window, in % of the track's width (may run past 0–100). */
export function placeInWindow(w: TimeWindow, startUs: number, durUs: number): { left: number; width: number } {
  const scale = w.toUs - w.fromUs;
  return { left: ((startUs - w.fromUs) / scale) * 100, width: (durUs / scale) * 100 };
}

/** The time at each fraction of the window's width (the axis ticks). */
export function timesAcross(w: TimeWindow, fractions: readonly number[]): number[] {
  return fractions.map((f) => w.fromUs + f * (w.toUs - w.fromUs));
}

/** A drag across a strip standing for [0, axisUs), as fractions of its width; undefined for a click (under half a percent). */
export function windowFromDrag(axisUs: number, a: number, b: number): TimeWindow | undefined {
  const lo = Math.min(1, Math.max(0, Math.min(a, b)));
  const hi = Math.min(1, Math.max(0, Math.max(a, b)));
  if (hi - lo < 0.005) return undefined;
  return { fromUs: lo * axisUs, toUs: hi * axisUs };
}
