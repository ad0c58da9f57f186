// The typed client the deck server uses to place demo orders through the storefront: trace id, latency and, on failure, why.
import type { DemoRequestResult, RequestKind } from '../../model/index.ts';
import { callDeadlines } from '../config.ts';
import { traceIdHeader } from '../instrumentation/serverSpans.ts';
import { storefrontApi, type OrderFailure, type OrderRequest } from './api.ts';

const round = (ms: number) => Math.round(ms * 100) / 100;

function reasonIn(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as Partial<OrderFailure>;
    return typeof body.error === 'string' ? body.error : undefined;
  } catch {
    return undefined;
  }
}

export async function placeOrder(storefrontPort: number, kind: RequestKind, headers: Record<string, string>): Promise<DemoRequestResult> {
  const started = performance.now();
  const deadline = AbortSignal.timeout(callDeadlines.orderMs);
  try {
    const body: OrderRequest = { kind };
    const res = await fetch(`http://127.0.0.1:${storefrontPort}${storefrontApi.order.route}`, {
      method: storefrontApi.order.method,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: deadline,
    });
    const text = await res.text();
    const result: DemoRequestResult = {
      traceID: res.headers.get(traceIdHeader) ?? '',
      durationMs: round(performance.now() - started),
      status: res.status,
    };
    if (!res.ok) result.error = reasonIn(text) ?? `storefront answered ${res.status}`;
    return result;
  } catch (e) {
    // The storefront went away or hung mid-request: still an answer, never a hang.
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    const error = deadline.aborted
      ? `storefront did not answer within ${callDeadlines.orderMs / 1000} s`
      : cause === 'ECONNREFUSED'
        ? 'storefront is not running (connection refused)'
        : 'storefront dropped the connection mid-answer';
    return { traceID: '', durationMs: round(performance.now() - started), status: deadline.aborted ? 504 : 502, error };
  }
}
