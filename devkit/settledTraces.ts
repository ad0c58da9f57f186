// Waits until traces are whole in the store: services flush spans on their own clocks, so a trace grows for a while after its request is answered.
import { hasRoot, type JaegerEnvelope, type JaegerTrace } from '../model/index.ts';
import { waitFor } from './waitFor.ts';

/** What the mesh tells of its jaeger-clients (Mesh.spanCounts flushes each service's buffer before counting). */
export interface SpanCounting {
  spanCounts(): Promise<{ finished: number; reported: number }[]>;
}

export interface SettleOptions {
  /** For each of the two waits (every span reported, every trace whole). */
  timeoutMs?: number;
  /** Between reads of the traces: two reads this far apart must agree. */
  intervalMs?: number;
}

/** A trace by id from a query API (`GET {base}/api/traces/:id`): undefined while it is not there yet. */
export function queryApiTraces(base: string): (traceID: string) => Promise<JaegerTrace | undefined> {
  return async (traceID) => {
    const res = await fetch(`${base}/api/traces/${traceID}`);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`trace ${traceID}: HTTP ${res.status}`);
    return ((await res.json()) as JaegerEnvelope<JaegerTrace[]>).data[0];
  };
}

/**
 * The traces, in the order asked, once every span each service finished has been reported and each
 * trace has its root and holds its span count across two reads.
 */
export async function settledTraces(
  mesh: SpanCounting,
  fetchTrace: (traceID: string) => Promise<JaegerTrace | undefined>,
  traceIDs: readonly string[],
  { timeoutMs = 20_000, intervalMs = 100 }: SettleOptions = {},
): Promise<JaegerTrace[]> {
  await waitFor(
    'every finished span to be reported',
    async () => (await mesh.spanCounts()).reduce((n, c) => n + c.finished - c.reported, 0) === 0,
    { timeoutMs, intervalMs: 50 },
  );
  const seen = new Map<string, number>();
  return waitFor(
    `${traceIDs.length === 1 ? `trace ${traceIDs[0]}` : `${traceIDs.length} traces`} to be stored whole`,
    async () => {
      const traces = await Promise.all(traceIDs.map(fetchTrace));
      let still = true;
      traces.forEach((t, i) => {
        const id = traceIDs[i]!;
        const n = t?.spans.length ?? -1;
        if (!t || !hasRoot(t, true) || seen.get(id) !== n) still = false;
        seen.set(id, n);
      });
      return still && (traces as JaegerTrace[]);
    },
    { timeoutMs, intervalMs },
  );
}
