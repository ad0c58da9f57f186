// A plain request-rate limit per device, checked before any parsing: one device cannot keep the server's single thread busy for everyone else.
import type { RequestHandler } from 'express';
import { TokenBucket, addressOf, isOwnMachine, type Log } from '../pkg/index.ts';

export interface RequestRateLimits {
  /** Requests a device may send at once: a page load with its scripts, styles and pictures fits. */
  burst: number;
  /** …and per second after that: a phone polling its trace and tapping fits many times over. */
  perSecond: number;
}

export const defaultRequestRate: RequestRateLimits = { burst: 120, perSecond: 40 };

/** Devices remembered at most (the oldest forgotten first), so a spoofing crowd cannot grow the map. */
const MAX_DEVICES = 20_000;

export function limitRequestRate(limits: RequestRateLimits, log: Log, clock: () => number = Date.now): RequestHandler {
  const buckets = new Map<string, TokenBucket>();
  return (req, res, next) => {
    const address = addressOf(req.socket);
    if (isOwnMachine(address)) return next();
    const now = clock();
    let bucket = buckets.get(address);
    if (!bucket) {
      bucket = new TokenBucket(limits.burst, limits.perSecond, now);
      buckets.set(address, bucket);
      if (buckets.size > MAX_DEVICES) buckets.delete(buckets.keys().next().value!);
    }
    if (bucket.tryTake(1, now)) return next();
    log.warn(`refused a request from ${address}: more than ${limits.perSecond} requests a second`);
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(bucket.waitMs(1, now) / 1000))));
    // Connection: close, so a flood also pays for new connections, which the per-device cap bounds.
    res.status(429).setHeader('Connection', 'close');
    res.json({ error: 'too many requests from this device', reason: `at most ${limits.perSecond} requests a second` });
  };
}
