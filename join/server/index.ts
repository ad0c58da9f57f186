// Public API of audience mode (server side): the attendee gate (rate limits, baggage), presence, live counts and the join URL + QR code.
import express, { type RequestHandler, type Router } from 'express';
import type { Log } from '../../pkg/index.ts';
import { createAttendeeGate, createGateCounters } from './attendeeGate.ts';
import { AttendeeLimits, defaultAttendeeLimits, type AttendeeLimitSettings } from './attendeeLimits.ts';
import { joinQrSvg } from './joinQr.ts';
import { resolveJoinUrl } from './joinUrl.ts';
import { Presence } from './presence.ts';
import { defaultRoomHold, RoomHold, type RoomHoldSettings } from './roomHold.ts';
import { isPresenter } from '../../pkg/index.ts';
import type { AudienceStats, JoinInfo } from '../../model/index.ts';

export { publicAttendeeTag } from './attendeeGate.ts';

export interface AudienceOptions {
  /** The server's settings audience mode reads: the presenter's token, where phones are sent, the interface bound. */
  config: { presenterToken: string; publicUrl: string | undefined; host: string };
  log: Log;
  /** The port the public server actually listens on (known after listen). */
  port: () => number;
  /** Whether a device (address) loaded a page before opening presence: only such devices count as attendees. */
  loadedPage?: (address: string) => boolean;
  /** Overrides of the rate limits (tests tighten them; the defaults suit the demo mesh). */
  limits?: Partial<AttendeeLimitSettings>;
  /** Overrides of the measuring hold's bounds (tests shorten them). */
  hold?: Partial<RoomHoldSettings>;
}

export interface Audience {
  /** Express middleware placed before attendee demo requests. */
  gate: RequestHandler;
  /**
   * /api/audience/join-info, /api/audience/stats, /api/audience/presence (SSE, one per open /join page), and the
   * presenter's measuring hold: POST /api/audience/hold {ms} starts it and answers once the attendee requests in the
   * mesh have finished, DELETE ends it.
   */
  router: Router;
  /** The URL phones should open, e.g. http://192.168.1.20:8080/join */
  joinUrl(): string;
  stats(): AudienceStats;
  stop(): Promise<void>;
}

export function createAudience(opts: AudienceOptions): Audience {
  const { config, log } = opts;
  const limits = new AttendeeLimits({ ...defaultAttendeeLimits, ...opts.limits });
  const counters = createGateCounters();
  const presence = new Presence({ loadedPage: opts.loadedPage });
  const hold = new RoomHold(limits, { ...defaultRoomHold, ...opts.hold }, (until) => presence.measuring(until));
  const gate = createAttendeeGate({ limits, presenterToken: config.presenterToken, counters, log, hold });

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
    hold: { active: hold.active, waiting: hold.waiting, ...hold.counts },
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
  const presenterOnly: RequestHandler = (req, res, next) => {
    if (isPresenter(req, config.presenterToken)) return next();
    res.status(401).json({ error: 'presenter token required: send "Authorization: Bearer <token>"' });
  };
  router.post('/api/audience/hold', presenterOnly, express.json({ limit: '1kb' }), async (req, res) => {
    const ms = (req.body as { ms?: unknown } | undefined)?.ms;
    if (typeof ms !== 'number' || !(ms > 0)) {
      res.status(400).json({ error: 'body must be {"ms": <how long to hold, in ms>}', maxMs: hold.settings.maxHoldMs });
      return;
    }
    const started = await hold.start(ms);
    log.info(
      `measuring: attendee requests held for up to ${Math.round((started.holdingUntil - Date.now()) / 1000)} s (${started.inFlightAtStart} in the mesh drained in ${started.drainedMs} ms)`,
    );
    res.json(started);
  });
  router.delete('/api/audience/hold', presenterOnly, (_req, res) => {
    res.json(hold.end());
  });

  return {
    gate,
    router,
    joinUrl,
    stats,
    async stop() {
      hold.stop();
      presence.stop();
    },
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
