// The middleware every attendee demo request passes: identity check, rate limits, and baggage for the mesh.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { addressOf, isOwnMachine, isPresenter, type Log } from '../../pkg/index.ts';
import { ATTENDEE_ID_HEADER, ATTENDEE_NAME_HEADER, attendeeBaggage, parseAttendee } from '../attendeeIdentity.ts';
import type { AttendeeLimits, LimitScope } from './attendeeLimits.ts';
import type { RateLimitedBody } from '../../model/index.ts';
import { RateWindow } from './rateWindow.ts';
import type { RoomHold } from './roomHold.ts';

/** What the attendee's page shows for each refusal; the page words it kindly, these say exactly why. */
const LIMIT_REASONS: Record<LimitScope, string> = {
  attendee: 'you (or your device) are sending requests faster than about 2 per second',
  everyone: 'the audience together is sending more requests than the demo takes',
  busy: 'the demo mesh is full of requests right now',
  measuring: 'the presenter is measuring and the requests waiting their turn fill the queue',
};

export interface GateCounters {
  /** Demo requests let through (a call with count 3 counts 3). */
  admitted: RateWindow;
  /** Calls answered 429. */
  limited: RateWindow;
  limitedBy: Record<LimitScope, number>;
  /** Calls answered 400 (malformed attendee headers or body). */
  rejected: number;
}

export function createGateCounters(): GateCounters {
  return {
    admitted: new RateWindow(),
    limited: new RateWindow(),
    limitedBy: { attendee: 0, everyone: 0, busy: 0, measuring: 0 },
    rejected: 0,
  };
}

export interface AttendeeGateOptions {
  limits: AttendeeLimits;
  presenterToken: string;
  counters: GateCounters;
  log: Log;
  /** The presenter's measuring hold: while it is on, calls queue instead of entering the mesh. */
  hold?: RoomHold;
}

/**
 * A caller that sends no id (a script, curl) is still an attendee: it gets an anonymous id
 * derived from its address, so it shares one rate limit per address instead of being refused.
 */
function anonymousAttendeeId(address: string): string {
  return `anon-${createHash('sha256').update(address).digest('hex').slice(0, 16)}`;
}

/** Keyed per server start: a published tag cannot be turned back into the id, nor guessed from one. */
const TAG_KEY = randomBytes(16);

/** What spans show for an attendee: stable for one id during a talk, useless as a credential. */
export function publicAttendeeTag(id: string): string {
  return `a-${createHmac('sha256', TAG_KEY).update(id).digest('hex').slice(0, 12)}`;
}

/** `count` as the demo API will read it, when it is a sane number; the API itself rejects the rest. */
function requestedCount(body: unknown): number {
  const count = (body as { count?: unknown } | undefined)?.count;
  return typeof count === 'number' && Number.isInteger(count) && count >= 1 ? count : 1;
}

/** Retry-After is in whole seconds, at least one. */
const wholeSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Past this, a slot is freed even if the demo API never answered: a hung request must not hold it forever. */
const SLOT_TIMEOUT_MS = 60_000;

/**
 * Frees the request's slot when the demo API answers it, not when the phone hangs up: a phone that
 * gives up leaves its request running in the mesh, and the cap is there to bound the mesh's work.
 * An abandoned response never emits 'finish', so the moment of answering is caught at res.end.
 */
function holdUntilAnswered(res: Response, release: () => void): void {
  const timer = setTimeout(release, SLOT_TIMEOUT_MS);
  timer.unref();
  const done = () => {
    clearTimeout(timer);
    release();
  };
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    done();
    return end(...args);
  }) as Response['end'];
  res.once('finish', done);
}

export function createAttendeeGate(opts: AttendeeGateOptions): RequestHandler {
  const { limits, counters, log } = opts;
  const parseJson = express.json({ limit: '2kb' });
  let unloggedLimits = 0;
  let lastLimitLog = 0;

  const bad = (res: Response, reason: string) => {
    counters.rejected++;
    // A broken or hostile client repeating itself is folded by the log (pkg/log.ts) into a count.
    log.warn(`attendee request refused (400): ${reason}`);
    res.status(400).json({ error: 'bad attendee request', reason });
  };

  const noteLimited = (scope: LimitScope) => {
    counters.limited.add();
    counters.limitedBy[scope]++;
    unloggedLimits++;
    // One line per ten seconds at most: a keen audience must not flood the presenter's terminal.
    const now = Date.now();
    if (now - lastLimitLog >= 10_000) {
      log.info(
        `rate-limited ${unloggedLimits} attendee call(s) (so far: ${counters.limitedBy.attendee} too fast, ` +
          `${counters.limitedBy.everyone} audience cap, ${counters.limitedBy.busy} mesh full, ${counters.limitedBy.measuring} while measuring)`,
      );
      lastLimitLog = now;
      unloggedLimits = 0;
    }
  };

  const admit = (req: Request, res: Response, next: (err?: unknown) => void) => {
    const address = addressOf(req.socket);
    const who = parseAttendee(req.get(ATTENDEE_ID_HEADER), req.get(ATTENDEE_NAME_HEADER), anonymousAttendeeId(address));
    if (!who.ok) return bad(res, who.reason);
    const count = requestedCount(req.body);
    if (count > limits.settings.maxCountPerCall) {
      return bad(res, `attendees may send at most ${limits.settings.maxCountPerCall} requests at once`);
    }

    const device = isOwnMachine(address) ? undefined : address;
    const limited = (scope: LimitScope, reason: string, retryAfterSeconds: number) => {
      noteLimited(scope);
      res.setHeader('Retry-After', String(retryAfterSeconds));
      const body: RateLimitedBody = { error: 'rate limited', limit: scope, reason, retryAfterSeconds };
      res.status(429).json(body);
    };
    const run = (release: () => void) => {
      // Every freed slot lets the next waiting call in (and tells a presenter waiting for the mesh to empty).
      holdUntilAnswered(res, () => {
        release();
        opts.hold?.pump();
      });
      counters.admitted.add(count);
      res.locals.baggage = attendeeBaggage(who.attendee, publicAttendeeTag(who.attendee.id));
      next();
    };

    // Only while the hold is on: after it the waiting calls take each freed slot first (the release pumps them
    // before anyone new can ask), and newcomers meet the usual limits, as without a hold.
    if (opts.hold?.active) {
      // The presenter is measuring: the call pays its pace limits now and waits its turn for the mesh.
      const paced = limits.takeTokens(who.attendee.id, count, device);
      if (!paced.ok) return limited(paced.scope, LIMIT_REASONS[paced.scope], wholeSeconds(paced.retryAfterMs));
      const offer = opts.hold.offer({
        count,
        address: device,
        res,
        at: Date.now(),
        go: run,
        refuse: (reason, s) => limited('measuring', reason, s),
      });
      if (!offer.ok) limited('measuring', offer.reason, offer.retryAfterSeconds);
      return;
    }
    const admission = limits.admit(who.attendee.id, count, device);
    if (!admission.ok) return limited(admission.scope, LIMIT_REASONS[admission.scope], wholeSeconds(admission.retryAfterMs));
    run(admission.release);
  };

  return (req, res, next) => {
    // The presenter's own requests are never limited and carry no attendee baggage.
    if (isPresenter(req, opts.presenterToken)) return next();
    parseJson(req, res, (err?: unknown) => {
      if (err) return bad(res, `body is not valid JSON of at most 2 KB (${(err as Error).message})`);
      admit(req, res, next);
    });
  };
}
