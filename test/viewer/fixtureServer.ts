// A tiny static server for the viewer tests: the built dist, the Jaeger JSON fixtures, and extra files a test adds.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';

export interface FixtureServer {
  url: string;
  /** Serves `body` at `/extra/<name>` with the given content type. */
  put(name: string, body: string, type?: string): string;
  close(): Promise<void>;
}

export const distDir = path.resolve(process.env.DIST_DIR ?? 'dist');

export async function startFixtureServer(): Promise<FixtureServer> {
  const extra = new Map<string, { body: string; type: string }>();
  const app = express();
  app.use('/fixtures', express.static(path.resolve('test/fixtures')));
  app.get('/extra/:name', (req, res) => {
    const f = extra.get(req.params.name);
    if (!f) return void res.status(404).json({ error: 'no such extra file' });
    res.type(f.type).send(f.body);
  });
  app.use(express.static(distDir));
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    put(name, body, type = 'application/json') {
      extra.set(name, { body, type });
      return `/extra/${name}`;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
