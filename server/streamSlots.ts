// Per-device caps on long-lived streams (/api/live, presence); the presenter's token passes every cap.
import type { RequestHandler } from 'express';
import { AddressCounts, addressOf, isOwnMachine } from '../pkg/index.ts';
import type { Log } from '../pkg/index.ts';
import { isPresenterStream } from '../pkg/index.ts';

export interface StreamSlotOptions {
  /** What the stream is, for the refusal's words. */
  name: string;
  perAddress: number;
  presenterToken: string;
  log: Log;
}

/**
 * Marks the presenter's stream (`res.locals.presenter`) so the stream's own cap keeps room for
 * it, and refuses a device that already holds `perAddress` streams with a 429 naming the limit.
 */
export function streamSlots(opts: StreamSlotOptions): RequestHandler & { open(address: string): number } {
  const counts = new AddressCounts();
  const handler = ((req, res, next) => {
    if (isPresenterStream(req, opts.presenterToken)) {
      res.locals.presenter = true;
      return next();
    }
    const address = addressOf(req.socket);
    if (isOwnMachine(address)) return next();
    if (counts.get(address) >= opts.perAddress) {
      opts.log.warn(`refused a ${opts.name} stream from ${address}: it already holds ${opts.perAddress}`);
      res
        .status(429)
        .set('Retry-After', '10')
        .json({
          error: `too many ${opts.name} streams from one device`,
          reason: `one device may hold at most ${opts.perAddress} ${opts.name} streams`,
        });
      return;
    }
    const release = counts.hold(address);
    res.once('close', release);
    next();
  }) as RequestHandler & { open(address: string): number };
  handler.open = (address) => counts.get(address);
  return handler;
}
