// Public API of audience mode: the attendee gate (rate limits, baggage) and the join URL + QR code.
// STUB — to be implemented (issue 6).
import express, { type RequestHandler, type Router } from 'express';
import type { AppConfig } from '../server/config.ts';
import type { Log } from '../server/log.ts';

export interface AudienceOptions {
  config: AppConfig;
  log: Log;
  /** The port the public server actually listens on (known after listen). */
  port: () => number;
}

export interface Audience {
  /** Express middleware placed before attendee demo requests. */
  gate: RequestHandler;
  /** /api/audience/… routes. */
  router: Router;
  /** The URL phones should open, e.g. http://192.168.1.20:8080/join */
  joinUrl(): string;
  stop(): Promise<void>;
}

export function createAudience(opts: AudienceOptions): Audience {
  return {
    gate: (_req, _res, next) => next(),
    router: express.Router(),
    joinUrl: () => opts.config.publicUrl ?? `http://localhost:${opts.port()}/join`,
    async stop() {},
  };
}
