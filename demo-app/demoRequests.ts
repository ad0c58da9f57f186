// Sends demo orders into the storefront from the deck server and reports each one's trace id and latency.
import { traceIdHeader } from './instrumentation/serverSpans.ts';
import type { DemoRequestResult, RequestKind } from './index.ts';

export class InvalidBaggageError extends Error {
  override name = 'InvalidBaggageError';
}

/** Baggage keys and values that fit an HTTP header; anything else is refused rather than mangled. */
export function baggageHeaders(baggage: Record<string, string> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(baggage ?? {})) {
    if (!/^[A-Za-z0-9_.-]{1,64}$/.test(key)) throw new InvalidBaggageError(`baggage key "${key}" is not a header token`);
    headers[`uberctx-${key}`] = encodeURIComponent(String(value).slice(0, 256));
  }
  return headers;
}

export async function sendOrder(
  storefrontPort: number,
  kind: RequestKind,
  headers: Record<string, string>,
): Promise<DemoRequestResult> {
  const started = performance.now();
  try {
    const res = await fetch(`http://127.0.0.1:${storefrontPort}/order`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ kind }),
      signal: AbortSignal.timeout(60_000),
    });
    await res.arrayBuffer();
    return { traceID: res.headers.get(traceIdHeader) ?? '', durationMs: round(performance.now() - started), status: res.status };
  } catch {
    // The storefront went away mid-request: still an answer, never a hang.
    return { traceID: '', durationMs: round(performance.now() - started), status: 502 };
  }
}

const round = (ms: number) => Math.round(ms * 100) / 100;
