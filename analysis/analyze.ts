// Runs every detector on one trace and keeps the findings that cost enough to matter, ranked by cost.
import type { Finding, JaegerTrace } from '../model/index.ts';
import { findCriticalPath } from './criticalPath.ts';
import { detectLockContention } from './detectors/lockContention.ts';
import { detectNPlusOne } from './detectors/nPlusOne.ts';
import { detectPoolSaturation } from './detectors/poolSaturation.ts';
import { detectRepeatedWork } from './detectors/repeatedWork.ts';
import { detectRetries } from './detectors/retries.ts';
import { detectSequentialCalls } from './detectors/sequentialCalls.ts';
import { detectChattyCalls } from './detectors/chattyCalls.ts';
import { detectFanOut } from './detectors/fanOut.ts';
import { detectRepeatedSequence } from './detectors/repeatedSequence.ts';
import { detectSlowQuery } from './detectors/slowQuery.ts';
import { fingerprintsOf } from './fingerprint.ts';
import { sameOperationGroups, type AnalysisContext, type Candidate, type Detector } from './siblings.ts';
import { spanRoles } from './spanRoles.ts';
import { indexTrace, type TraceIndex } from './traceIndex.ts';

export interface AnalyzeOptions {
  /** A finding must cost at least this share of the request (default 0.05): smaller ones are noise on a slide… */
  minShare?: number;
  /** …unless it costs at least this many ms (default 50): in a long request a big hole is still worth naming. */
  notableMs?: number;
  /** Never below this many ms (default 1). */
  minCostMs?: number;
}

const DETECTORS: Detector[] = [
  detectLockContention,
  detectNPlusOne,
  detectRetries,
  detectPoolSaturation,
  detectRepeatedWork,
  detectSequentialCalls,
  detectChattyCalls,
  detectFanOut,
  detectSlowQuery,
  detectRepeatedSequence,
];

export function analyze(trace: JaegerTrace, options: AnalyzeOptions = {}): Finding[] {
  return analyzeIndex(indexTrace(trace), options);
}

/** The findings of a trace already indexed (the viewer indexes it once, over the tree it draws). */
export function analyzeIndex(ix: TraceIndex, options: AnalyzeOptions = {}): Finding[] {
  if (ix.n === 0 || ix.durationUs <= 0) return [];
  const cp = findCriticalPath(ix);
  const floorUs = Math.max(
    (options.minCostMs ?? 1) * 1000,
    Math.min((options.minShare ?? 0.05) * ix.durationUs, (options.notableMs ?? 50) * 1000),
  );
  const ctx: AnalysisContext = { ix, cp, roles: spanRoles(ix), groups: sameOperationGroups(ix), floorUs };
  const kept: Candidate[] = [];
  for (const detect of DETECTORS) for (const c of detect(ctx)) if (c.costUs >= floorUs) kept.push(c);
  const prints = fingerprintsOf(ix, kept);
  const out: Finding[] = kept.map(({ costUs, ...rest }, k) => ({
    ...rest,
    costMs: round(costUs / 1000, 1),
    share: round(Math.min(1, costUs / ix.durationUs), 3),
    fingerprint: prints[k]!,
  }));
  return withoutSubsumed(out).sort((a, b) => b.costMs - a.costMs);
}

/** A repeated sequence's calls are also loops of one call each: the sequence names them, so those n-plus-ones go. */
function withoutSubsumed(findings: Finding[]): Finding[] {
  const inSequence = new Set(findings.filter((f) => f.kind === 'repeated-sequence').flatMap((f) => f.spanIDs));
  if (inSequence.size === 0) return findings;
  return findings.filter((f) => f.kind !== 'n-plus-one' || !f.spanIDs.every((id) => inSequence.has(id)));
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
