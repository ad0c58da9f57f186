// `npm run bench demoSlide`: on the real Demo slide in headless Chromium, the time from a request's answer to its trace drawn.
import { testConfig } from '../server/config.ts';
import { projectRoot, startDeckServer } from '../server/deckServer.ts';
import { createLog } from '../server/log.ts';
import { ensureDeckBuilt } from '../server/staticDeck.ts';
import { launchBrowser } from '../test/support/browser.ts';
import { waitFor } from '../test/support/waitFor.ts';

const REQUESTS = 20;

/**
 * In-page recorder, as plain JavaScript text (tsx would wrap named functions in a helper the page
 * lacks). Every change of the slide's trace or span count is stamped after the next paint;
 * the request's answer is stamped from its resource timing (responseEnd, same clock).
 */
const RECORDER = `(() => {
  const host = document.querySelector('[data-demo-state]');
  window.__draws = [];
  new MutationObserver(() => {
    const id = host.dataset.traceId, spans = Number(host.dataset.spanCount || 0);
    if (!id) return;
    requestAnimationFrame(() => setTimeout(() => window.__draws.push({ id, spans, at: performance.now() }), 0));
  }).observe(host, { attributes: true, attributeFilter: ['data-trace-id', 'data-span-count'] });
})()`;

function pct(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

export async function run(): Promise<void> {
  const log = createLog('bench', 'silent');
  await ensureDeckBuilt(projectRoot, 'dist', log);
  const server = await startDeckServer(testConfig(), { log });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(`${server.url}/?token=test-presenter-token#/demo`);
    await page.waitForFunction(() => {
      const h = document.querySelector<HTMLElement>('[data-demo-state]');
      return h?.dataset.mesh === 'up' && h.dataset.stream === 'open';
    });
    await page.evaluate(RECORDER);

    const firstDraw: number[] = [];
    const completeDraw: number[] = [];
    const fetchRoundTrip: number[] = [];
    for (let i = 0; i < REQUESTS + 2; i++) {
      // The resource-timing buffer holds 250 entries; full, it would hand back a stale answer time.
      await page.evaluate(() => performance.clearResourceTimings());
      const answered = page.waitForResponse((r) => r.url().endsWith('/api/demo/requests'));
      await page.click('.demo-send');
      const res = await answered;
      const [{ traceID }] = (await res.json()) as { traceID: string }[];
      const responseEnd = await page.evaluate(
        () =>
          (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.name.endsWith('/api/demo/requests')).at(-1)!
            .responseEnd,
      );
      // Complete = the span count the store ends with (every service's reporter has flushed).
      const finalSpans = await waitFor(
        'the trace to stop growing',
        async () => {
          const r = await fetch(`${server.url}/api/traces/${traceID}`);
          if (!r.ok) return undefined;
          const n = ((await r.json()) as { data: { spans: unknown[] }[] }).data[0]!.spans.length;
          const drawn = await page.evaluate((id) => (window as unknown as { __draws: { id: string; spans: number }[] }).__draws.filter((d) => d.id === id).at(-1)?.spans, traceID);
          return drawn === n && n > 1 ? n : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 250 },
      );
      const draws = await page.evaluate((id) => (window as unknown as { __draws: { id: string; spans: number; at: number }[] }).__draws.filter((d) => d.id === id), traceID);
      const rt = await page.evaluate(async (id) => {
        const t0 = performance.now();
        await (await fetch(`/api/traces/${id}`)).json();
        return performance.now() - t0;
      }, traceID);
      if (i < 2) continue; // warm-up: first paints of the viewer, JIT
      firstDraw.push(draws[0]!.at - responseEnd);
      completeDraw.push(draws.find((d) => d.spans === finalSpans)!.at - responseEnd);
      fetchRoundTrip.push(rt);
    }

    if (process.env.BENCH_VERBOSE) console.log(firstDraw.map((x) => x.toFixed(0)).join(" "), "\n", completeDraw.map((x) => x.toFixed(0)).join(" "));
    console.log(`${REQUESTS} requests through the mesh, each drawn on #/demo at 1920×1080 (times after the request's answer reached the page):`);
    console.log(`  first draw of the trace     p50 ${fmt(pct(firstDraw, 0.5))}  p95 ${fmt(pct(firstDraw, 0.95))}  max ${fmt(Math.max(...firstDraw))}`);
    console.log(`  trace drawn complete        p50 ${fmt(pct(completeDraw, 0.5))}  p95 ${fmt(pct(completeDraw, 0.95))}  max ${fmt(Math.max(...completeDraw))}`);
    console.log(`  baseline: one GET /api/traces/:id from the page  p50 ${fmt(pct(fetchRoundTrip, 0.5))}  p95 ${fmt(pct(fetchRoundTrip, 0.95))}`);
    console.log(`  first draw / baseline fetch (p50): ${(pct(firstDraw, 0.5) / pct(fetchRoundTrip, 0.5)).toFixed(1)}×   aim: first draw < 100 ms`);
    console.log(
      `  negative first-draw figures mean the trace was on screen before the request's answer arrived (spans beat the answer over /api/live)`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}
