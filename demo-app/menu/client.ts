// The typed client other services use to call menu.
import type { Drink } from '../catalog.ts';
import type { CallPeer } from '../instrumentation/peerCalls.ts';
import { menuApi, type MenuItem, type PricesRequest, type PricesResponse } from './api.ts';

export function createMenuClient(callPeer: CallPeer) {
  const { service, prices, recipe } = menuApi;
  return {
    prices: (body: PricesRequest) => callPeer<PricesResponse>(service, { ...prices, path: prices.route, body }),
    recipe: (drink: Drink) => callPeer<MenuItem>(service, { ...recipe, path: `/recipe/${encodeURIComponent(drink)}` }),
  };
}
export type MenuClient = ReturnType<typeof createMenuClient>;
