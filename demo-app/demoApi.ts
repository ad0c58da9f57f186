// HTTP API of the demo on the public server: hole switches and demo requests.
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { isPresenter, isPresenterStream, openEventStream } from '../pkg/index.ts';
import type { Log } from '../pkg/index.ts';
import { InvalidBaggageError } from './demoRequests.ts';
import { isHoleId } from './holes/holeSwitches.ts';
import type { ServiceStateEvent } from '../model/index.ts';
import type { Mesh } from './index.ts';
import { MeshDownError } from './meshErrors.ts';

export interface DemoApiOptions {
  mesh: Mesh;
  presenterToken: string;
  /** Runs before every demo request: rate limits and attendee baggage; it lets the presenter's token through. */
  attendeeGate: RequestHandler;
  log?: Log;
}

export const maxRequestsPerCall = 50;
/** Most `/api/mesh/events` streams at once; the presenter always gets one. */
export const maxMeshEventStreams = 200;

/** Counts of what the API refused, so a bad client shows up in numbers as well as in log lines. */
export interface DemoApiCounters {
  badRequests: number;
  unauthorized: number;
  meshDown: number;
}

export function createDemoApi(opts: DemoApiOptions): Router & { counters: DemoApiCounters } {
  const router = express.Router() as Router & { counters: DemoApiCounters };
  const counters: DemoApiCounters = { badRequests: 0, unauthorized: 0, meshDown: 0 };
  router.counters = counters;
  const log = opts.log;

  const refuse = (res: Response, status: number, reason: string) => {
    if (status === 400) counters.badRequests++;
    if (status === 401) counters.unauthorized++;
    if (status === 503) counters.meshDown++;
    log?.warn(`demo API ${status}: ${reason}`);
    res.status(status).json({ error: reason });
  };

  // A body that is not JSON is the caller's mistake: a 400 with the parser's reason, not a 500.
  const jsonBody: RequestHandler = (req, res, next) => {
    express.json({ limit: '4kb' })(req, res, (err?: unknown) => {
      if (err) return refuse(res, 400, `body must be JSON of at most 4 KB (${(err as Error).message})`);
      next();
    });
  };

  router.get('/api/holes', (_req, res) => {
    res.json(opts.mesh.holes());
  });

  router.put('/api/holes/:id', jsonBody, async (req: Request<{ id: string }>, res) => {
    if (!isPresenter(req, opts.presenterToken)) {
      return refuse(res, 401, 'presenter token required: send "Authorization: Bearer <token>"');
    }
    const id = req.params.id;
    if (!isHoleId(id)) {
      res.status(404).json({ error: `no hole called "${id}"`, holes: opts.mesh.holes().map((h) => h.id) });
      return;
    }
    const plugged = (req.body as { plugged?: unknown } | undefined)?.plugged;
    if (typeof plugged !== 'boolean') return refuse(res, 400, 'body must be {"plugged": true|false}');
    res.json(await opts.mesh.setHole(id, plugged));
  });

  router.post('/api/demo/requests', jsonBody, opts.attendeeGate, async (req, res) => {
    const body = (req.body ?? {}) as { kind?: unknown; count?: unknown };
    if (body.kind !== 'normal' && body.kind !== 'slow') return refuse(res, 400, 'kind must be "normal" or "slow"');
    const count = body.count ?? 1;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > maxRequestsPerCall) {
      return refuse(res, 400, `count must be a whole number from 1 to ${maxRequestsPerCall}`);
    }
    const baggage = res.locals.baggage as Record<string, string> | undefined;
    try {
      res.json(await opts.mesh.sendRequests(body.kind, count, { baggage }));
    } catch (e) {
      if (e instanceof MeshDownError) return refuse(res, 503, `the demo mesh is down: ${e.message}`);
      if (e instanceof InvalidBaggageError) return refuse(res, 400, e.message);
      log?.error(`demo requests failed: ${String(e)}`);
      res.status(500).json({ error: 'the demo requests failed; see the server log' });
    }
  });

  // The mesh's service states, pushed: the current state of every service on connect, then one `service`
  // event per change, so the slide names a dead, hung or restarting service the moment its machine knows.
  let streams = 0;
  router.get('/api/mesh/events', (req, res) => {
    if (streams >= maxMeshEventStreams && !isPresenterStream(req, opts.presenterToken)) {
      res.status(503).json({ error: `at most ${maxMeshEventStreams} mesh event streams at once; try again later` });
      return;
    }
    streams++;
    const send = (e: ServiceStateEvent) => res.write(`event: service\ndata: ${JSON.stringify(e)}\n\n`);
    const unsubscribe = opts.mesh.onServiceState(send);
    openEventStream(req, res, () => {
      streams--;
      unsubscribe();
    });
    for (const e of opts.mesh.serviceEvents()) send(e);
  });

  return router;
}
