// Across many traces: per hole (fingerprint), in how many traces it shows and what it costs there (median, p90, p99).
import { ascending, quantile, type FindingAggregate, type FindingKind, type TraceFindings } from '../model/index.ts';
import { formatMs } from './wording.ts';

const KIND_NAMES: Record<FindingKind, string> = {
  'lock-contention': 'Lock contention',
  'n-plus-one': 'N+1',
  retries: 'Retries',
  'pool-saturation': 'Saturated pool',
  'repeated-work': 'Repeated work',
  'sequential-calls': 'Sequential calls',
  'chatty-calls': 'Chatty calls',
  'fan-out': 'Fan-out',
  'slow-query': 'Slow query',
  'repeated-sequence': 'Repeated sequence (MN+1)',
};

export function kindName(kind: FindingKind): string {
  return KIND_NAMES[kind] ?? kind;
}

/** Costs are in 0.1 ms; so are their percentiles. */
const tenth = (x: number) => Math.round(x * 10) / 10;

/** Input order is taken as oldest first, so the examples list the newest traces first. */
export function aggregate(perTrace: readonly TraceFindings[]): FindingAggregate[] {
  const ofTraces = perTrace.length;
  const byHole = new Map<string, { kind: FindingKind; service: string; operation: string; costs: number[]; traceIDs: string[] }>();
  for (const { traceID, findings } of perTrace) {
    // A trace counts once per hole, with its costliest finding there.
    const seen = new Map<string, number>();
    for (const f of findings) {
      seen.set(f.fingerprint, Math.max(seen.get(f.fingerprint) ?? 0, f.costMs));
      if (!byHole.has(f.fingerprint))
        byHole.set(f.fingerprint, { kind: f.kind, service: f.service, operation: f.operation, costs: [], traceIDs: [] });
    }
    for (const [key, cost] of seen) {
      const hole = byHole.get(key)!;
      hole.costs.push(cost);
      hole.traceIDs.push(traceID);
    }
  }
  const out: FindingAggregate[] = [];
  for (const [fingerprint, h] of byHole) {
    // A hole exists only with a cost, so no percentile is NaN.
    const sorted = ascending(h.costs);
    const medianCostMs = tenth(quantile(sorted, 0.5));
    out.push({
      fingerprint,
      kind: h.kind,
      service: h.service,
      operation: h.operation,
      title: `${kindName(h.kind)} in ${h.service}: ${h.costs.length} of the last ${ofTraces} ${ofTraces === 1 ? 'request' : 'requests'}, median ${formatMs(medianCostMs * 1000)}`,
      traces: h.costs.length,
      ofTraces,
      shareOfTraces: Math.round((h.costs.length / ofTraces) * 1000) / 1000,
      medianCostMs,
      costPercentilesMs: {
        p50: medianCostMs,
        p90: tenth(quantile(sorted, 0.9)),
        p99: tenth(quantile(sorted, 0.99)),
        max: sorted[sorted.length - 1]!,
      },
      exampleTraceIDs: h.traceIDs.slice(-3).reverse(),
    });
  }
  return out.sort((a, b) => b.traces - a.traces || b.medianCostMs - a.medianCostMs);
}
