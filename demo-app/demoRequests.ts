// Attendee baggage for demo orders: keys and values checked before they become uberctx-* headers.
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
