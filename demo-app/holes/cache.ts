// A real read-through cache (hole 5): when plugged, repeated lookups skip the expensive load.
export function createReadThroughCache<V>(ttlMs: number) {
  const entries = new Map<string, { value: V; expires: number }>();
  let hits = 0;
  let misses = 0;
  return {
    stats: () => ({ hits, misses, size: entries.size }),
    clear: () => entries.clear(),
    peek(key: string): V | undefined {
      const e = entries.get(key);
      if (!e) return undefined;
      if (e.expires < Date.now()) {
        entries.delete(key);
        return undefined;
      }
      return e.value;
    },
    /** Looks `key` up; on a miss runs `load` and keeps the result. `get`/`set` observe the cache round trips. */
    async getOrLoad(
      key: string,
      load: () => Promise<V>,
      io: { get(key: string): Promise<V | undefined>; set(key: string, value: V): Promise<void> },
    ): Promise<V> {
      const cached = await io.get(key);
      if (cached !== undefined) {
        hits++;
        return cached;
      }
      misses++;
      const value = await load();
      await io.set(key, value);
      return value;
    },
    put(key: string, value: V) {
      entries.set(key, { value, expires: Date.now() + ttlMs });
    },
  };
}
export type ReadThroughCache<V> = ReturnType<typeof createReadThroughCache<V>>;
