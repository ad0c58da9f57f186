// `npm run bench viewer`: the viewer in real headless Chromium, navigation start → first span rows painted, for Jaeger JSON files of 1k–300k spans served over HTTP; baseline = fetch + JSON.parse of the same file in the same kind of page (and the Jaeger UI when JAEGER_UI_BUILD=dir), alternating runs.
// Also: the longest main-thread task while a trace loads, the JS heap (page + its workers) once settled, and each tool (find, collapse/expand all, zoom) to the next paint at the largest size.
// Over 300 lines: one run times every contender (floor, file, store, stream, a build before, the Jaeger UI) in alternating rounds, so they share the setup.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { projectRoot, startDeckServer, testConfig, type DeckServer } from '../server/index.ts';
import { createLog } from '../pkg/index.ts';
import { ensureDeckBuilt } from '../server/index.ts';
import { batchesFromTrace, encodeBinaryBatch, idMapper, launchBrowser, screenshot, type PlainBatch } from '../devkit/index.ts';
import { generateTrace, median, type JaegerTrace } from '../model/index.ts';

/** The trace into the deck server's own store over the Thrift HTTP door, spans of one process batched together as a client sends them. */
function ingest(deck: DeckServer, trace: JaegerTrace): string {
  const hexOf = idMapper();
  let batch: PlainBatch | undefined;
  const send = () => {
    const refused = batch && deck.jaeger.ingest('http', encodeBinaryBatch(batch));
    if (refused) throw new Error(`the store refused a batch: ${refused}`);
  };
  for (const one of batchesFromTrace(trace, hexOf, true)) {
    if (batch && batch.process.serviceName === one.process.serviceName && batch.spans.length < 1000) batch.spans.push(...one.spans);
    else {
      send();
      batch = one;
    }
  }
  send();
  return hexOf(trace.traceID);
}

const SIZES = (process.env.VIEWER_BENCH_SIZES ?? '1000,10000,100000,300000').split(',').map(Number);
const ROUNDS = Number(process.env.VIEWER_BENCH_ROUNDS ?? 3);
const VIEWPORT = { width: 1600, height: 1000 };

/**
 * Installed before any page script: notes when the first element matching the row selector is in the
 * DOM with a size, then stamps the time after the next frame has been produced (rAF, then a task:
 * the paint of that frame is done). Also records the page's long main-thread tasks.
 */
const PROBE = (selector: string) => `
  window.__bench = { longTasks: [], firstRows: undefined };
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__bench.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  const look = () => {
    const el = document.querySelector(${JSON.stringify(selector)});
    if (!el || el.getBoundingClientRect().height === 0) return false;
    requestAnimationFrame(() => setTimeout(() => { window.__bench.firstRows ??= performance.now(); }, 0));
    return true;
  };
  new MutationObserver((_, obs) => { if (look()) obs.disconnect(); }).observe(document, { childList: true, subtree: true, attributes: true });
`;

/** Our viewer has settled (heap measured then) once the hole finder has answered. */
const SETTLED =
  "document.querySelector('.tv-findings-list, .tv-findings-none') && !/Looking/.test(document.querySelector('.tv-findings').textContent)";

/** The floor: the same file fetched and parsed, nothing drawn. */
const FLOOR_PAGE = `<!doctype html><meta charset="utf-8"><title>floor</title><script type="module">
  const id = new URL(location.href).searchParams.get('id');
  const res = await fetch('api/traces/' + id);
  const json = JSON.parse(await res.text());
  window.__bench.firstRows = performance.now();
  window.__bench.spans = json.data[0].spans.length;
</script>`;

interface Run {
  ms: number;
  /** Ours only: where the worker's time went. */
  phases?: Record<string, number>;
  longestTaskMs: number;
  heapMB: number | undefined;
  /** The page's uncaught errors (the Jaeger UI's critical path fails on big traces). */
  errors: string[];
}

const spread = (xs: number[]) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;

/**
 * JS heap of the page and its workers after a forced GC, in MB: V8's used heap plus the typed arrays'
 * backing stores (which live outside it, and which the viewer uses a lot), summed over every isolate.
 */
async function heapMB(context: BrowserContext, page: Page): Promise<number> {
  const cdp = await context.newCDPSession(page);
  const workers: string[] = [];
  const replies = new Map<number, (r: Record<string, number>) => void>();
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') workers.push(e.sessionId);
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message) as { id?: number; result?: Record<string, number> };
    if (m.id !== undefined) replies.get(m.id)?.(m.result ?? {});
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  let nextId = 1;
  const inWorker = (sessionId: string, method: string) =>
    new Promise<Record<string, number>>((resolve) => {
      const id = nextId++;
      replies.set(id, resolve);
      void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
      setTimeout(() => resolve({}), 10_000);
    });
  await new Promise((r) => setTimeout(r, 200));
  let bytes = 0;
  for (const w of workers) {
    await inWorker(w, 'HeapProfiler.collectGarbage');
    const u = await inWorker(w, 'Runtime.getHeapUsage');
    bytes += (u.usedSize ?? 0) + (u.backingStorageSize ?? 0);
  }
  await cdp.send('HeapProfiler.collectGarbage');
  const u = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
  bytes += u.usedSize + (u.backingStorageSize ?? 0);
  await cdp.detach();
  return bytes / 1e6;
}

async function measure(browser: Browser, url: string, selector: string, settled: string | undefined, shot?: string): Promise<Run> {
  const context = await browser.newContext({ viewport: VIEWPORT, reducedMotion: 'reduce' });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript(PROBE(selector));
    await page.goto(url);
    const drew = await page
      .waitForFunction('window.__bench && window.__bench.firstRows !== undefined', undefined, { timeout: 120_000, polling: 20 })
      .then(
        () => true,
        () => false,
      );
    // A contender that never draws its rows counts as a run without a time, not as the end of the bench.
    if (!drew) return { ms: NaN, longestTaskMs: NaN, heapMB: undefined, errors };
    const ms = (await page.evaluate('window.__bench.firstRows')) as number;
    if (settled) await page.waitForFunction(settled, undefined, { timeout: 120_000, polling: 100 }).catch(() => undefined);
    const longest = (await page.evaluate('Math.max(0, ...window.__bench.longTasks)')) as number;
    const phases = (await page.evaluate(
      'window.viewerPage?.workerPhases && { ...window.viewerPage.workerPhases(), drawMs: window.viewerPage.viewer.timings()?.drawMs ?? NaN }',
    )) as Record<string, number> | undefined;
    // What each contender shows once loaded, to look at (test-output/screenshots/bench-viewer-*.png).
    if (shot) await screenshot(page, `bench-viewer-${shot}`);
    return { ms, phases, longestTaskMs: longest, heapMB: await heapMB(context, page), errors };
  } finally {
    await context.close();
  }
}

/** Each tool at the largest size, from the user's action to the frame after it is painted. */
const INTERACTIONS = `async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const time = async (act, check) => { await frame(); const t = performance.now(); act(); await frame(); const ms = performance.now() - t; if (!check()) throw new Error('did not happen'); return ms; };
  const v = window.viewerPage.viewer;
  const n = v.summary().spanCount;
  const input = document.querySelector('.tv-find-input');
  const click = (text) => [...document.querySelectorAll('.tv-tool')].find((b) => b.textContent === text).click();
  const out = { find: [], step: [], collapseAll: [], expandAll: [], level: [], zoom: [], resetZoom: [] };
  const box = document.querySelector('.tv-minimap').getBoundingClientRect();
  const pointer = (type, f) => document.querySelector('.tv-minimap').dispatchEvent(new PointerEvent(type, { bubbles: true, pointerId: 1, clientX: box.left + f * box.width, clientY: box.top + 5 }));
  for (let i = 0; i < 5; i++) {
    out.find.push(await time(() => { input.value = i % 2 ? 'waiting behind' : 'inventory db.query'; input.dispatchEvent(new Event('input', { bubbles: true })); }, () => /of/.test(document.querySelector('.tv-find-count').textContent)));
    out.step.push(await time(() => input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true })), () => true));
    out.collapseAll.push(await time(() => click('Collapse all'), () => v.openRowCount() < n));
    out.level.push(await time(() => click('+ level'), () => true));
    out.expandAll.push(await time(() => click('Expand all'), () => v.openRowCount() === n));
    out.zoom.push(await time(() => { pointer('pointerdown', 0.4); pointer('pointermove', 0.5); pointer('pointerup', 0.6); }, () => !document.querySelector('.tv-tools button[title^="Show the whole"]').disabled));
    out.resetZoom.push(await time(() => click('Reset zoom'), () => true));
  }
  return out;
}`;

export async function run(): Promise<void> {
  const distDir = process.env.DIST_DIR ?? 'dist';
  if (!process.env.DIST_DIR) await ensureDeckBuilt(projectRoot, distDir, createLog('bench', 'warn'));
  // Another build of this project (VIEWER_BENCH_BEFORE=its dist/): the viewer before a change, timed beside it in the same run.
  const before =
    process.env.VIEWER_BENCH_BEFORE && existsSync(path.join(process.env.VIEWER_BENCH_BEFORE, 'viewer.html'))
      ? path.resolve(process.env.VIEWER_BENCH_BEFORE)
      : undefined;
  const jaegerUi =
    process.env.JAEGER_UI_BUILD && existsSync(path.join(process.env.JAEGER_UI_BUILD, 'index.html'))
      ? path.resolve(process.env.JAEGER_UI_BUILD)
      : undefined;

  // The files, written once, served with the same bytes to every contender as Jaeger's query API would.
  const dir = path.join(os.tmpdir(), 'viewer-bench');
  mkdirSync(dir, { recursive: true });
  const files = new Map<string, string>();
  // The same traces in the deck server's own store (no bounds in the way), opened from there beside the file.
  const deck = await startDeckServer(
    testConfig({ meshEnabled: false, distDir, storeMaxSpans: 10_000_000, storeMaxTraces: 1_000, storeMaxBytes: 0 }),
    { log: createLog('bench', 'warn') },
  );
  const storeIds = new Map<string, string>();
  const ids = SIZES.map((n) => {
    const trace = generateTrace(n, 7);
    const file = path.join(dir, `${n}.json`);
    if (!existsSync(file)) writeFileSync(file, JSON.stringify({ data: [trace], total: 0, limit: 0, offset: 0, errors: null }));
    files.set(trace.traceID, file);
    storeIds.set(trace.traceID, ingest(deck, trace));
    return trace.traceID;
  });

  const app = express();
  // The Jaeger UI 2.20 trace page asks the v1 query API under its own base path (`<base>/api/traces/:id`,
  // useTraceLoading → JaegerAPI.fetchTrace; only search, services and operations moved to v3): same file, same bytes.
  app.get(['/api/traces/:id', '/jaeger/api/traces/:id', '/before/api/traces/:id'], (req, res) => {
    const f = files.get(String(req.params.id));
    if (!f) return void res.status(404).json({ data: null, errors: [{ code: 404, msg: 'trace not found' }] });
    res.type('application/json').sendFile(f);
  });
  app.get('/floor.html', (_req, res) => res.type('html').send(FLOOR_PAGE));
  app.get('/api/*rest', (_req, res) => res.json({ data: [], total: 0, limit: 0, offset: 0, errors: null }));
  if (before) app.use('/before', express.static(before));
  if (jaegerUi) {
    // Its index.html works out its <base> in a script, too late for the browser's preload scanner; served with the
    // <base> written in, as a query service configured with a base path serves it, so its modules load once.
    const index = readFileSync(path.join(jaegerUi, 'index.html'), 'utf8').replace('<head>', '<head><base href="/jaeger/" />');
    app.get('/jaeger/api/v3/*rest', (_req, res) => res.json({ services: [], operations: [] }));
    app.get('/jaeger/api/*rest', (_req, res) => res.json({ data: [], total: 0, limit: 0, offset: 0, errors: null }));
    app.use('/jaeger/static', express.static(path.join(jaegerUi, 'static'), { index: false }));
    app.get(['/jaeger', '/jaeger/*rest'], (_req, res) => res.type('html').send(index));
  }
  app.use(express.static(path.resolve(projectRoot, distDir)));
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await launchBrowser();
  try {
    console.log(
      `viewer in headless Chromium ${VIEWPORT.width}×${VIEWPORT.height}, a fresh browser context per run, ${ROUNDS} alternating rounds, median (min–max); time = navigation start → first span rows painted; ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}`,
    );
    console.log(
      `baseline: fetch + JSON.parse of the same file in a page of the same server${jaegerUi ? `; Jaeger UI from ${jaegerUi}` : ' (set JAEGER_UI_BUILD=dir to add the Jaeger UI; see ../shared/anchors/jaeger-ui.md)'}`,
    );
    console.log(
      'spans   | floor (fetch+parse) | Jaeger UI            | ours, from the file  | ours/floor | longest main-thread task (ours / Jaeger UI) | JS heap, page + workers (ours / Jaeger UI)',
    );
    let last: { id: string; n: number } | undefined;
    // One untimed load of each contender first: the browser's own warm-up (caches, the first context) would
    // otherwise fall on whichever comes first in the first round.
    const warm = ids[0]!;
    await measure(browser, `${base}/viewer.html?traceID=${warm}`, '.tv-row:not([hidden]) .tv-op', undefined);
    await measure(browser, `${base}/floor.html?id=${warm}`, '#never', undefined);
    if (before) await measure(browser, `${base}/before/viewer.html?traceID=${warm}`, '.tv-row:not([hidden]) .tv-op', undefined);
    if (jaegerUi) await measure(browser, `${base}/jaeger/trace/${warm}`, '.span-row .span-svc-name', undefined);
    for (let s = 0; s < SIZES.length; s++) {
      const n = SIZES[s]!;
      const id = ids[s]!;
      const floor: Run[] = [];
      const ours: Run[] = [];
      const jaeger: Run[] = [];
      const stream: Run[] = [];
      const old: Run[] = [];
      const store: Run[] = [];
      const storeUrl = `${deck.url}/viewer.html?traceID=${storeIds.get(id)!}`;
      // The first open from the store, timed on its own: its answer is rendered ahead once the trace has been quiet 2 s, if that is done by then.
      const firstOpen = await measure(browser, storeUrl, '.tv-row:not([hidden]) .tv-op', undefined);
      for (let r = 0; r < ROUNDS; r++) {
        // Alternating, so a load spike on the shared machine hits every contender alike.
        const order =
          r % 2 === 0 ? ['ours', 'store', 'floor', 'stream', 'before', 'jaeger'] : ['jaeger', 'before', 'stream', 'floor', 'store', 'ours'];
        for (const who of order) {
          const shot = r === 0 ? `${who}-${n}` : undefined;
          if (who === 'ours')
            ours.push(await measure(browser, `${base}/viewer.html?traceID=${id}`, '.tv-row:not([hidden]) .tv-op', SETTLED, shot));
          else if (who === 'store') store.push(await measure(browser, storeUrl, '.tv-row:not([hidden]) .tv-op', SETTLED, shot));
          else if (who === 'stream')
            stream.push(await measure(browser, `${base}/viewer.html?traceID=${id}&stream=1`, '.tv-row:not([hidden]) .tv-op', undefined));
          else if (who === 'before') {
            if (before)
              old.push(await measure(browser, `${base}/before/viewer.html?traceID=${id}`, '.tv-row:not([hidden]) .tv-op', SETTLED));
          } else if (who === 'floor') floor.push(await measure(browser, `${base}/floor.html?id=${id}`, '#never', undefined));
          else if (jaegerUi) jaeger.push(await measure(browser, `${base}/jaeger/trace/${id}`, '.span-row .span-svc-name', undefined, shot));
        }
      }
      const fmt = (all: Run[]) => {
        const xs = all.filter((x) => Number.isFinite(x.ms));
        const missed = all.length - xs.length ? ` ${all.length - xs.length}× no rows in 120 s` : '';
        return all.length
          ? xs.length
            ? `${Math.round(median(xs.map((x) => x.ms)))} ms (${spread(xs.map((x) => x.ms))})${missed}`
            : missed.trim()
          : 'not run';
      };
      const heap = (xs: Run[]) => {
        const h = xs.map((x) => x.heapMB).filter((x): x is number => x !== undefined);
        return h.length ? `${median(h).toFixed(0)} MB` : '—';
      };
      const task = (all: Run[]) => {
        const xs = all.filter((x) => Number.isFinite(x.longestTaskMs));
        return xs.length ? `${Math.round(Math.max(...xs.map((x) => x.longestTaskMs)))} ms` : '—';
      };
      const ratio = median(ours.map((x) => x.ms)) / median(floor.map((x) => x.ms));
      console.log(
        [
          String(n).padEnd(7),
          fmt(floor).padEnd(19),
          fmt(jaeger).padEnd(20),
          fmt(ours).padEnd(20),
          `${ratio.toFixed(2)}×`.padEnd(10),
          `${task(ours)} / ${task(jaeger)}`.padEnd(43),
          `${heap(ours)} / ${heap(jaeger)}`,
        ].join(' | '),
      );
      const p = ours.map((x) => x.phases).filter(Boolean) as Record<string, number>[];
      const bytes = statSync(files.get(id)!).size;
      console.log(
        `        (answer: ${(bytes / 1e6).toFixed(1)} MB of v1 Jaeger JSON, the same bytes to floor, ours${jaegerUi ? ' and the Jaeger UI, whose trace page asks the v1 API too' : ''}; ours reading the download as it arrives, ?stream=1: ${fmt(stream)}; load average ${os.loadavg()[0]!.toFixed(1)})`,
      );
      const jaegerDrew = jaeger.filter((x) => Number.isFinite(x.ms));
      if (jaegerDrew.length) {
        const hj = jaegerDrew.map((x) => x.heapMB).filter((x): x is number => x !== undefined);
        const ho = ours.map((x) => x.heapMB).filter((x): x is number => x !== undefined);
        console.log(
          `        (Jaeger UI / ours: time ${(median(jaegerDrew.map((x) => x.ms)) / median(ours.map((x) => x.ms))).toFixed(1)}×, heap ${hj.length && ho.length ? (median(hj) / median(ho)).toFixed(1) : '?'}×; Jaeger UI / floor ${(median(jaegerDrew.map((x) => x.ms)) / median(floor.map((x) => x.ms))).toFixed(1)}×)`,
        );
      }
      const jaegerErrors = [...new Set(jaeger.flatMap((x) => x.errors))];
      if (jaegerErrors.length) console.log(`        (Jaeger UI page errors: ${jaegerErrors.slice(0, 3).join(' | ').slice(0, 300)})`);
      console.log(
        `        (ours from the deck server's own store: ${fmt(store)}, longest task ${task(store)}, heap ${heap(store)}; store/file ${(median(store.map((x) => x.ms)) / median(ours.map((x) => x.ms))).toFixed(2)}×; its first open (rendered ahead if done by then, else while asked): ${fmt([firstOpen])})`,
      );
      if (before)
        console.log(
          `        (the build before, ${before}: ${fmt(old)}, heap ${heap(old)}, longest task ${task(old)}; ours/before ${(median(ours.map((x) => x.ms)) / median(old.map((x) => x.ms))).toFixed(2)}×)`,
        );
      if (p.length)
        console.log(
          `        (ours, median: ${Object.keys(p[0]!)
            .map((k) => `${k.replace(/Ms$|MB$/, '')} ${Math.round(median(p.map((x) => x[k]!)))} ${k.endsWith('MB') ? 'MB' : 'ms'}`)
            .join(', ')}; "…At" = since navigation start, draw = on the page)`,
        );
      last = { id, n };
    }
    if (last) {
      const { id: lastId, n: lastN } = last;
      const tools = async (prefix: string): Promise<Record<string, number[]>> => {
        const context = await browser.newContext({ viewport: VIEWPORT, reducedMotion: 'reduce' });
        try {
          const page = await context.newPage();
          await page.goto(`${base}${prefix}/viewer.html?traceID=${lastId}`);
          await page.waitForFunction(`window.viewerPage?.viewer.summary()?.spanCount === ${lastN}`, undefined, { timeout: 120_000 });
          return (await page.evaluate(`(${INTERACTIONS})()`)) as Record<string, number[]>;
        } finally {
          await context.close();
        }
      };
      const merge = (into: Record<string, number[]>, more: Record<string, number[]>) => {
        for (const [k, xs] of Object.entries(more)) (into[k] ??= []).push(...xs);
      };
      const ours: Record<string, number[]> = {};
      const old: Record<string, number[]> = {};
      // Alternating (ours, before, before, ours) when there is a build before to compare with.
      for (const who of before ? ['ours', 'before', 'before', 'ours'] : ['ours'])
        merge(who === 'ours' ? ours : old, await tools(who === 'ours' ? '' : '/before'));
      const line = (t: Record<string, number[]>) =>
        Object.entries(t)
          .map(([k, xs]) => `${k} ${median(xs).toFixed(1)} ms (${spread(xs)})`)
          .join(', ');
      console.log(
        `tools at ${lastN} spans, action → next frame painted, median (min–max) of ${ours.find!.length}: ${line(ours)} (load average ${os.loadavg()[0]!.toFixed(1)})`,
      );
      if (before) console.log(`  the build before: ${line(old)}`);
    }
    console.log(
      'aims (issue 14): first rows ≤ 1 s at 100k and ≤ 3 s at 300k; no main-thread task > 200 ms while loading; heap ≤ 1/3 of Jaeger UI (37/49/197/515 MB); tools ≤ 50 ms at 300k',
    );
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
    await deck.close();
  }
}
