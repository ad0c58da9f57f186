// Across many traces: per kind and place, in how many traces a hole shows and what it costs in the middle case.
import type { FindingAggregate, FindingKind, TraceFindings } from '../model/index.ts';
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
    const medianCostMs = median(p.costs);
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

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? s[m]! : Math.round(((s[m - 1]! + s[m]!) / 2) * 10) / 10;
}
