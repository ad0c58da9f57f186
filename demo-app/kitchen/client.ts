// The typed client other services use to call kitchen.
import type { CallPeer } from '../instrumentation/peerCalls.ts';
import { kitchenApi, type BrewRequest, type BrewResponse } from './api.ts';

export function createKitchenClient(callPeer: CallPeer) {
  const { service, brew } = kitchenApi;
  return {
    brew: (body: BrewRequest) => callPeer<BrewResponse>(service, { ...brew, path: brew.route, body }),
  };
}
export type KitchenClient = ReturnType<typeof createKitchenClient>;
