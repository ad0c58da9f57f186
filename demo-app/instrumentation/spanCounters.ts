// A jaeger-client metrics factory that counts, so a service can say how many spans its reporter really sent.
interface CounterLike {
  increment(delta: number): void;
}

export function createSpanCounters() {
  const totals = new Map<string, number>();
  const keyOf = (name: string, tags: Record<string, string> | undefined) =>
    name +
    (tags
      ? Object.entries(tags)
          .map(([k, v]) => `|${k}=${v}`)
          .sort()
          .join('')
      : '');
  const counter = (key: string): CounterLike => ({
    increment(delta: number) {
      totals.set(key, (totals.get(key) ?? 0) + delta);
    },
  });
  const read = (name: string, tags?: Record<string, string>) => totals.get(keyOf(name, tags)) ?? 0;
  return {
    factory: {
      createCounter: (name: string, tags: Record<string, string>) => counter(keyOf(name, tags)),
      createGauge: () => ({ update() {} }),
      createTimer: () => ({ record() {} }),
    },
    /** `reported`: spans the collector accepted; `failed`/`dropped`: spans jaeger-client gave up on. */
    snapshot: () => ({
      finished: read('jaeger:finished_spans'),
      reported: read('jaeger:reporter_spans', { result: 'ok' }),
      failed: read('jaeger:reporter_spans', { result: 'err' }),
      dropped: read('jaeger:reporter_spans', { result: 'dropped' }),
    }),
  };
}
export type SpanCounts = ReturnType<ReturnType<typeof createSpanCounters>['snapshot']>;
