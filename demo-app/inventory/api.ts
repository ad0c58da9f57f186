// inventory's HTTP API: its routes and bodies, shared by its server and its typed client.
import type { Drink } from '../catalog.ts';

export interface AvailabilityResponse {
  open: boolean;
}
export interface ReserveRequest {
  items: Drink[];
}
export interface ReserveResponse {
  reserved: Drink[];
}

export const inventoryApi = {
  service: 'inventory',
  availability: { method: 'GET', route: '/availability' },
  /** One item per call: the N+1 path. */
  reserveOne: { method: 'POST', route: '/stock/:item/reserve' },
  /** Every item in one call: the batch path. */
  reserveAll: { method: 'POST', route: '/stock/reserve' },
} as const;
