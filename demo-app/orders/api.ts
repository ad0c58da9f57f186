// orders' HTTP API: its routes and bodies, shared by its server and its typed client.
import type { Drink } from '../catalog.ts';

export interface PlaceOrderRequest {
  drinks: Drink[];
}
export interface PlaceOrderResponse {
  orderId: string;
}

export const ordersApi = {
  service: 'orders',
  place: { method: 'POST', route: '/orders' },
} as const;
