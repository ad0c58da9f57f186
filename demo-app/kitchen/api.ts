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
  /** The one service on the OpenTelemetry SDK: it reads and writes traceparent and uber-trace-id both. */
  tracing: 'opentelemetry',
  brew: { method: 'POST', route: '/brew' },
} as const;
