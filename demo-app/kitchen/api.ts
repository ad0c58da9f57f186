// kitchen's HTTP API: its routes and bodies, shared by its server and its typed client.
import type { Drink } from '../catalog.ts';

export interface BrewRequest {
  orderId: string;
  drinks: Drink[];
}
export interface BrewResponse {
  brewed: number;
}

export const kitchenApi = {
  service: 'kitchen',
  brew: { method: 'POST', route: '/brew' },
} as const;
