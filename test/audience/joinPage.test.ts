// /join on a phone-sized headless Chromium: loads clean and offline, stays tiny, counts itself present, cleans nicknames.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext } from 'playwright-core';
import type { AudienceStats } from '../../join/audienceApi.ts';
import { testConfig } from '../../server/config.ts';
import { startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../server/log.ts';
import { launchBrowser, screenshot, watchPage } from '../support/browser.ts';
import { waitFor } from '../support/waitFor.ts';

let server: DeckServer;
let browser: Browser;
let phone: BrowserContext;

before(async () => {
  server = await startDeckServer(testConfig({ meshEnabled: false }), { log: createLog('test', 'silent') });
  browser = await launchBrowser();
  phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const stats = async () => (await (await fetch(`${server.url}/api/audience/stats`)).json()) as AudienceStats;

test('/join on a 390×844 touch phone: clean, offline, a few KB, counted as connected, nickname cleaned', async () => {
  const page = await phone.newPage();
  const watch = watchPage(page);
  let bytes = 0;
  page.on('response', async (r) => {
    if (r.request().resourceType() === 'eventsource') return;
    bytes += (await r.body().catch(() => Buffer.alloc(0))).length;
  });
  await page.goto(`${server.url}/join`, { waitUntil: 'load' });

  await waitFor('the page to count itself', async () => (await page.textContent('#crowd'))?.includes('You are the first one here'));
  assert.equal((await stats()).attendeesConnected, 1);
  // The id the page made is kept: a reload is the same attendee.
  const id = await page.evaluate(() => localStorage.getItem('pph.attendee-id'));
  assert.match(id ?? '', /^[A-Za-z0-9_-]{22}$/);

  // Fits 360 px wide without sideways scrolling; both buttons are thumb-sized.
  for (const width of [390, 360]) {
    await page.setViewportSize({ width, height: 780 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, `no sideways scroll at ${width} px`);
  }
  for (const sel of ['#sendNormal', '#sendSlow']) {
    const box = (await page.locator(sel).boundingBox())!;
    assert.ok(box.height >= 48 && box.width >= 140, `${sel} is ${box.width}×${box.height}`);
  }

  await page.fill('#nickname', '  Zoë <b>Ada</b>  ');
  await page.locator('#nickname').blur();
  assert.equal(await page.inputValue('#nickname'), 'Zoe bAdab');

  // Without the mesh the demo API is absent: the attendee is told so, in words.
  await page.tap('#sendNormal');
  await waitFor('a message', async () => (await page.locator('#message').isVisible()) && page.textContent('#message'));
  assert.equal(await page.textContent('#message'), 'The demo is not running right now.');

  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'join-phone-390');
  assert.deepEqual(watch.errors.filter((e) => !/404/.test(e)), []);
  assert.deepEqual(watch.external, []);
  // The whole page (HTML, script, style) weighs a few tens of KB at most.
  assert.ok(bytes < 40_000, `/join weighs ${bytes} bytes`);

  await page.reload({ waitUntil: 'load' });
  assert.equal(await page.evaluate(() => localStorage.getItem('pph.attendee-id')), id);
  assert.equal(await page.inputValue('#nickname'), 'Zoe bAdab');
  await page.close();
  await waitFor('the attendee to leave', async () => (await stats()).attendeesConnected === 0);
});
