// storefront's HTTP API (the mesh's front door): its route and bodies, shared by its server and the deck's client.
import type { RequestKind } from '../../model/index.ts';
import type { Drink } from '../catalog.ts';

export interface OrderRequest {
  kind: RequestKind;
}
export interface OrderResponse {
  orderId: string;
  drinks: Drink[];
  total: number;
  paymentAttempts: number;
}
/** What a failed order answers: the reason in words, naming the service that failed. */
export interface OrderFailure {
  error: string;
}

export const storefrontApi = {
  service: 'storefront',
  order: { method: 'POST', route: '/order' },
} as const;
