// Everything a mesh service process shares: tracer, server spans, admin endpoints, port report, clean exit.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { createLog, type Log } from '../../pkg/index.ts';
import { callDeadlines } from '../config.ts';
import { allOpen, parseHoleSwitches, type HoleSwitches } from '../holes/holeSwitches.ts';
import { useTracer } from './activeSpan.ts';
import { createPeerClient, type CallPeer, type PeerDirectory } from './peerCalls.ts';
import { preciseNowMs } from './preciseClock.ts';
import { createJitter, seedFor, type Jitter } from './seededJitter.ts';
import { serverSpans } from './serverSpans.ts';
import { createServiceTracer, type TracingSdk } from './serviceTracer.ts';

/** What the supervisor tells a service at spawn (env) and whenever it changes (PUT /admin/state). */
export interface MeshState {
  holes: HoleSwitches;
  peers: PeerDirectory;
}

export interface ServiceKit {
  name: string;
  log: Log;
  jitter: Jitter;
  holes(): HoleSwitches;
  /** Runs now and after every switch change, so pools can resize live. */
  onHoles(listener: (holes: HoleSwitches) => void): void;
  callPeer: CallPeer;
}

/** Header the supervisor sends with admin calls; the value comes from MESH_ADMIN_TOKEN. */
export const adminTokenHeader = 'x-mesh-admin-token';

/** What a service tells its supervisor over IPC: its port, or why it could not start. */
export type ServiceMessage = { type: 'listening'; port: number } | { type: 'failed'; reason: string };

export function readMeshState(raw: string | undefined): MeshState {
  const parsed = raw ? (JSON.parse(raw) as Partial<MeshState>) : {};
  return { holes: parseHoleSwitches(parsed.holes, allOpen()), peers: { ...(parsed.peers ?? {}) } };
}

/** How a service starts: routes, and which tracing library it runs (jaeger-client unless it says otherwise). */
export interface ServiceOptions {
  tracing?: TracingSdk;
}

export async function runService(
  name: string,
  defineRoutes: (app: Express, kit: ServiceKit) => void,
  opts: ServiceOptions = {},
): Promise<void> {
  const log = createLog(name);
  try {
    // MESH_TRACING_SDK=jaeger-client puts every service back on jaeger-client (the bench's baseline for the OTel one).
    const forced = process.env.MESH_TRACING_SDK as TracingSdk | '' | undefined;
    if (forced && forced !== 'jaeger-client' && forced !== 'opentelemetry')
      throw new Error(`MESH_TRACING_SDK must be jaeger-client or opentelemetry, not ${forced}`);
    await startService(name, log, defineRoutes, forced || opts.tracing || 'jaeger-client');
  } catch (e) {
    // One line the supervisor can show instead of a stack trace.
    const reason = e instanceof Error ? e.message : String(e);
    log.error(`cannot start: ${reason}`);
    const failed: ServiceMessage = { type: 'failed', reason };
    if (process.send) process.send(failed, () => process.exit(1));
    else process.exit(1);
  }
}

async function startService(name: string, log: Log, defineRoutes: (app: Express, kit: ServiceKit) => void, sdk: TracingSdk): Promise<void> {
  const traced = createServiceTracer(name, log, sdk);
  useTracer(traced.tracer);
  // The span clock anchors here, at start-up, rather than inside the first request.
  preciseNowMs();
  const state = readMeshState(process.env.MESH_STATE);
  const holeListeners: ((h: HoleSwitches) => void)[] = [];
  const kit: ServiceKit = {
    name,
    log,
    jitter: createJitter(seedFor(Number(process.env.MESH_SEED ?? 42), name)),
    holes: () => state.holes,
    onHoles(listener) {
      holeListeners.push(listener);
      listener(state.holes);
    },
    // The entry service waits a little longer than the services behind it, so that when a deep service
    // hangs, the error that reaches the slide names that service, not the one in between.
    callPeer: createPeerClient(() => state.peers, name === 'storefront' ? callDeadlines.entryCallMs : callDeadlines.peerCallMs),
  };

  const adminToken = process.env.MESH_ADMIN_TOKEN ?? '';
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, service: name, pid: process.pid });
  });
  const admin = express.Router();
  admin.use((req, res, next) => {
    if (adminToken && req.get(adminTokenHeader) === adminToken) return next();
    res.status(401).json({ error: 'admin token required' });
  });
  admin.get('/spans', (_req, res) => {
    res.json({ service: name, ...traced.counts() });
  });
  admin.post('/flush', async (_req, res) => {
    await traced.flush();
    res.json({ service: name, ...traced.counts() });
  });
  admin.put('/state', (req, res) => {
    const body = req.body as Partial<MeshState> | undefined;
    state.holes = parseHoleSwitches(body?.holes, state.holes);
    if (body?.peers && typeof body.peers === 'object') state.peers = { ...state.peers, ...body.peers };
    for (const l of holeListeners) l(state.holes);
    res.json({ service: name, holes: state.holes });
  });
  app.use('/admin', admin);
  app.use(serverSpans(['/healthz', '/admin']));
  defineRoutes(app, kit);
  // A handler's failure becomes a 500 whose message the server span records as its error.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const message = err instanceof Error ? err.message : String(err);
    res.locals.errorMessage = message;
    log.warn(`request failed: ${message}`);
    if (!res.headersSent) res.status(502).json({ error: message });
  });

  const server = http.createServer(app);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(process.env.MESH_SERVICE_PORT ?? 0), '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const ready: ServiceMessage = { type: 'listening', port };
  if (process.send) process.send(ready);
  else console.log(`${name} listening on ${port}`);
  log.info(`listening on 127.0.0.1:${port} (${sdk} tracing ${traced.enabled ? 'on' : 'off'})`);

  let exiting = false;
  const shutdown = (why: string) => {
    if (exiting) return;
    exiting = true;
    log.info(`${why}: flushing spans and exiting`);
    // A stuck flush must not keep an orphan alive.
    setTimeout(() => process.exit(0), 2_000).unref();
    server.closeAllConnections();
    server.close();
    void traced.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  // Ctrl-C reaches the whole process group; the supervisor answers it with SIGTERM, so a service
  // ignores it rather than exiting early and looking like a crash to be restarted.
  process.on('SIGINT', () => {});
  // The IPC channel closes when the supervisor dies, however it dies: never outlive it.
  process.on('disconnect', () => shutdown('supervisor gone'));
}
