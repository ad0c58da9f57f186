// The live slides in real Chromium against one real deck server, mesh and embedded Jaeger: the Demo slide (clicks, holes,
// details, XSS, keys, outages), the realistic trace, the pipeline counts, and a copy of the deck with no server.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import express from 'express';
import jaeger from 'jaeger-client';
import type { Browser, Page } from 'playwright-core';
import type { JaegerTrace } from '../../model/jaegerJson.ts';
import { testConfig } from '../../server/config.ts';
import { projectRoot, startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../server/log.ts';
import { launchBrowser, screenshot, watchPage } from '../support/browser.ts';
import { waitFor } from '../support/waitFor.ts';

const log = createLog('test', 'silent');
const TOKEN = 'test-presenter-token';
let server: DeckServer;
let browser: Browser;

before(async () => {
  server = await startDeckServer(testConfig(), { log });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function openDemo(query = '', viewport = { width: 1920, height: 1080 }): Promise<{ page: Page; watch: ReturnType<typeof watchPage> }> {
  const page = await browser.newPage({ viewport });
  const watch = watchPage(page);
  page.on('dialog', (d) => {
    watch.errors.push(`dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`${server.url}/${query}#/demo`);
  await page.waitForSelector('[data-live-host] .demo-slide');
  await page.waitForFunction(() => {
    const host = document.querySelector<HTMLElement>('[data-demo-state]');
    return host?.dataset.mesh === 'up' && host.dataset.stream === 'open';
  });
  return { page, watch };
}

const hostData = (page: Page) => page.evaluate(() => ({ ...document.querySelector<HTMLElement>('[data-demo-state]')!.dataset }));

async function fetchTrace(traceID: string): Promise<JaegerTrace> {
  const res = await fetch(`${server.url}/api/traces/${traceID}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { data: JaegerTrace[] }).data[0]!;
}

/** The stored trace once every mesh service has reported its part (each flushes on its own timer). */
async function traceFromEveryService(traceID: string): Promise<JaegerTrace> {
  const names = server.mesh!.services().map((s) => s.name);
  return waitFor(`trace ${traceID} from every service`, async () => {
    const t = await fetchTrace(traceID);
    const seen = new Set(Object.values(t.processes).map((p) => p.serviceName));
    return names.every((n) => seen.has(n)) ? t : undefined;
  });
}

/** Clicks "Send a request" and returns the trace id the server answered with, once that trace is drawn. */
async function sendAndWait(page: Page): Promise<string> {
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/demo/requests') && r.request().method() === 'POST');
  await page.click('.demo-send');
  const res = await answered;
  assert.equal(res.status(), 200);
  const [result] = (await res.json()) as { traceID: string }[];
  await page.waitForFunction((id) => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.traceId === id, result!.traceID, {
    timeout: 15_000,
  });
  return result!.traceID;
}

test('a click draws the trace of that request with every mesh service, pushed over /api/live; legible at both sizes', async () => {
  const { page, watch } = await openDemo();
  assert.equal(await page.locator('.demo-holes').count(), 0, 'no presenter controls without a token');
  const traceID = await sendAndWait(page);
  const services = server.mesh!.services().map((s) => s.name);
  assert.ok(services.length >= 5);
  // Each service's reporter flushes on its own: the slide draws the trace at once and redraws it as
  // the rest lands. It must end up exactly as the store has it, with no further request from us.
  await waitFor(
    'the drawn trace to hold every stored span',
    async () => (await hostData(page)).spanCount === String((await fetchTrace(traceID)).spans.length) && (await fetchTrace(traceID)).spans.length > 1,
    { timeoutMs: 10_000, intervalMs: 300 },
  );
  // The legend lists every service the trace touched; it must be the whole mesh.
  await waitFor('every mesh service in the drawn trace', async () => {
    const legend = await page.locator('.demo-viewer .tv-legend').innerText();
    return services.every((name) => legend.includes(name));
  });
  assert.match(await page.locator('.demo-status').innerText(), /Your request/);
  assert.match(await page.locator('.demo-chart').innerText(), /p50 .* p95/);
  await screenshot(page, 'demo-1920x1080');
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.waitForTimeout(300); // reveal.js re-lays out on resize; nothing to wait on but its debounce
  await screenshot(page, 'demo-1024x768');
  // Presenter zoom: rows and text grow for the back of the room.
  const rowHeight = () => page.locator('.demo-viewer .tv-row').first().evaluate((r) => r.getBoundingClientRect().height);
  const before = await rowHeight();
  await page.click('.demo-zoom-in');
  await page.click('.demo-zoom-in');
  assert.equal(await page.locator('.demo-slide').getAttribute('data-zoom'), '1.5');
  await waitFor('bigger rows', async () => (await rowHeight()) >= before * 1.4);
  await screenshot(page, 'demo-zoom-1.5-1024x768');
  assert.deepEqual(watch.errors, []);
  assert.deepEqual(watch.external, []);
  await page.close();
});

test('Space on a focused button presses it instead of turning the slide', async () => {
  const { page } = await openDemo();
  await page.focus('.demo-send');
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/demo/requests'));
  await page.keyboard.press('Space');
  await answered;
  assert.equal(await page.evaluate(() => window.Reveal.getCurrentSlide()?.id), 'demo');
  // A presenter's clicker (PageDown) still moves on, even with focus inside the demo.
  await page.focus('.demo-zoom-in');
  await page.keyboard.press('PageDown');
  await waitFor('the next slide', () => page.evaluate(() => window.Reveal.getCurrentSlide()?.id !== 'demo'));
  await page.close();
});

test('leaving the slide unmounts the demo, coming back shows the same trace; the speaker-view copy never mounts it', async () => {
  const { page } = await openDemo();
  const traceID = await sendAndWait(page);
  // The trace can beat the request's answer over /api/live; the chart point comes with the answer.
  await waitFor('the answer charted', async () => /Last 1 request/.test(await page.locator('.demo-chart').innerText()));
  await page.evaluate(() => window.Reveal.next());
  await waitFor('the demo to unmount', () => page.evaluate(() => document.querySelector('.demo-slide') === null), { timeoutMs: 20_000 });
  await page.evaluate(() => window.Reveal.prev());
  await page.waitForFunction((id) => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.traceId === id, traceID);
  // The chart draws on the next animation frame after the remount.
  await waitFor('the chart to show the kept request again', async () => /Last 1 request/.test(await page.locator('.demo-chart').innerText()));
  await page.close();
  const receiver = await browser.newPage();
  const requests: string[] = [];
  receiver.on('request', (r) => requests.push(r.url()));
  await receiver.goto(`${server.url}/?receiver#/demo`);
  await receiver.waitForFunction(() => window.Reveal?.isReady());
  assert.equal(await receiver.locator('.demo-slide').count(), 0);
  assert.ok(!requests.some((u) => u.includes('/api/live') || u.includes('/healthz')), 'the copy makes no demo calls');
  await receiver.close();
});

test('plugging a hole from the presenter switches changes the next trace and shows before/after', async () => {
  const { page, watch } = await openDemo(`?token=${TOKEN}`);
  const hole = page.locator('.demo-hole[data-hole="n-plus-one"]');
  await hole.waitFor();
  assert.equal(await hole.getAttribute('aria-checked'), 'false');
  const before = await traceFromEveryService(await sendAndWait(page));
  const perItem = (t: JaegerTrace) => t.spans.filter((s) => s.operationName.includes('/stock/:item/reserve')).length;
  assert.ok(perItem(before) > 0, 'with the hole open, stock is reserved one item at a time');
  try {
    await hole.click();
    await waitFor('the switch to report plugged', async () => (await hole.getAttribute('aria-checked')) === 'true');
    assert.equal(server.mesh!.holes().find((h) => h.id === 'n-plus-one')?.plugged, true);
    const afterTrace = await traceFromEveryService(await sendAndWait(page));
    assert.equal(perItem(afterTrace), 0, 'plugged: no per-item calls');
    assert.ok(afterTrace.spans.some((s) => s.operationName.includes('/stock/reserve')), 'plugged: one batch call');
    await page.waitForSelector('.demo-compare:not([hidden])');
    const compareText = await page.locator('.demo-compare').innerText();
    assert.match(compareText, /plugged/);
    await screenshot(page, 'demo-before-after-1920x1080');
    await page.click('.demo-compare-close');
    await page.waitForSelector('.demo-compare[hidden]', { state: 'attached' });
  } finally {
    await server.mesh!.setHole('n-plus-one', false);
  }
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test('a switch the server refuses stays where it was and says why', async () => {
  const { page } = await openDemo('?token=not-the-token');
  const hole = page.locator('.demo-hole[data-hole="lock-contention"]');
  await hole.click();
  await page.waitForSelector('.demo-holes-problem:not(:empty)');
  assert.match(await page.locator('.demo-holes-problem').innerText(), /presenter token/);
  assert.equal(await hole.getAttribute('aria-checked'), 'false');
  assert.equal(server.mesh!.holes().find((h) => h.id === 'lock-contention')?.plugged, false);
  await page.close();
});

/** Sends one span through jaeger-client (its own tracer, real Thrift over HTTP) to the embedded collector. */
async function sendProbeSpan(payload: string): Promise<string> {
  const tracer = jaeger.initTracer(
    {
      serviceName: 'xss-probe',
      sampler: { type: 'const', param: 1 },
      reporter: { collectorEndpoint: `http://127.0.0.1:${server.jaeger.ports.http}/api/traces`, flushIntervalMs: 50 },
    },
    {},
  );
  const span = tracer.startSpan(payload);
  span.setTag('payload', payload);
  span.setTag('baggage.attendee-name', payload);
  span.log({ event: payload, note: 'logged field' });
  span.finish();
  const traceID = (span.context() as unknown as { toTraceId(): string }).toTraceId();
  await new Promise<void>((resolve) => tracer.close(() => resolve()));
  return traceID;
}

test("an attendee's trace appears by itself; span details show tags and logs, and markup in a span stays text", async () => {
  const { page, watch } = await openDemo();
  const payload = '<img src=x onerror=alert(1)>';
  const traceID = await sendProbeSpan(payload);
  await page.waitForFunction((id) => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.traceId === id, traceID, {
    timeout: 15_000,
  });
  assert.ok((await page.locator('.demo-status').innerText()).includes(`From ${payload}`), 'the attendee tag names the sender, as text');
  await page.locator('.demo-viewer .tv-row', { hasText: payload }).first().click();
  const details = page.locator('.demo-viewer .tv-details');
  await details.waitFor();
  const text = await details.innerText();
  assert.ok(text.includes('payload'), 'tag key shown');
  assert.ok(text.includes(payload), 'tag value shown as the characters it is');
  assert.ok(text.includes('logged field'), 'log fields shown');
  assert.equal(await page.locator('.demo-slide img').count(), 0, 'no element was made from the payload');
  await screenshot(page, 'demo-span-details-xss');
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test('with the mesh switched off the slide says so plainly, its buttons rest, and nothing throws', async () => {
  const off = await startDeckServer(testConfig({ meshEnabled: false }), { log });
  const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  const watch = watchPage(page);
  try {
    await page.goto(`${off.url}/#/demo`);
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.mesh === 'offline');
    assert.match(await page.locator('.demo-status').innerText(), /live demo isn't running.*MESH=off/);
    assert.ok(await page.locator('.demo-send').isDisabled());
    assert.ok(await page.locator('.demo-burst').isDisabled());
    await screenshot(page, 'demo-mesh-off-1024x768');
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
    await off.close();
  }
});

test('"A realistic example" shows a real trace from the mesh, all services drawn', async () => {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const watch = watchPage(page);
  await page.goto(`${server.url}/?token=test-presenter-token#/realistic-example`);
  const host = page.locator('section#realistic-example [data-live-host]');
  await page
    .waitForFunction(() => document.querySelector<HTMLElement>('section#realistic-example [data-live-host]')?.dataset.traceId, undefined, {
      timeout: 30_000,
    })
    .catch(async (e: unknown) => {
      throw new Error(`no trace drawn; the slide says: ${await page.locator('.realistic-status').textContent()} (${String(e)})`);
    });
  const traceID = (await host.getAttribute('data-trace-id'))!;
  const res = await fetch(`${server.url}/api/traces/${traceID}`);
  assert.equal(res.status, 200, 'the shown trace is one the store holds');
  const trace = ((await res.json()) as { data: JaegerTrace[] }).data[0]!;
  await waitFor('every mesh service drawn', async () => {
    const legend = await host.locator('.tv-legend').innerText();
    return server.mesh!.services().every((s) => legend.includes(s.name));
  });
  assert.ok(trace.spans.length > 10);
  await screenshot(page, 'realistic-trace-1920x1080');
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test('"How Jaeger works" counts spans through each stage live while shown, and stops polling when left', async () => {
  const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  const watch = watchPage(page);
  const polls: number[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/collector/stats')) polls.push(Date.now());
  });
  await page.goto(`${server.url}/#/how-jaeger-works`);
  await page.waitForSelector('[data-pipeline="live"]');
  const storedNow = async () => Number((await page.locator('.pipeline-count[data-stage="store"]').innerText()).replace(/\D/g, ''));
  const before = await storedNow();
  const answer = await fetch(`${server.url}/api/demo/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer test-presenter-token' },
    body: JSON.stringify({ kind: 'normal', count: 2 }),
  });
  assert.equal(answer.status, 200);
  await page.waitForFunction(
    (n) => Number(document.querySelector('.pipeline-count[data-stage="store"]')!.textContent!.replace(/\D/g, '')) >= n,
    before + 20,
    { timeout: 15_000 },
  );
  assert.ok(Number((await page.locator('.pipeline-count[data-stage="collector"]').innerText()).replace(/\D/g, '')) >= before + 20);
  await screenshot(page, 'pipeline-counts-1024x768');
  await page.evaluate(() => window.Reveal.next());
  await page.waitForFunction(() => !document.querySelector('.pipeline-counts'));
  const left = polls.length;
  // Two poll periods with the slide gone: nothing more may be asked.
  await page.waitForTimeout(2_200);
  assert.ok(polls.length <= left + 1, `polling stopped after leaving (${polls.length - left} more)`);
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test('a copy of the deck with no server behind it says plainly that it replays a recording, and calls no API', async () => {
  // A plain static host: no live-server mark in the page, no API.
  const app = express();
  app.use(express.static(path.join(projectRoot, 'dist')));
  const staticServer = http.createServer(app);
  await new Promise<void>((r) => staticServer.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(staticServer.address() as AddressInfo).port}`;
  const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  const watch = watchPage(page);
  const apiCalls: string[] = [];
  page.on('request', (r) => {
    if (/\/api\/|\/healthz/.test(r.url())) apiCalls.push(r.url());
  });
  try {
    for (const slide of ['how-jaeger-works', 'demo']) {
      await page.goto(`${url}/#/${slide}`);
      await page.waitForFunction(() => window.Reveal?.isReady());
      // The self-study replay (slides/live/recordingPanel.ts) stands in for the live part; test/selfstudy covers it in depth.
      await page.waitForSelector(`section#${slide} .rec-banner`);
      assert.match(await page.locator(`section#${slide} .rec-banner`).innerText(), /no live mesh behind this copy/);
    }
    await page.waitForFunction(() => getComputedStyle(document.querySelector('section#demo')!).opacity === '1');
    await screenshot(page, 'demo-offline-1024x768');
    // Over the picture, the recorded trace takes its place once drawn.
    await page.goto(`${url}/#/realistic-example`);
    await page.waitForSelector('section#realistic-example [data-live-host][data-trace-id] .rec-banner');
    assert.deepEqual(apiCalls, [], 'no calls to an API that is not there');
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
    staticServer.close();
  }
});

test('a crashed entry service: the slide says which, polls, and recovers by itself', async () => {
  const { page, watch } = await openDemo();
  // The outage may be short (the supervisor restarts within seconds): record every status the slide shows.
  await page.evaluate(() => {
    const host = document.querySelector<HTMLElement>('[data-demo-state]')!;
    const seen: string[] = [];
    (window as unknown as { meshSeen: string[] }).meshSeen = seen;
    new MutationObserver(() => {
      if (host.dataset.mesh === 'down') seen.push(document.querySelector('.demo-status')?.textContent ?? '');
    }).observe(host, { attributes: true, subtree: true, characterData: true, childList: true });
  });
  const storefront = server.mesh!.processes().find((p) => p.name === 'storefront');
  assert.ok(storefront?.pid);
  process.kill(storefront.pid, 'SIGKILL');
  await waitFor('the supervisor to see the crash', () => server.mesh!.services().some((s) => s.state !== 'healthy'), { timeoutMs: 10_000 });
  // A click while the entry service is gone fails and makes the slide look at the mesh at once.
  await page.click('.demo-send', { timeout: 2_000 }).catch(() => undefined);
  const seen = await waitFor(
    'the slide to report the mesh down',
    () => page.evaluate(() => ((window as unknown as { meshSeen: string[] }).meshSeen.length ? (window as unknown as { meshSeen: string[] }).meshSeen : undefined)),
    { timeoutMs: 15_000 },
  );
  assert.ok(seen.some((t) => /storefront/.test(t)), `the status names the service: ${JSON.stringify(seen)}`);
  await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.mesh === 'up', undefined, { timeout: 30_000 });
  await waitFor('the buttons to be usable again', async () => !(await page.locator('.demo-send').isDisabled()), { timeoutMs: 10_000 });
  await sendAndWait(page);
  // Failed loads of the demo API while the service was down are the expected kind of console noise.
  assert.deepEqual(
    watch.errors.filter((e) => !/Failed to load resource/.test(e)),
    [],
  );
  await page.close();
});
