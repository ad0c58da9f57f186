// Across many traces: per kind and place, in how many traces a hole shows and what it costs in the middle case.
import { median, type FindingAggregate, type FindingKind, type TraceFindings } from '../model/index.ts';
import { formatMs } from './wording.ts';

const KIND_NAMES: Record<FindingKind, string> = {
  'lock-contention': 'Lock contention',
  'n-plus-one': 'N+1',
  retries: 'Retries',
  'pool-saturation': 'Saturated pool',
  'repeated-work': 'Repeated work',
  'sequential-calls': 'Sequential calls',
};

export function kindName(kind: FindingKind): string {
  return KIND_NAMES[kind] ?? kind;
}

/** Input order is taken as oldest first, so the examples list the newest traces first. */
export function aggregate(perTrace: TraceFindings[]): FindingAggregate[] {
  const ofTraces = perTrace.length;
  const byPlace = new Map<string, { kind: FindingKind; service: string; operation: string; costs: number[]; traceIDs: string[] }>();
  for (const { traceID, findings } of perTrace) {
    // A trace counts once per place, with its costliest finding there.
    const seen = new Map<string, number>();
    for (const f of findings) {
      const key = `${f.kind}\u0000${f.service}\u0000${f.operation}`;
      seen.set(key, Math.max(seen.get(key) ?? 0, f.costMs));
      if (!byPlace.has(key)) byPlace.set(key, { kind: f.kind, service: f.service, operation: f.operation, costs: [], traceIDs: [] });
    }
    for (const [key, cost] of seen) {
      const place = byPlace.get(key)!;
      place.costs.push(cost);
      place.traceIDs.push(traceID);
    }
  }
  const out: FindingAggregate[] = [];
  for (const p of byPlace.values()) {
    // Costs are in 0.1 ms; so is their median (a place exists only with a cost, so never NaN).
    const medianCostMs = Math.round(median(p.costs) * 10) / 10;
    out.push({
      kind: p.kind,
      service: p.service,
      operation: p.operation,
      title: `${kindName(p.kind)} in ${p.service}: ${p.costs.length} of the last ${ofTraces} ${ofTraces === 1 ? 'request' : 'requests'}, median ${formatMs(medianCostMs * 1000)}`,
      traces: p.costs.length,
      ofTraces,
      medianCostMs,
      exampleTraceIDs: p.traceIDs.slice(-3).reverse(),
    });
  }
  return out.sort((a, b) => b.traces - a.traces || b.medianCostMs - a.medianCostMs);
}
