// menu's HTTP API: its routes and bodies, shared by its server and its typed client.
import type { Drink } from '../catalog.ts';

export interface MenuItem {
  drink: Drink;
  price: number;
  /** Brewing steps: the kitchen's time per drink grows with them. */
  steps: number;
}
export interface PricesRequest {
  drinks: Drink[];
}
export interface PricesResponse {
  total: number;
}

export const menuApi = {
  service: 'menu',
  prices: { method: 'POST', route: '/prices' },
  recipe: { method: 'GET', route: '/recipe/:drink' },
} as const;
