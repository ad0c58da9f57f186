// The thin core: wires the embedded Jaeger, the mesh, audience mode and the deck into one express server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createEmbeddedJaeger, type EmbeddedJaeger } from '../embedded-jaeger/index.ts';
import { createDemoApi, createMesh, type Mesh } from '../demo-app/index.ts';
import { createAudience, type Audience } from '../join/server/index.ts';
import { isOwnMachine, addressOf } from '../pkg/index.ts';
import type { AppConfig } from './config.ts';
import { defaultConnectionLimits, guardConnections, serverTimeouts, type ConnectionLimits } from './connectionGuard.ts';
import { finalErrorHandler, notFound } from './errorHandler.ts';
import { createLog, type Log } from '../pkg/index.ts';
import { PageVisits } from './pageVisits.ts';
import { asPortError } from '../pkg/index.ts';
import { isPresenter } from '../pkg/index.ts';
import { ServerStatsSampler, type ServerStats } from './serverStats.ts';
import { ensureDeckBuilt, staticDeckRouter } from './staticDeck.ts';
import { defaultRequestRate, limitRequestRate, type RequestRateLimits } from './requestRate.ts';
import { streamSlots } from './streamSlots.ts';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface DeckServer {
  readonly config: AppConfig;
  /** Base URL of the public server, e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly port: number;
  readonly jaeger: EmbeddedJaeger;
  readonly mesh: Mesh | undefined;
  readonly audience: Audience;
  close(): Promise<void>;
}

export interface DeckServerOptions {
  log?: Log;
  /** Build the deck when stale (npm start). Tests build once up front instead. */
  buildDeck?: boolean;
  /** Overrides of the connection caps and timeouts (tests tighten them). */
  connectionLimits?: Partial<ConnectionLimits>;
  /** Streams of each kind (/api/live, presence) one device may hold. */
  streamsPerDevice?: number;
  /** Overrides of the per-device request rate (tests). */
  requestRate?: Partial<RequestRateLimits>;
}

/** A browser holds at most six connections per host; a few streams cover a deck, a speaker view and a phone tab. */
const DEFAULT_STREAMS_PER_DEVICE = 4;

/**
 * Starts every part in dependency order and stops what already started if a later part
 * fails, so a failed start never leaves orphan processes or bound ports behind.
 */
export async function startDeckServer(config: AppConfig, opts: DeckServerOptions = {}): Promise<DeckServer> {
  const log = opts.log ?? createLog('deck');
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((e: unknown) => log.error(`while stopping: ${String(e)}`));
    stops.length = 0;
  };

  try {
    if (opts.buildDeck) await ensureDeckBuilt(projectRoot, config.distDir, log);

    const jaeger = createEmbeddedJaeger({
      host: '127.0.0.1',
      udpCompactPort: config.udpCompactPort,
      udpBinaryPort: config.udpBinaryPort,
      httpPort: config.collectorHttpPort,
      otlpHttpPort: config.collectorOtlpHttpPort,
      maxSpans: config.storeMaxSpans,
      maxTraces: config.storeMaxTraces,
      maxBytes: config.storeMaxBytes || undefined,
      liveMaxClients: config.liveMaxClients,
      queryUrl: config.jaegerQueryUrl,
      forwardUrl: config.jaegerForwardUrl,
      otlpForwardUrl: config.otlpForwardUrl,
      log: log.child('jaeger'),
    });
    await jaeger.start();
    stops.push(() => jaeger.stop());

    let mesh: Mesh | undefined;
    if (config.meshEnabled) {
      mesh = createMesh({
        collectorEndpoint: `http://127.0.0.1:${jaeger.ports.http}/api/traces`,
        seed: config.meshSeed,
        log: log.child('mesh'),
      });
      stops.push(() => mesh!.stop());
      await mesh.start();
    }

    let port = config.port;
    const visits = new PageVisits();
    const audience = createAudience({
      config,
      log: log.child('audience'),
      port: () => port,
      loadedPage: visits.loadedPage,
    });
    stops.push(() => audience.stop());
    const serverStats = new ServerStatsSampler(log.child('stats'));
    serverStats.start();
    stops.push(async () => serverStats.stop());

    const perDevice = opts.streamsPerDevice ?? DEFAULT_STREAMS_PER_DEVICE;
    const streamLog = log.child('streams');
    const app = express();
    app.disable('x-powered-by');
    app.set('trust proxy', false);
    app.use(limitRequestRate({ ...defaultRequestRate, ...opts.requestRate }, log.child('requests')));
    app.use((_req, res, next) => {
      // The deck's address once held the presenter token: no page of ours tells another site where it came from.
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      next();
    });
    app.get('/healthz', (_req, res) => {
      const services = mesh?.services() ?? [];
      const down = services.filter((s) => s.state !== 'healthy');
      res.status(down.length === 0 ? 200 : 503).json({ ok: down.length === 0, mesh: Boolean(mesh), services });
    });
    app.use(['/api/traces/', '/api/v3/traces/'], (req, res, next) => {
      // An empty id would fall through to the search and answer someone else's traces.
      if (req.path !== '/' || req.originalUrl.split('?')[0]!.endsWith('/traces')) return next();
      res.status(400).json({
        data: null,
        total: 0,
        limit: 0,
        offset: 0,
        errors: [{ code: 400, msg: 'empty trace id: ask for /api/traces/<1 to 32 hex digits>' }],
      });
    });
    app.get('/api/live', streamSlots({ name: 'live', perAddress: perDevice, presenterToken: config.presenterToken, log: streamLog }));
    app.get(
      '/api/audience/presence',
      streamSlots({ name: 'presence', perAddress: perDevice, presenterToken: config.presenterToken, log: streamLog }),
    );
    app.use(jaeger.queryRouter);
    if (mesh)
      app.use(createDemoApi({ mesh, presenterToken: config.presenterToken, attendeeGate: audience.gate, log: log.child('demo-api') }));
    app.use(audience.router);
    // How hard the machine works is the presenter's business, not the venue network's.
    app.get('/api/server/stats', async (req, res) => {
      if (!isOwnMachine(addressOf(req.socket)) && !isPresenter(req, config.presenterToken)) {
        res
          .status(401)
          .json({ error: 'server stats are for the presenter: send "Authorization: Bearer <token>" or ask from this machine' });
        return;
      }
      res.setHeader('Cache-Control', 'no-store');
      const body: ServerStats & { connections?: unknown; meshSpans?: unknown[] | null } = {
        ...serverStats.stats(),
        connections: guard?.stats(),
      };
      if (req.query.spans === '1') body.meshSpans = mesh ? await mesh.spanCounts().catch(() => null) : null;
      res.json(body);
    });
    app.use(visits.middleware);
    app.use(staticDeckRouter(projectRoot, config.distDir));
    app.use('/api', (_req, res) => res.status(404).json({ error: 'no such API endpoint' }));
    app.use(notFound);
    app.use(finalErrorHandler(log.child('http')));

    const limits = { ...defaultConnectionLimits(), ...opts.connectionLimits };
    const server = http.createServer(serverTimeouts(limits), app);
    const guard = guardConnections(server, limits, log.child('connections'));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(asPortError(e, config.port, 'PORT', 'deck server')));
      server.listen(config.port, config.host, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
    stops.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );

    const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    return {
      config,
      url: `http://${host}:${port}`,
      port,
      jaeger,
      mesh,
      audience,
      close: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
