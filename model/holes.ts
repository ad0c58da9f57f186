// The five performance holes as every part knows them: id, title, the finding kind that names each, and the request pattern that shows it.
import type { RequestKind } from './demoApi.ts';
import type { FindingKind } from './findings.ts';

/** How to send the requests that show a hole every time for a given MESH_SEED (the Demo slide's script uses it). */
export interface HolePattern {
  /** Requests sent first and not judged (e.g. one that fills the cache). */
  warmup: { kind: RequestKind; count: number }[];
  /** The requests whose traces show the hole; `concurrent` sends them at once (a burst), else one after another. */
  kind: RequestKind;
  count: number;
  concurrent: boolean;
  /** What the trace shows while the hole is open, in words. */
  signature: string;
}

/** One tunable of a hole, as the single settings table states it. */
export interface HoleSetting {
  name: string;
  open: string;
  plugged: string;
  why: string;
}

export interface HoleSpec {
  id: string;
  title: string;
  /** The short name on buttons and chart markers. */
  shortName: string;
  /** The hole finder's kind that names this hole in a trace. */
  findingKind: FindingKind;
  pattern: HolePattern;
  settings: HoleSetting[];
}

/**
 * The catalog. The mesh owns the mechanisms (demo-app/holes/) and fills in `pattern` and `settings`
 * from its one settings table; the deck, the recordings and the tests read this.
 */
export const holeCatalog = [
  {
    id: 'lock-contention',
    title: 'Orders database behind a pool of one connection',
    shortName: 'lock',
    findingKind: 'lock-contention',
    pattern: { warmup: [], kind: 'slow', count: 5, concurrent: true, signature: 'a burst queues on the one connection' },
    settings: [],
  },
  {
    id: 'n-plus-one',
    title: 'Stock reserved one item at a time (N+1 calls)',
    shortName: 'N+1',
    findingKind: 'n-plus-one',
    pattern: { warmup: [], kind: 'normal', count: 3, concurrent: false, signature: 'one reserve call per item, one after another' },
    settings: [],
  },
  {
    id: 'flaky-dependency',
    title: 'Payments stalls: timeouts and retries',
    shortName: 'flaky',
    findingKind: 'retries',
    pattern: { warmup: [], kind: 'slow', count: 3, concurrent: false, signature: 'the first charge attempt times out and is retried' },
    settings: [],
  },
  {
    id: 'worker-pool',
    title: 'One barista for every drink (undersized worker pool)',
    shortName: 'workers',
    findingKind: 'pool-saturation',
    pattern: { warmup: [], kind: 'slow', count: 3, concurrent: false, signature: 'drinks brewed one at a time: a staircase' },
    settings: [],
  },
  {
    id: 'missing-cache',
    title: 'Recipes and prices read from the database every time',
    shortName: 'cache',
    findingKind: 'repeated-work',
    pattern: { warmup: [{ kind: 'normal', count: 1 }], kind: 'normal', count: 3, concurrent: false, signature: 'the same recipe read again for every drink' },
    settings: [],
  },
] as const satisfies readonly HoleSpec[];

export type HoleId = (typeof holeCatalog)[number]['id'];

export function isHoleId(id: string): id is HoleId {
  return holeCatalog.some((h) => h.id === id);
}
