// The five performance holes as every part knows them: id, title, the finding kind that names each, and the request pattern that shows it.
import type { RequestKind } from './demoApi.ts';
import type { FindingKind } from './findings.ts';

/** How to send the requests that show a hole every time for a given MESH_SEED (the Demo slide's script uses it). */
export interface HolePattern {
  /** Requests sent first and not judged (e.g. one that fills the cache). */
  warmup: { kind: RequestKind; count: number }[];
  /**
   * Requests sent just before the judged ones and not judged, still in flight when those arrive: a burst's
   * first request would otherwise find the resource free and show nothing. `aheadMs`: their head start.
   */
  lead?: { kind: RequestKind; count: number; aheadMs: number };
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
    pattern: {
      warmup: [],
      lead: { kind: 'normal', count: 2, aheadMs: 20 },
      kind: 'normal',
      count: 5,
      concurrent: true,
      signature:
        'The five orders queue for the one orders-db connection behind two orders already holding or awaiting it: their "orders-db acquire connection" spans log "waiting behind 1" … "waiting behind 6" and grow into a staircase, while each transaction itself stays short.',
    },
    settings: [
      {
        name: 'orders-db connection pool',
        open: '1 connection',
        plugged: '16 connections',
        why: 'One connection held for a whole order transaction (N+1 reservations included) makes every concurrent order wait its turn; 16 is more than the mesh ever admits at once (8 attendee requests plus the presenter), so nobody waits.',
      },
      {
        name: 'order transaction',
        open: 'INSERT 20 ms, the stock reservations, INSERT 15 ms, on one held connection',
        plugged: 'the same',
        why: 'Writing an order and its lines with their indexes takes real database time, and the connection is held through it: the queue behind one connection is then time a bigger pool overlaps, not CPU that concurrent orders would fight over anyway, so plugging shows even on a busy machine.',
      },
    ],
  },
  {
    id: 'n-plus-one',
    title: 'Stock reserved one item at a time (N+1 calls)',
    shortName: 'N+1',
    findingKind: 'n-plus-one',
    pattern: {
      // Plugged fourth, after the cache: a cache entry may have expired while the presenter talked, and one order refills it on both sides.
      warmup: [{ kind: 'slow', count: 1 }],
      kind: 'slow',
      count: 3,
      concurrent: false,
      signature:
        'Each order makes orders call inventory "POST /stock/:item/reserve" once per drink (3 for a normal order, 6 for a slow one), each call starting only after the one before ended; plugged, one "POST /stock/reserve" with every item. A slow (team) order shows it plainest: the same 6 drinks every time.',
    },
    settings: [
      {
        name: 'stock reservation',
        open: 'one call per drink, one after another (UPDATE 18 ms each)',
        plugged: 'one batch call (UPDATE 22 ms)',
        why: 'Each single reservation is its own transaction (a row lock, the UPDATE and a commit synced to the replica, about 18 ms) plus a real hop between two processes, so a team order of 6 drinks pays that 6 times in a row: the longest stretch of the order once the other holes are plugged. The batch, one transaction for every item, costs a little more than one single, so the gain shown is the round trips saved, not a cheaper statement.',
      },
    ],
  },
  {
    id: 'flaky-dependency',
    title: 'Payments stalls: timeouts and retries',
    shortName: 'flaky',
    findingKind: 'retries',
    pattern: {
      warmup: [],
      kind: 'slow',
      count: 2,
      concurrent: false,
      signature:
        'Every slow order: the first two "POST /charge" attempts are error spans "timed out after 250 ms" and the root logs "payments attempt N failed … retrying"; the third attempt charges. Also the first attempt of every 3rd normal order since the hole was opened. Plugged: one clean charge.',
    },
    settings: [
      {
        name: 'payments retries',
        open: '4 attempts, 250 ms deadline each, 15 ms × n backoff',
        plugged: 'the same',
        why: 'A healthy charge takes about 8 ms, so 250 ms is never reached by chance even in a burst, yet two timeouts still read as a clear quarter-second step each; 4 attempts cover the two planned stalls with one to spare.',
      },
      {
        name: 'card-network stall',
        open: '1 s, on attempts 1–2 of every slow order and attempt 1 of every 3rd normal order',
        plugged: 'never',
        why: "The stall is longer than any deadline, so a stalled attempt always ends in the caller's timeout, never in a slow success; a count instead of the old 35 % coin makes the same request show the same retries at every rehearsal.",
      },
    ],
  },
  {
    id: 'worker-pool',
    title: 'One barista for every drink (undersized worker pool)',
    shortName: 'workers',
    findingKind: 'pool-saturation',
    pattern: {
      warmup: [],
      kind: 'slow',
      count: 2,
      concurrent: false,
      signature:
        'Every slow order: kitchen brews its 6 drinks one after another ("brew …" spans in a staircase) and the "POST /brew" span logs "… waits for a barista (N ahead)"; plugged, the 6 brews overlap.',
    },
    settings: [
      {
        name: 'baristas',
        open: '1',
        plugged: '24',
        why: "One barista turns a team order of 6 drinks into 6 steps; 24 brew the largest burst the presenter sends (the lock's 2 + 5 normal orders, 21 drinks) at once, so a plugged kitchen never becomes the next queue when another hole is plugged.",
      },
    ],
  },
  {
    id: 'missing-cache',
    title: 'Recipes and prices read from the database every time',
    shortName: 'cache',
    findingKind: 'repeated-work',
    pattern: {
      warmup: [{ kind: 'slow', count: 1 }],
      kind: 'slow',
      count: 2,
      concurrent: false,
      signature:
        'Every slow order (6 drinks of 2 kinds) reads menu-db 12 times, a price and a recipe per drink, for 2 distinct rows. Plugged: the warm-up order fills the cache (2 reads), and the next ones read only "menu-cache GET" hits.',
    },
    settings: [
      {
        name: 'menu SELECT',
        open: '24 ms per read',
        plugged: '24 ms, on a cache miss only',
        why: 'A three-table join on a small database; 12 repeated reads (about 290 ms) dominate a slow order, while one read stays small next to a network call.',
      },
      {
        name: 'menu cache',
        open: 'none',
        plugged: 'read-through, 60 s TTL',
        why: 'Longer than any stretch of the demo, so a cache warmed after plugging stays warm for the next trace; short enough that a changed price would show within a minute.',
      },
    ],
  },
] as const satisfies readonly HoleSpec[];

export type HoleId = (typeof holeCatalog)[number]['id'];

export function isHoleId(id: string): id is HoleId {
  return holeCatalog.some((h) => h.id === id);
}
