// The five performance holes of the demo: their ids, titles, and the switch state pushed to every service.
export const holeCatalog = [
  { id: 'lock-contention', title: 'Orders database behind a pool of one connection' },
  { id: 'n-plus-one', title: 'Stock reserved one item at a time (N+1 calls)' },
  { id: 'flaky-dependency', title: 'Payments stalls: timeouts and retries' },
  { id: 'worker-pool', title: 'One barista for every drink (undersized worker pool)' },
  { id: 'missing-cache', title: 'Recipes and prices read from the database every time' },
] as const;

export type HoleId = (typeof holeCatalog)[number]['id'];

/** For each hole, true when it is plugged (the fix is on). */
export type HoleSwitches = Record<HoleId, boolean>;

export function isHoleId(id: string): id is HoleId {
  return holeCatalog.some((h) => h.id === id);
}

export function allOpen(): HoleSwitches {
  return Object.fromEntries(holeCatalog.map((h) => [h.id, false])) as HoleSwitches;
}

/** Reads switches sent over the wire, ignoring unknown ids and keeping `fallback` for missing ones. */
export function parseHoleSwitches(raw: unknown, fallback: HoleSwitches = allOpen()): HoleSwitches {
  const out = { ...fallback };
  if (raw && typeof raw === 'object') {
    for (const [id, plugged] of Object.entries(raw as Record<string, unknown>)) {
      if (isHoleId(id) && typeof plugged === 'boolean') out[id] = plugged;
    }
  }
  return out;
}

/** The deck server's single owner of hole state; services only ever get copies of it. */
export function createHoleSwitches(initial: HoleSwitches = allOpen()) {
  const state: HoleSwitches = { ...initial };
  return {
    list: () => holeCatalog.map((h) => ({ id: h.id, title: h.title, plugged: state[h.id] })),
    snapshot: (): HoleSwitches => ({ ...state }),
    set(id: HoleId, plugged: boolean) {
      state[id] = plugged;
      return { id, title: holeCatalog.find((h) => h.id === id)!.title, plugged };
    },
  };
}
export type HoleSwitchBoard = ReturnType<typeof createHoleSwitches>;
