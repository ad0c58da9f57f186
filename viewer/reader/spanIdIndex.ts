// Span ID → span index; the first span keeps an ID that repeats.

export interface SpanIdIndex {
  /** Index of the first span with this ID, or −1. */
  get(id: string): number;
}

export function buildSpanIdIndex(n: number, idOf: (i: number) => string): SpanIdIndex {
  const ids = new Map<string, number>();
  // Backwards, so that a plain set leaves the first span holding a repeated ID.
  for (let i = n - 1; i >= 0; i--) ids.set(idOf(i), i);
  return { get: (id) => ids.get(id) ?? -1 };
}
