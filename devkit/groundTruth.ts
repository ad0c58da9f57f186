// Ground truth for the hole finder: the real mesh with one hole open (or none), its documented request pattern, the stored traces back as Jaeger JSON.
import { createMesh, type Mesh } from '../demo-app/index.ts';
import type { EmbeddedJaeger } from '../embedded-jaeger/index.ts';
import { holeCatalog, type HolePattern, type HoleSpec, type JaegerTrace } from '../model/index.ts';
import { createLog } from '../pkg/index.ts';
import { startQueryableJaeger } from './queryableJaeger.ts';
import { settledTraces } from './settledTraces.ts';

export interface GroundTruth {
  mesh: Mesh;
  jaeger: EmbeddedJaeger;
  /** Plugs every hole but `open` (null: all plugged). */
  openOnly(open: string | null): Promise<void>;
  /** Sends the hole's pattern (warm-up and lead unjudged) `rounds` times; returns the judged traces. */
  runPattern(hole: HoleSpec, rounds: number): Promise<JaegerTrace[]>;
  close(): Promise<void>;
}

export async function startGroundTruth(seed = 42): Promise<GroundTruth> {
  const log = createLog('ground-truth', 'silent');
  const store = await startQueryableJaeger({ maxSpans: 500_000, maxTraces: 20_000, log });
  const mesh = createMesh({ collectorEndpoint: store.collectorUrl, seed, log });
  try {
    await mesh.start();
  } catch (e) {
    await store.close();
    throw e;
  }

  const send = async (kind: 'normal' | 'slow', count: number, concurrent: boolean): Promise<string[]> => {
    if (concurrent) return (await mesh.sendRequests(kind, count)).map((r) => r.traceID);
    const ids: string[] = [];
    for (let i = 0; i < count; i++) ids.push((await mesh.sendRequests(kind, 1))[0]!.traceID);
    return ids;
  };

  await mesh.sendRequests('normal', 2); // warm the JIT and the connections
  return {
    mesh,
    jaeger: store.jaeger,
    async openOnly(open) {
      for (const h of holeCatalog) await mesh.setHole(h.id, h.id !== open);
    },
    async runPattern(hole, rounds) {
      const ids: string[] = [];
      for (let r = 0; r < rounds; r++) {
        const p: HolePattern = hole.pattern;
        for (const w of p.warmup) await send(w.kind, w.count, false);
        // The lead goes first and stays in flight while the judged requests arrive; its traces are not judged.
        const lead = p.lead ? mesh.sendRequests(p.lead.kind, p.lead.count) : undefined;
        lead?.catch(() => undefined); // awaited below
        if (p.lead) await new Promise((r) => setTimeout(r, p.lead!.aheadMs));
        ids.push(...(await send(p.kind, p.count, p.concurrent)));
        await lead;
      }
      return settledTraces(mesh, store.trace, ids);
    },
    async close() {
      await mesh.stop();
      await store.close();
    },
  };
}
