// Judges a plug from like-for-like samples: median before vs after, the spread that counts as noise, and the finding that went away.
import { analyzeTrace, diffTraces } from '../../analysis/index.ts';
import type { Finding } from '../../model/index.ts';
import type { HoleSpec } from '../../model/index.ts';
import type { JaegerTrace } from '../../model/index.ts';
import { formatMs, median, traceDurationMs } from '../../model/index.ts';
import { requestPatternWords } from './holePattern.ts';
import { proofFocus, type ProofFocus } from './proofFocus.ts';

export interface ProofSide {
  traces: JaegerTrace[];
  durationsMs: number[];
  medianMs: number;
  /** The trace closest to the median: the one drawn for this side. */
  typical: JaegerTrace;
  /** True when recent requests were reused instead of sending new ones. */
  reused: boolean;
}

export interface ProofResult {
  holeId: string;
  shortName: string;
  /** `faster`: every "after" median below every "before" sample by more than the noise; else `same`. */
  verdict: 'faster' | 'same';
  /** e.g. "N+1 plugged: 387 → 152 ms, 61% less time (median of 3 normal requests each, warm)". */
  headline: string;
  /** e.g. "Gone: 12 sequential SELECTs from menu, one per item…" — null when the hole finder named nothing. */
  findingLine: string | null;
  /** Where the time went between the typical pair drawn below (the hole finder's duration diff), e.g. "−477 ms: … gone"; null when it cannot tell. */
  diffLine: string | null;
  /** When the difference is within the noise: the request pattern that shows this hole. */
  suggestion: string | null;
  /** When the room's requests were held for the proof: how many, and how long the proof and they waited. */
  roomLine: string | null;
  /** The spans to point at in the typical trace of each side: the finding that went away, and the same place after. */
  focus: ProofFocus | null;
  before: ProofSide;
  after: ProofSide;
}

/** Below this share a difference is not worth announcing even when the samples do not overlap. */
const MIN_GAIN = 0.05;

export function sideOf(traces: JaegerTrace[], reused: boolean): ProofSide {
  const durationsMs = traces.map(traceDurationMs);
  const medianMs = median(durationsMs);
  let typical = traces[0]!; // never empty: the proof's gather fails rather than return no trace
  let best = Infinity;
  traces.forEach((t, i) => {
    const d = Math.abs(durationsMs[i]! - medianMs);
    if (d < best) {
      best = d;
      typical = t;
    }
  });
  return { traces, durationsMs, medianMs, typical, reused };
}

/** The request pattern in words: "a burst of 5 slow requests", "3 normal requests one after another". */
export function patternWords(h: HoleSpec): string {
  return requestPatternWords(h.pattern);
}

/** The hole's findings by place (service and operation): a hole's kind can show at several places at once. */
function findingsByPlace(traces: JaegerTrace[], kind: Finding['kind']): Map<string, { count: number; example: Finding }> {
  const places = new Map<string, { count: number; example: Finding }>();
  for (const t of traces) {
    let found: Finding[] = [];
    try {
      found = analyzeTrace(t).filter((x) => x.kind === kind);
    } catch {
      // A finder that trips on one trace must not take the proof down: it just names nothing there.
    }
    const seen = new Set<string>();
    for (const f of found) {
      const place = `${f.service}\n${f.operation}`;
      if (seen.has(place)) continue;
      seen.add(place);
      const p = places.get(place);
      if (p) p.count++;
      else places.set(place, { count: 1, example: f });
    }
  }
  return places;
}

/** The diff of the pair the slide draws (each side's trace closest to its median), so the line and the panes tell one story. */
function diffLineOf(before: JaegerTrace, after: JaegerTrace): string | null {
  try {
    return `Typical pair: ${diffTraces(before, after).headline}`;
  } catch {
    // A trace the diff cannot read must not take the verdict down: the medians above still stand.
    return null;
  }
}

export function judgePlug(hole: HoleSpec, before: ProofSide, after: ProofSide): ProofResult {
  const b = before.medianMs;
  const a = after.medianMs;
  const gain = b > 0 ? (b - a) / b : 0;
  // One after another, the requests are independent samples: the plug counts only if the typical
  // "after" beats every "before". In a burst they queue on each other, so their spread is the hole
  // itself, not noise: the plug counts if both the typical request and the queue's tail got shorter.
  const faster = hole.pattern.concurrent
    ? gain >= MIN_GAIN * 2 && Math.max(...after.durationsMs) < Math.max(...before.durationsMs) * (1 - MIN_GAIN)
    : gain >= MIN_GAIN && a < Math.min(...before.durationsMs);
  const n = Math.min(before.traces.length, after.traces.length);
  const what = `median of ${n === before.traces.length && n === after.traces.length ? n : `${before.traces.length} and ${after.traces.length}`} ${hole.pattern.kind} request${n === 1 ? '' : 's'} each${hole.pattern.concurrent ? ', sent as a burst' : ''}, warm`;
  const range = (s: ProofSide) => `${formatMs(Math.min(...s.durationsMs))}–${formatMs(Math.max(...s.durationsMs))}`;
  const headline = faster
    ? `${hole.shortName} plugged: ${formatMs(b)} → ${formatMs(a)}, ${Math.round(gain * 100)}% less time (${what}).`
    : `${hole.shortName} plugged: no measurable difference — before ${range(before)}, after ${range(after)} (${what}).`;

  // Gone: a place where the hole's kind showed in most "before" traces and in no "after" trace.
  const was = findingsByPlace(before.traces, hole.findingKind);
  const still = findingsByPlace(after.traces, hole.findingKind);
  const gone = [...was]
    .filter(([place, w]) => w.count * 2 >= before.traces.length && !still.has(place))
    .sort((x, y) => y[1].example.costMs - x[1].example.costMs);
  const left = [...still].filter(([place]) => was.has(place));
  let findingLine: string | null = null;
  if (gone.length > 0) {
    // Worded from the trace drawn below it when that one shows it, so the line and the highlighted rows give the same figures.
    const [place, seen] = gone[0]!;
    findingLine = `Gone: ${(findingsByPlace([before.typical], hole.findingKind).get(place)?.example ?? seen.example).title}`;
  } else if (left.length > 0)
    findingLine = `Still seen in ${left[0]![1].count} of ${after.traces.length} after: ${left[0]![1].example.title}`;

  return {
    holeId: hole.id,
    shortName: hole.shortName,
    verdict: faster ? 'faster' : 'same',
    headline,
    findingLine,
    diffLine: diffLineOf(before.typical, after.typical),
    suggestion: faster ? null : `This hole shows on ${patternWords(hole)}: send that, then switch again.`,
    roomLine: null,
    focus: proofFocus(hole.findingKind, before.typical, after.typical),
    before,
    after,
  };
}
