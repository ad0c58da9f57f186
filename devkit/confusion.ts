// The confusion table: for each mesh state (one hole open, or all plugged), in what share of its traces each finding kind was named.
import { analyzeTrace } from '../analysis/index.ts';
import { findingKinds, holeCatalog, type FindingKind, type JaegerTrace } from '../model/index.ts';
import type { GroundTruth } from './groundTruth.ts';

export interface ConfusionRow {
  /** The open hole's id, or "all plugged". */
  state: string;
  /** The kind that should be named (undefined for all plugged). */
  expected: FindingKind | undefined;
  traces: number;
  named: Record<FindingKind, number>;
  analysisMs: number;
}

export const ALL_PLUGGED = 'all plugged';

function countKinds(traces: JaegerTrace[]): { named: Record<FindingKind, number>; ms: number } {
  const named = Object.fromEntries(findingKinds.map((k) => [k, 0])) as Record<FindingKind, number>;
  const t0 = performance.now();
  for (const t of traces) for (const k of new Set(analyzeTrace(t).map((f) => f.kind))) named[k]++;
  return { named, ms: performance.now() - t0 };
}

/**
 * Each hole alone open with its own pattern, then all plugged with every hole's pattern in turn
 * (so a pattern that provokes a kind by itself shows up as a false finding there).
 */
export async function measureConfusion(
  gt: GroundTruth,
  rounds: (count: number) => number,
  keep?: (state: string, traces: JaegerTrace[]) => void,
): Promise<ConfusionRow[]> {
  const rows: ConfusionRow[] = [];
  for (const hole of holeCatalog) {
    await gt.openOnly(hole.id);
    const traces = await gt.runPattern(hole, rounds(hole.pattern.count));
    keep?.(hole.id, traces);
    const { named, ms } = countKinds(traces);
    rows.push({ state: hole.id, expected: hole.findingKind, traces: traces.length, named, analysisMs: ms });
  }
  await gt.openOnly(null);
  const plugged: JaegerTrace[] = [];
  for (const hole of holeCatalog) plugged.push(...(await gt.runPattern(hole, rounds(hole.pattern.count))));
  keep?.(ALL_PLUGGED, plugged);
  const { named, ms } = countKinds(plugged);
  rows.push({ state: ALL_PLUGGED, expected: undefined, traces: plugged.length, named, analysisMs: ms });
  return rows;
}

export function formatConfusion(rows: ConfusionRow[]): string {
  const short: Record<FindingKind, string> = {
    'lock-contention': 'lock',
    'n-plus-one': 'N+1',
    retries: 'retries',
    'pool-saturation': 'pool',
    'repeated-work': 'repeat',
    'sequential-calls': 'seq',
  };
  const head = `${'open hole'.padEnd(18)}${'traces'.padStart(7)}  ${findingKinds.map((k) => short[k].padStart(8)).join('')}`;
  const lines = [head];
  for (const r of rows) {
    const cells = findingKinds.map((k) => {
      const pct = `${Math.round((100 * r.named[k]) / Math.max(1, r.traces))}%`;
      return (k === r.expected ? `[${pct}]` : pct).padStart(8);
    });
    lines.push(`${r.state.padEnd(18)}${String(r.traces).padStart(7)}  ${cells.join('')}`);
  }
  lines.push('[x] = the open hole\'s own kind (should be ≥ 95%); other cells of the five hole kinds are false findings (should be ≤ 5%)');
  return lines.join('\n');
}
