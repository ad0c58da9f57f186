// Seeded randomness so that simulated service times and flaky stalls repeat from run to run.
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  // mulberry32: small, fast and good enough to vary demo latencies.
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedFor(meshSeed: number, serviceName: string): number {
  let h = meshSeed >>> 0;
  for (const ch of serviceName) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

export function createJitter(seed: number) {
  const random = seededRandom(seed);
  return {
    random,
    /** `baseMs` give or take `spread` (a fraction), e.g. 20 ± 20 %. */
    ms: (baseMs: number, spread = 0.2) => baseMs * (1 - spread + 2 * spread * random()),
    chance: (p: number) => random() < p,
  };
}
export type Jitter = ReturnType<typeof createJitter>;

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
