// With JAEGER_QUERY_URL set, the query routes are answered by a real Jaeger query service instead of the store.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import express, { type Router } from 'express';
import type { Log } from '../pkg/index.ts';
import { sendError } from './queryApi.ts';

const ROUTES = [
  '/api/traces',
  '/api/traces/:traceID',
  '/api/services',
  '/api/services/:service/operations',
  '/api/operations',
  '/api/dependencies',
  '/api/v3/services',
  '/api/v3/operations',
  '/api/v3/trace-summaries',
  '/api/v3/traces',
  '/api/v3/traces/:traceID',
];

export function createQueryProxy(queryUrl: string, log: Log): Router {
  const base = queryUrl.replace(/\/+$/, '');
  const router = express.Router();
  for (const route of ROUTES) {
    router.get(route, async (req, res) => {
      const target = base + req.originalUrl;
      try {
        const r = await fetch(target, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(15_000) });
        res.status(r.status).type(r.headers.get('content-type') ?? 'application/json');
        if (!r.body) return void res.end();
        // Passed through as it comes, paced by our client: a big trace is never held here whole.
        await pipeline(Readable.fromWeb(r.body as import('node:stream/web').ReadableStream), res).catch(() => res.destroy());
      } catch (e) {
        const msg = `Jaeger query service at ${base} did not answer: ${e instanceof Error ? e.message : String(e)}`;
        log.warn(msg);
        sendError(res, 502, msg);
      }
    });
  }
  return router;
}
