// The other live slides in real Chromium: a real mesh trace on "A realistic example", live pipeline counts, and the deck with no server.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import express from 'express';
import type { Browser } from 'playwright-core';
import type { JaegerTrace } from '../../model/jaegerJson.ts';
import { testConfig } from '../../server/config.ts';
import { projectRoot, startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../server/log.ts';
import { launchBrowser, screenshot, watchPage } from '../support/browser.ts';

const log = createLog('test', 'silent');
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

test('"A realistic example" shows a real trace from the mesh, all services drawn', async () => {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const watch = watchPage(page);
  await page.goto(`${server.url}/?token=test-presenter-token#/realistic-example`);
  const host = page.locator('section#realistic-example [data-live-host]');
  await page.waitForFunction(() => document.querySelector<HTMLElement>('section#realistic-example [data-live-host]')?.dataset.traceId, undefined, {
    timeout: 20_000,
  });
  const traceID = (await host.getAttribute('data-trace-id'))!;
  const res = await fetch(`${server.url}/api/traces/${traceID}`);
  assert.equal(res.status, 200, 'the shown trace is one the store holds');
  const trace = ((await res.json()) as { data: JaegerTrace[] }).data[0]!;
  const legend = await host.locator('.tv-legend').innerText();
  for (const s of server.mesh!.services()) assert.ok(legend.includes(s.name), `${s.name} drawn`);
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

test('a copy of the deck with no server behind it says plainly that the live demo is not running', async () => {
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
      await page.waitForSelector(`section#${slide} .live-offline`);
      assert.match(await page.locator(`section#${slide} .live-offline`).innerText(), /live demo isn't running/);
    }
    await screenshot(page, 'demo-offline-1024x768');
    // Over a picture the notice stays out of sight: the static picture tells the same story.
    await page.goto(`${url}/#/realistic-example`);
    await page.waitForSelector('section#realistic-example .live-offline', { state: 'attached' });
    assert.ok(await page.locator('section#realistic-example figure img').isVisible());
    assert.deepEqual(apiCalls, [], 'no calls to an API that is not there');
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
    staticServer.close();
  }
});
