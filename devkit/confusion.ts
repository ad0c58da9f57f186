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
  /** Traces where the kind was named although the mesh's own logs do not say it happened: false findings. */
  unexplained: Record<FindingKind, number>;
  analysisMs: number;
  /** Spans in the row's traces, for time per 100k spans. */
  spans: number;
}

export const ALL_PLUGGED = 'all plugged';

/**
 * What our mesh says happened in a trace, in the words its services log (the ground truth may know our
 * names; the analyzer never does): a retry, a drink waiting for a barista, a query waiting for a connection.
 * On a busy machine these happen for real with every hole plugged, and naming them then is right.
 */
const meshLogSays: Partial<Record<FindingKind, (event: string, message: string) => boolean>> = {
  retries: (event) => event === 'retry',
  'pool-saturation': (event) => event === 'queued',
  'lock-contention': (event, message) => event === 'waited' && !/waiting behind 0\b/.test(message),
};

function happened(trace: JaegerTrace, kind: FindingKind): boolean {
  const says = meshLogSays[kind];
  if (!says) return false;
  return trace.spans.some((span) =>
    span.logs.some((log) => {
      const field = (key: string) => String(log.fields.find((f) => f.key === key)?.value ?? '');
      return says(field('event'), field('message'));
    }),
  );
}

function countKinds(traces: JaegerTrace[]): { named: Record<FindingKind, number>; unexplained: Record<FindingKind, number>; ms: number } {
  const zeros = () => Object.fromEntries(findingKinds.map((k) => [k, 0])) as Record<FindingKind, number>;
  const named = zeros();
  const unexplained = zeros();
  let ms = 0;
  for (const t of traces) {
    const t0 = performance.now();
    const kinds = new Set(analyzeTrace(t).map((f) => f.kind));
    ms += performance.now() - t0;
    for (const k of kinds) {
      named[k]++;
      if (!happened(t, k)) unexplained[k]++;
    }
  }
  return { named, unexplained, ms };
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
    const { named, unexplained, ms } = countKinds(traces);
    rows.push({
      state: hole.id,
      expected: hole.findingKind,
      traces: traces.length,
      named,
      unexplained,
      analysisMs: ms,
      spans: spanCount(traces),
    });
  }
  await gt.openOnly(null);
  const plugged: JaegerTrace[] = [];
  for (const hole of holeCatalog) plugged.push(...(await gt.runPattern(hole, rounds(hole.pattern.count))));
  keep?.(ALL_PLUGGED, plugged);
  const { named, unexplained, ms } = countKinds(plugged);
  rows.push({
    state: ALL_PLUGGED,
    expected: undefined,
    traces: plugged.length,
    named,
    unexplained,
    analysisMs: ms,
    spans: spanCount(plugged),
  });
  return rows;
}

const spanCount = (traces: JaegerTrace[]) => traces.reduce((n, t) => n + t.spans.length, 0);

export function formatConfusion(rows: ConfusionRow[]): string {
  const short: Record<FindingKind, string> = {
    'lock-contention': 'lock',
    'n-plus-one': 'N+1',
    retries: 'retries',
    'pool-saturation': 'pool',
    'repeated-work': 'repeat',
    'sequential-calls': 'seq',
    'chatty-calls': 'chatty',
    'fan-out': 'fan-out',
    'slow-query': 'slow-q',
    'repeated-sequence': 'MN+1',
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
  lines.push("[x] = the open hole's own kind (should be ≥ 95%); other cells of the five hole kinds should be ≤ 5%");
  const real = rows.flatMap((r) =>
    findingKinds
      .filter((k) => k !== r.expected && r.named[k] > r.unexplained[k])
      .map((k) => `${r.state}: ${k} ${r.named[k] - r.unexplained[k]} of ${r.named[k]}`),
  );
  lines.push(
    `named off their own hole but really happened, by the mesh's logs (a busy machine retries and queues for real): ${real.join('; ') || 'none'}`,
  );
  return lines.join('\n');
}
