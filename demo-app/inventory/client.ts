// The typed client other services use to call inventory.
import type { Drink } from '../catalog.ts';
import type { CallPeer } from '../instrumentation/peerCalls.ts';
import { inventoryApi, type AvailabilityResponse, type ReserveRequest, type ReserveResponse } from './api.ts';

export function createInventoryClient(callPeer: CallPeer) {
  const { service, availability, reserveOne, reserveAll } = inventoryApi;
  return {
    availability: () => callPeer<AvailabilityResponse>(service, { ...availability, path: availability.route }),
    reserveOne: (item: Drink) => callPeer<ReserveResponse>(service, { ...reserveOne, path: `/stock/${encodeURIComponent(item)}/reserve` }),
    reserveAll: (body: ReserveRequest) => callPeer<ReserveResponse>(service, { ...reserveAll, path: reserveAll.route, body }),
  };
}
export type InventoryClient = ReturnType<typeof createInventoryClient>;
