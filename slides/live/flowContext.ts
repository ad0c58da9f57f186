// What the Demo flow's machines share: timing, the stage, and the pure rules for chart points and reusable samples.
import type { HoleSpec } from '../../model/index.ts';
import type { JaegerTrace } from '../../model/index.ts';
import type { LatencyPoint, Sample } from './flowEvents.ts';
import type { HoleState } from './traceSource.ts';

export interface DemoTiming {
  requestTimeoutMs: number;
  traceTimeoutMs: number;
  /** /healthz polling while the pushed mesh events are unavailable. */
  healthPollMs: number;
  streamBackoffMs: number;
  streamBackoffMaxMs: number;
  streamConnectTimeoutMs: number;
  /** An attendee's trace stays at least this long before the next one replaces it (when nothing is pinned). */
  dwellMs: number;
  /** Quiet time after an attendee's spans arrive before the crowd lane fetches the trace. */
  crowdSettleMs: number;
  /** How often the aggregate findings are refreshed, and over which window. */
  findingsEveryMs: number;
  findingsLookbackMs: number;
}

export const defaultTiming: DemoTiming = {
  requestTimeoutMs: 20_000,
  traceTimeoutMs: 10_000,
  healthPollMs: 2_000,
  streamBackoffMs: 500,
  streamBackoffMaxMs: 10_000,
  streamConnectTimeoutMs: 8_000,
  dwellMs: 1_500,
  crowdSettleMs: 300,
  findingsEveryMs: 5_000,
  findingsLookbackMs: 120_000,
};

/** What the main view shows, and whether the presenter holds it there. */
export interface Stage {
  trace: JaegerTrace | null;
  origin: 'ours' | 'crowd' | 'opened' | null;
  /** Pinned: arriving traffic never replaces it (the presenter's own request, a trace opened from the crowd, an open span). */
  pinned: boolean;
  /** The shown request failed: why, in words. */
  failure: string | null;
  /** The span where the failure started, for the viewer to open. */
  failureSpan: string | null;
  /** How many requests the shown one was sent with (a burst shows its slowest). */
  of: number;
}

export const OURS_KEPT = 500;
export const SAMPLES_KEPT = 60;
export const POINTS_KEPT = 60;
export const CROWD_KEPT = 60;
/** Recent requests older than this are not reused as a plug's "before". */
const REUSE_WITHIN_MS = 180_000;

export const emptyStage: Stage = { trace: null, origin: null, pinned: false, failure: null, failureSpan: null, of: 1 };

/** What went wrong, in the words of the error that says so. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function keepLast<T>(list: T[], max: number): T[] {
  return list.length > max ? list.slice(list.length - max) : list;
}

/** Adds or updates a chart point by trace id: a later, whole copy of a trace gives its final duration. */
export function upsertPoint(points: LatencyPoint[], p: LatencyPoint): LatencyPoint[] {
  const i = points.findIndex((x) => x.traceID === p.traceID);
  if (i < 0) return keepLast([...points, p], POINTS_KEPT);
  const next = points.slice();
  // Ours wins over the crowd's guess: a trace can reach the crowd lane a moment before our request's answer names it.
  next[i] = {
    ...points[i]!,
    durationMs: p.durationMs,
    failed: p.failed || points[i]!.failed,
    origin: p.origin === 'ours' ? 'ours' : points[i]!.origin,
  };
  return next;
}

export function pluggedSignature(holes: readonly HoleState[]): string {
  return holes
    .filter((h) => h.plugged)
    .map((h) => h.id)
    .sort()
    .join(',');
}

/** Recent requests that can stand for "before" a plug: the hole's request pattern, same switches, warm, recent. */
export function reusableBefore(spec: HoleSpec, samples: readonly Sample[], holes: string, now: number): string[] {
  const p: HoleSpec['pattern'] = spec.pattern;
  // A burst sent without the pattern's lead is not like for like: send fresh ones.
  if (p.lead) return [];
  const warmAfter = p.warmup.reduce((n, w) => n + w.count, 0);
  const fit = samples.filter(
    (s) =>
      s.kind === p.kind &&
      s.holes === holes &&
      s.sinceSwitch >= warmAfter &&
      now - s.at < REUSE_WITHIN_MS &&
      (p.concurrent ? s.burst >= p.count : s.burst === 1),
  );
  if (p.concurrent) {
    // One whole burst: its requests queued on each other, which is what the hole needs.
    const last = fit[fit.length - 1];
    if (!last) return [];
    const burst = fit.filter((s) => s.at === last.at);
    return burst.length >= p.count ? burst.map((s) => s.traceID) : [];
  }
  return fit.length >= p.count ? fit.slice(-p.count).map((s) => s.traceID) : [];
}
