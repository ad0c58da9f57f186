// How the Demo flow's results change what the parent shows (the stage, the chart, the crowd lane): pure functions of its context.
import type { JaegerTrace } from '../../model/index.ts';
import { failureOrigin, requestFailed, traceAttendee, traceDurationMs } from '../../model/index.ts';
import type { DemoFlowContext } from './demoFlow.ts';
import { CROWD_KEPT, emptyStage, keepLast, OURS_KEPT, pluggedSignature, SAMPLES_KEPT, type Stage, upsertPoint } from './flowContext.ts';
import type { CrowdItem, Sample } from './flowEvents.ts';
import type { ProofResult } from './proofVerdict.ts';
import type { DemoRequestResult, RequestKind } from './traceSource.ts';

type Change = Partial<DemoFlowContext>;

/** A trace someone else sent or the presenter opened, with its failing span marked if its request failed. */
export function stageOf(trace: JaegerTrace, origin: 'crowd' | 'opened'): Stage {
  const failureSpan = requestFailed(trace) ? (failureOrigin(trace) ?? null) : null;
  return { ...emptyStage, trace, origin, pinned: origin === 'opened', failureSpan };
}

/** Our requests' answers: samples for a later plug's "before", points on the chart, and out of the crowd lane. */
export function oursNoted(c: DemoFlowContext, results: DemoRequestResult[], kind: RequestKind, burst: number): Change {
  const at = c.now();
  const holes = pluggedSignature(c.holes);
  const lastSwitch = c.switches[c.switches.length - 1]?.at ?? -Infinity;
  const since = c.samples.filter((s) => s.at > lastSwitch).length;
  const samples = results.map((r, i): Sample => ({ traceID: r.traceID, kind, burst, holes, sinceSwitch: since + (burst > 1 ? 0 : i), at }));
  let points = c.points;
  for (const r of results)
    points = upsertPoint(points, { traceID: r.traceID, durationMs: r.durationMs, at, origin: 'ours', failed: r.status >= 400 });
  return {
    ours: keepLast([...c.ours, ...results.map((r) => r.traceID)], OURS_KEPT),
    samples: keepLast([...c.samples, ...samples], SAMPLES_KEPT),
    points,
    crowd: c.crowd.filter((x) => !results.some((r) => r.traceID === x.traceID)),
  };
}

/** An attendee's trace into the crowd lane (updated in place when it grew) and onto the chart. */
export function crowdNoted(c: DemoFlowContext, t: JaegerTrace): Change {
  const durationMs = traceDurationMs(t);
  const failed = requestFailed(t);
  const known = c.crowd.find((x) => x.traceID === t.traceID);
  const item: CrowdItem = { traceID: t.traceID, who: traceAttendee(t), durationMs, at: known?.at ?? c.now(), failed };
  const crowd = known ? c.crowd.map((x) => (x.traceID === t.traceID ? item : x)) : keepLast([...c.crowd, item], CROWD_KEPT);
  return { crowd, points: upsertPoint(c.points, { traceID: t.traceID, durationMs, at: item.at, origin: 'crowd', failed }) };
}

/** A fresh copy of the shown trace: kept only if it is still the one on the stage. */
export function stageRefreshed(c: DemoFlowContext, t: JaegerTrace): Change {
  if (t.traceID !== c.stage.trace?.traceID) return {};
  const failed = Boolean(c.stage.failure);
  return {
    stage: { ...c.stage, trace: t, failureSpan: c.stage.failureSpan ?? (failed ? (failureOrigin(t) ?? null) : null) },
    points: c.points.some((p) => p.traceID === t.traceID)
      ? upsertPoint(c.points, { traceID: t.traceID, durationMs: traceDurationMs(t), at: 0, origin: 'ours', failed })
      : c.points,
  };
}

/** Our request's trace pinned on the stage (a burst shows its slowest), or why there is none. */
export function requestAnswered(
  c: DemoFlowContext,
  out: { trace: JaegerTrace | null; failure: string | null; results: readonly unknown[] },
): Change {
  const t = out.trace;
  if (!t) return { error: out.failure ?? 'Something went wrong.', stage: emptyStage };
  const failed = Boolean(out.failure);
  return {
    stage: {
      trace: t,
      origin: 'ours',
      pinned: true,
      failure: out.failure,
      failureSpan: failed ? (failureOrigin(t) ?? null) : null,
      of: out.results.length,
    },
    points: upsertPoint(c.points, { traceID: t.traceID, durationMs: traceDurationMs(t), at: c.now(), origin: 'ours', failed }),
  };
}

/** A whole proof: the comparison, the typical "after" trace pinned, and every sampled request's final duration on the chart. */
export function proofShown(c: DemoFlowContext, result: ProofResult): Change {
  const at = c.now();
  return {
    comparison: result,
    stage: { ...emptyStage, trace: result.after.typical, origin: 'ours', pinned: true },
    points: [...result.before.traces, ...result.after.traces].reduce(
      (pts, t) => upsertPoint(pts, { traceID: t.traceID, durationMs: traceDurationMs(t), at, origin: 'ours', failed: false }),
      c.points,
    ),
  };
}
