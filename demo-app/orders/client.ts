// The typed client other services use to call orders.
import type { CallPeer } from '../instrumentation/peerCalls.ts';
import { ordersApi, type PlaceOrderRequest, type PlaceOrderResponse } from './api.ts';

export function createOrdersClient(callPeer: CallPeer) {
  const { service, place } = ordersApi;
  return {
    place: (body: PlaceOrderRequest) => callPeer<PlaceOrderResponse>(service, { ...place, path: place.route, body }),
  };
}
export type OrdersClient = ReturnType<typeof createOrdersClient>;
