// The thin core: wires the embedded Jaeger, the mesh, audience mode and the deck into one express server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createEmbeddedJaeger, type EmbeddedJaeger } from '../embedded-jaeger/index.ts';
import { createMesh, type Mesh } from '../demo-app/index.ts';
import { createDemoApi } from '../demo-app/demoApi.ts';
import { createAudience, type Audience } from '../join/index.ts';
import type { AppConfig } from './config.ts';
import { createLog, type Log } from './log.ts';
import { asPortError } from './portErrors.ts';
import { ensureDeckBuilt, staticDeckRouter } from './staticDeck.ts';

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
}

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
      maxSpans: config.storeMaxSpans,
      maxTraces: config.storeMaxTraces,
      liveMaxClients: config.liveMaxClients,
      queryUrl: config.jaegerQueryUrl,
      forwardUrl: config.jaegerForwardUrl,
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
    const audience = createAudience({
      config,
      log: log.child('audience'),
      port: () => port,
      meshSpanCounts: mesh ? () => mesh!.spanCounts() : undefined,
    });
    stops.push(() => audience.stop());

    const app = express();
    app.disable('x-powered-by');
    app.set('trust proxy', false);
    app.get('/healthz', (_req, res) => {
      const services = mesh?.services() ?? [];
      const down = services.filter((s) => s.state !== 'healthy');
      res.status(down.length === 0 ? 200 : 503).json({ ok: down.length === 0, mesh: Boolean(mesh), services });
    });
    app.use(jaeger.queryRouter);
    if (mesh) app.use(createDemoApi({ mesh, presenterToken: config.presenterToken, attendeeGate: audience.gate, log: log.child('demo-api') }));
    app.use(audience.router);
    app.use(staticDeckRouter(projectRoot, config.distDir));
    app.use('/api', (_req, res) => res.status(404).json({ error: 'no such API endpoint' }));

    const server = http.createServer(app);
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
