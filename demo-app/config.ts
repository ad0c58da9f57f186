// The mesh's one table of hole settings and call deadlines: every service reads its numbers from here.
import type { HoleId, HoleSetting } from '../model/index.ts';

/**
 * Why each value (the same words are in model/holes.ts `settings`, which the self-study walk-through shows;
 * test/mesh/holeSettings.test.ts keeps the two in step).
 */
export const holeSettings = {
  /** Orders' database: one connection held through a whole order transaction queues every concurrent order. */
  ordersPool: { open: 1, plugged: 16 },
  /** The order's two INSERTs, on the held connection: long enough that the queue is database time, which a bigger pool overlaps, not CPU. */
  orderInsertMs: { order: 20, lines: 15 },
  /**
   * Inventory's reservation per item (N+1) and for a whole batch: each single one is its own transaction (row lock, UPDATE,
   * a commit synced to the replica), so a team order pays it once per drink in a row; the batch, one transaction for every
   * item, is a little dearer than one single.
   */
  reserveOneMs: 18,
  reserveBatchMs: 22,
  /** Payments' INSERT of a healthy charge: far below the charge deadline, so the deadline is never hit by chance. */
  chargeInsertMs: 8,
  /** Payments: 250 ms is never hit by a healthy charge; 4 attempts cover the two planned stalls. */
  paymentRetries: { attempts: 4, timeoutMs: 250, backoffMs: 15 },
  /** Longer than any deadline, so a stalled attempt always ends in the caller's timeout. */
  paymentStall: { ms: 1_000, slowOrderAttempts: 2, everyNthNormalOrder: 3 },
  /** Kitchen: one barista makes a 6-drink order a staircase; plugged, the presenter's largest burst (7 normal orders, 21 drinks) never queues. */
  baristas: { open: 1, plugged: 24 },
  /** Menu: a three-table join; 12 repeated reads dominate a slow order. */
  menuSelectMs: 24,
  /** Longer than any stretch of the demo, short enough that a price change shows within a minute. */
  menuCacheTtlMs: 60_000,
} as const;

/**
 * Deadlines between services. Long enough for the queues the holes build on purpose (a burst of 50 with one
 * barista brews for several seconds); a frozen service is found by the supervisor within ~3 s and killed, which
 * ends every call to it at once, so these only bound a service that is alive but never answers.
 */
export const callDeadlines = {
  /** Any call from one service to another behind the storefront. */
  peerCallMs: 10_000,
  /** The storefront's calls: longer than `peerCallMs`, so a deeper service's timeout arrives first and is named. */
  entryCallMs: 12_000,
  /** The deck server's wait for a whole order through the storefront. */
  orderMs: 30_000,
} as const;

const s = holeSettings;
const ms = (x: number) => `${x} ms`;

/** The settings table as words, built from the numbers above: what model/holes.ts must say. */
export function holeSettingRows(): Record<HoleId, HoleSetting[]> {
  const r = s.paymentRetries;
  return {
    'lock-contention': [
      {
        name: 'orders-db connection pool',
        open: `${s.ordersPool.open} connection`,
        plugged: `${s.ordersPool.plugged} connections`,
        why: '',
      },
      {
        name: 'order transaction',
        open: `INSERT ${ms(s.orderInsertMs.order)}, the stock reservations, INSERT ${ms(s.orderInsertMs.lines)}, on one held connection`,
        plugged: 'the same',
        why: '',
      },
    ],
    'n-plus-one': [
      {
        name: 'stock reservation',
        open: `one call per drink, one after another (UPDATE ${ms(s.reserveOneMs)} each)`,
        plugged: `one batch call (UPDATE ${ms(s.reserveBatchMs)})`,
        why: '',
      },
    ],
    'flaky-dependency': [
      {
        name: 'payments retries',
        open: `${r.attempts} attempts, ${ms(r.timeoutMs)} deadline each, ${r.backoffMs} ms × n backoff`,
        plugged: 'the same',
        why: '',
      },
      {
        name: 'card-network stall',
        open: `${s.paymentStall.ms / 1000} s, on attempts 1–${s.paymentStall.slowOrderAttempts} of every slow order and attempt 1 of every ${ordinal(s.paymentStall.everyNthNormalOrder)} normal order`,
        plugged: 'never',
        why: '',
      },
    ],
    'worker-pool': [{ name: 'baristas', open: String(s.baristas.open), plugged: String(s.baristas.plugged), why: '' }],
    'missing-cache': [
      { name: 'menu SELECT', open: `${ms(s.menuSelectMs)} per read`, plugged: `${ms(s.menuSelectMs)}, on a cache miss only`, why: '' },
      { name: 'menu cache', open: 'none', plugged: `read-through, ${s.menuCacheTtlMs / 1000} s TTL`, why: '' },
    ],
  };
}

function ordinal(n: number): string {
  return `${n}${n === 1 ? 'st' : n === 2 ? 'nd' : n === 3 ? 'rd' : 'th'}`;
}
