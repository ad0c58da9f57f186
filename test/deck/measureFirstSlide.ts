// Prints the deck's weight and its time to first slide in real Chromium (a measurement, not a test): node --import tsx test/deck/measureFirstSlide.ts
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { testConfig } from '../../server/config.ts';
import { startDeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../pkg/index.ts';
import { median } from '../../model/index.ts';
import { launchBrowser } from '../../devkit/browser.ts';

const RUNS = 7;

/** The files index.html pulls in before the first slide: its scripts, module preloads and styles. */
function deckWeight(dist: string): { file: string; raw: number; gzip: number }[] {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!); // group 1 is not optional
  return ['index.html', ...refs].map((file) => {
    const body = readFileSync(path.join(dist, file));
    return { file, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
}

async function main(): Promise<void> {
  const dist = path.resolve('dist');
  if (!readdirSync(dist).includes('index.html')) throw new Error('run `npx vite build` first');
  const weight = deckWeight(dist);
  for (const w of weight) console.log(`${w.file.padEnd(44)} ${String(w.raw).padStart(8)} B  gzip ${String(w.gzip).padStart(7)} B`);
  const total = (k: 'raw' | 'gzip') => weight.reduce((s, w) => s + w[k], 0);
  console.log(
    `${'deck total (html + js + css)'.padEnd(44)} ${String(total('raw')).padStart(8)} B  gzip ${String(total('gzip')).padStart(7)} B`,
  );

  const server = await startDeckServer(testConfig({ meshEnabled: false }), { log: createLog('measure', 'silent') });
  const browser = await launchBrowser();
  try {
    for (const cache of ['cold', 'warm'] as const) {
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
      await context.addInitScript(() => {
        // reveal.js dispatches 'ready' on its element once the first slide is laid out; two frames
        // later that slide has been painted.
        document.addEventListener(
          'ready',
          () =>
            requestAnimationFrame(() =>
              requestAnimationFrame(() => ((window as unknown as { readyAt: number }).readyAt = performance.now())),
            ),
          true,
        );
      });
      const page = await context.newPage();
      const ready: number[] = [];
      if (cache === 'warm') await page.goto(`${server.url}/`);
      for (let i = 0; i < RUNS; i++) {
        if (cache === 'cold') await context.clearCookies();
        const target = cache === 'cold' ? await context.newPage() : page;
        if (cache === 'cold') await (await context.newCDPSession(target)).send('Network.setCacheDisabled', { cacheDisabled: true });
        await target.goto(`${server.url}/?run=${i}`);
        await target.waitForFunction(() => (window as unknown as { readyAt?: number }).readyAt !== undefined);
        ready.push(await target.evaluate(() => (window as unknown as { readyAt: number }).readyAt));
        if (cache === 'cold') await target.close();
      }
      console.log(
        `${cache} cache, ${RUNS} loads at 1920×1080: first slide painted ${median(ready).toFixed(0)} ms after navigation start ` +
          `(median; min ${Math.min(...ready).toFixed(0)}, max ${Math.max(...ready).toFixed(0)})`,
      );
      await context.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
