// Public API of audience mode: the attendee gate (rate limits, baggage), presence, live counts and the join URL + QR code.
import express, { type Request, type RequestHandler, type Router } from 'express';
import type { AppConfig } from '../server/config.ts';
import type { Log } from '../server/log.ts';
import { isPresenter } from '../server/presenterAuth.ts';
import { createAttendeeGate, createGateCounters } from './attendeeGate.ts';
import { AttendeeLimits, defaultAttendeeLimits, type AttendeeLimitSettings } from './attendeeLimits.ts';
import { joinQrSvg } from './joinQr.ts';
import { resolveJoinUrl } from './joinUrl.ts';
import { Presence } from './presence.ts';
import { ServerStatsSampler, type ServerStats } from './serverStats.ts';
import type { AudienceStats, JoinInfo } from './audienceApi.ts';

export type { AudienceStats, JoinInfo } from './audienceApi.ts';
export type { ServerStats } from './serverStats.ts';

export interface AudienceOptions {
  config: AppConfig;
  log: Log;
  /** The port the public server actually listens on (known after listen). */
  port: () => number;
  /** The mesh's jaeger-client span counters (flushed first), for /api/server/stats?spans=1 (the load test). */
  meshSpanCounts?: () => Promise<unknown[]>;
  /** Overrides of the rate limits (tests tighten them; the defaults suit the demo mesh). */
  limits?: Partial<AttendeeLimitSettings>;
}

export interface Audience {
  /** Express middleware placed before attendee demo requests. */
  gate: RequestHandler;
  /**
   * /api/audience/join-info, /api/audience/stats, /api/audience/presence (SSE, one per open /join page)
   * and /api/server/stats (loopback or presenter only).
   */
  router: Router;
  /** The URL phones should open, e.g. http://192.168.1.20:8080/join */
  joinUrl(): string;
  stats(): AudienceStats;
  stop(): Promise<void>;
}

function isLoopback(req: Request): boolean {
  const a = req.socket.remoteAddress ?? '';
  return a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
}

export function createAudience(opts: AudienceOptions): Audience {
  const { config, log } = opts;
  const limits = new AttendeeLimits({ ...defaultAttendeeLimits, ...opts.limits });
  const counters = createGateCounters();
  const presence = new Presence();
  const serverStats = new ServerStatsSampler();
  const gate = createAttendeeGate({ limits, presenterToken: config.presenterToken, counters, log });

  const joinUrl = () => resolveJoinUrl({ publicUrl: config.publicUrl, host: config.host, port: opts.port() });
  if (!config.publicUrl && (config.host.startsWith('127.') || config.host === 'localhost')) {
    log.warn(`HOST=${config.host}: phones cannot reach this machine; set HOST=0.0.0.0 or PUBLIC_URL for audience mode`);
  }

  const stats = (): AudienceStats => ({
    attendeesConnected: presence.attendeesConnected,
    requestsPerSecond: round1(counters.admitted.perSecond()),
    limited: counters.limited.total,
    limitedPerSecond: round1(counters.limited.perSecond()),
    limitedBy: { ...counters.limitedBy },
    rejected: counters.rejected,
    requestsTotal: counters.admitted.total,
    inFlight: limits.requestsInFlight,
    presenceStreams: presence.openStreams,
  });

  const router = express.Router();
  router.get('/api/audience/join-info', async (_req, res) => {
    const url = joinUrl();
    const info: JoinInfo = { url, qrSvg: await joinQrSvg(url) };
    res.setHeader('Cache-Control', 'no-cache');
    res.json(info);
  });
  router.get('/api/audience/stats', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(stats());
  });
  router.get('/api/audience/presence', presence.handle);
  // How hard the machine works is the presenter's business, not the venue network's.
  router.get('/api/server/stats', async (req, res) => {
    if (!isLoopback(req) && !isPresenter(req, config.presenterToken)) {
      res.status(401).json({ error: 'server stats are for the presenter: send "Authorization: Bearer <token>" or ask from this machine' });
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    const body: ServerStats & { meshSpans?: unknown[] | null } = serverStats.stats();
    if (req.query.spans === '1') body.meshSpans = opts.meshSpanCounts ? await opts.meshSpanCounts().catch(() => null) : null;
    res.json(body);
  });

  return {
    gate,
    router,
    joinUrl,
    stats,
    async stop() {
      presence.close();
      serverStats.stop();
    },
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
