// The five performance holes of the demo: their ids, titles, and the switch state pushed to every service.
import { holeCatalog, isHoleId, type HoleId } from '../../model/index.ts';
export { holeCatalog, isHoleId, type HoleId };

/** For each hole, true when it is plugged (the fix is on). */
export type HoleSwitches = Record<HoleId, boolean>;

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
