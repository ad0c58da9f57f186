// Serves the built deck (dist/), building it first when it is missing or older than its sources.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import compression from 'compression';
import express, { type Router } from 'express';
import type { Log } from '../pkg/index.ts';

/** Everything the browser bundle is built from; a change in any of these triggers a rebuild. */
const SOURCES = ['slides', 'viewer', 'join', 'assets', 'model', 'index.html', 'viewer.html', 'join.html', 'vite.config.ts'];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

export function deckIsStale(root: string, distDir: string): boolean {
  const built = path.join(root, distDir, 'index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > builtAt);
}

export async function ensureDeckBuilt(root: string, distDir: string, log: Log): Promise<void> {
  if (!deckIsStale(root, distDir)) return;
  // vite is a devDependency: a production install (npm ci --omit=dev) serves the deck `npm run build` made.
  const vite = await import('vite').catch(() => undefined);
  const built = existsSync(path.join(root, distDir, 'index.html'));
  if (!vite) {
    if (built) return log.warn('deck sources are newer than dist/ and vite is not installed: serving the deck as built');
    throw new Error(`no built deck in ${distDir}/ and vite is not installed: run \`npm run build\` in a full install first`);
  }
  log.info('building the deck (first start or sources changed)…');
  await vite.build({ root, logLevel: 'warn', configFile: path.join(root, 'vite.config.ts') });
}

/**
 * Marks pages served by the live server. A static host (self-study) serves the same files
 * without it, so the deck knows whether a mesh is behind it without a failing request.
 */
export const LIVE_SERVER_META = '<meta name="deck-server" content="live">';

/** Static files of the deck; `/join` and `/viewer` also answer without the `.html`. */
export function staticDeckRouter(root: string, distDir: string): Router {
  const dir = path.resolve(root, distDir);
  const router = express.Router();
  // Phones on a venue network fetch the deck and /join: gzip them. Only here — the API's
  // server-sent events must not sit in a compression buffer.
  router.use(compression());
  const pages = new Map<string, { mtimeMs: number; html: string }>();
  router.get(['/', '/index.html', '/viewer', '/viewer.html', '/join', '/join.html'], (req, res, next) => {
    const name = req.path === '/' ? 'index' : req.path.slice(1).replace(/\.html$/, '');
    const file = path.join(dir, `${name}.html`);
    if (!existsSync(file)) return next();
    const mtimeMs = statSync(file).mtimeMs;
    let page = pages.get(file);
    if (!page || page.mtimeMs !== mtimeMs) {
      page = { mtimeMs, html: readFileSync(file, 'utf8').replace('<head>', `<head>${LIVE_SERVER_META}`) };
      pages.set(file, page);
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(page.html);
  });
  router.use(express.static(dir, { extensions: ['html'], index: 'index.html', maxAge: '1h', setHeaders: noCacheHtml }));
  return router;
}

function noCacheHtml(res: express.Response, file: string): void {
  if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
}
