// payments' HTTP API: its routes and bodies, shared by its server and its typed client.
import type { RequestKind } from '../../model/index.ts';

export interface ChargeRequest {
  orderId: string;
  amount: number;
  /** The order's kind: the flaky hole stalls slow orders for sure (see model/holes.ts). */
  kind: RequestKind;
  attempt: number;
}
export interface ChargeResponse {
  charged: number;
  attempt: number;
  /** True when this key was charged before: the earlier charge's answer, nothing charged again. */
  replayed: boolean;
}

/** Header naming one charge: a retry with the same key never charges twice. */
export const idempotencyKeyHeader = 'idempotency-key';

export const paymentsApi = {
  service: 'payments',
  charge: { method: 'POST', route: '/charge' },
} as const;
