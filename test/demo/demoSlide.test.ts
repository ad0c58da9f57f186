// The Demo slide in real Chromium against the real deck server, mesh and embedded Jaeger: clicks, holes, details, XSS, keys.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import jaeger from 'jaeger-client';
import type { Browser, Page } from 'playwright-core';
import type { JaegerTrace } from '../../model/jaegerJson.ts';
import { testConfig } from '../../server/config.ts';
import { startDeckServer, type DeckServer } from '../../server/deckServer.ts';
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
  // The legend lists every service the trace touched; it must be the whole mesh.
  const legend = await page.locator('.demo-viewer .tv-legend').innerText();
  for (const name of services) assert.ok(legend.includes(name), `service ${name} drawn (legend: ${legend})`);
  const stored = await fetchTrace(traceID);
  assert.equal((await hostData(page)).spanCount, String(stored.spans.length));
  assert.match(await page.locator('.demo-status').innerText(), /Your request/);
  assert.match(await page.locator('.demo-chart').innerText(), /p50 .* p95/);
  await screenshot(page, 'demo-1920x1080');
  await page.setViewportSize({ width: 1024, height: 768 });
  await page.waitForTimeout(300); // reveal.js re-lays out on resize; nothing to wait on but its debounce
  await screenshot(page, 'demo-1024x768');
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
  await page.close();
});

test('leaving the slide unmounts the demo; the speaker-view copy never mounts it', async () => {
  const { page } = await openDemo();
  await page.evaluate(() => window.Reveal.next());
  await waitFor('the demo to unmount', () => page.evaluate(() => document.querySelector('.demo-slide') === null));
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
  const before = await fetchTrace(await sendAndWait(page));
  const perItem = (t: JaegerTrace) => t.spans.filter((s) => s.operationName.includes('/stock/:item/reserve')).length;
  assert.ok(perItem(before) > 0, 'with the hole open, stock is reserved one item at a time');
  try {
    await hole.click();
    await waitFor('the switch to report plugged', async () => (await hole.getAttribute('aria-checked')) === 'true');
    assert.equal(server.mesh!.holes().find((h) => h.id === 'n-plus-one')?.plugged, true);
    const afterTrace = await fetchTrace(await sendAndWait(page));
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
