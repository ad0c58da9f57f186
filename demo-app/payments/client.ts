// The typed client other services use to call payments.
import type { CallPeer } from '../instrumentation/peerCalls.ts';
import { idempotencyKeyHeader, paymentsApi, type ChargeRequest, type ChargeResponse } from './api.ts';

export function createPaymentsClient(callPeer: CallPeer) {
  const { service, charge } = paymentsApi;
  return {
    /** Every attempt for one order carries the same idempotency key, so a retry cannot charge twice. */
    charge: (body: ChargeRequest, idempotencyKey: string, deadline?: { signal: AbortSignal; timeoutMs: number }) =>
      callPeer<ChargeResponse>(service, {
        ...charge,
        path: charge.route,
        body,
        headers: { [idempotencyKeyHeader]: idempotencyKey },
        ...deadline,
      }),
  };
}
export type PaymentsClient = ReturnType<typeof createPaymentsClient>;
