// The presenter token in real Chromium: read once from ?token=, gone from the address bar, kept for reloads and the speaker view, never sent as a Referer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { testConfig } from '../../server/config.ts';
import { startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../pkg/index.ts';
import { launchBrowser } from '../../devkit/browser.ts';
import { waitFor } from '../../devkit/waitFor.ts';

const TOKEN = 'deck-token-test';
let server: DeckServer;
let browser: Browser;

before(async () => {
  server = await startDeckServer(testConfig({ meshEnabled: false, presenterToken: TOKEN }), { log: createLog('test', 'silent') });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('?token= leaves the address bar at once, survives a reload, reaches the speaker view without a URL, and rides only on the live stream', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
  await context.addInitScript('globalThis.__name = (f) => f');
  const sent: { url: string; referer: string | undefined }[] = [];
  context.on('request', (r) => sent.push({ url: r.url(), referer: r.headers().referer }));
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/?token=${TOKEN}#/demo`);
    await page.waitForFunction(() => window.Reveal?.isReady?.() === true);
    assert.equal(new URL(page.url()).search, '', 'no token in the address bar');
    assert.equal(new URL(page.url()).hash, '#/demo', 'the slide stays where it was asked for');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('pph.presenter-token')), TOKEN);

    // The presenter reloads: the deck still knows it is the presenter (its live stream asks with the token).
    sent.length = 0;
    await page.reload();
    await page.waitForFunction(() => window.Reveal?.isReady?.() === true);
    await waitFor('the presenter live stream', () => sent.some((r) => r.url.includes('/api/live?token=')), { timeoutMs: 15_000 });

    // The speaker view's deck copies load without the token in their URLs, yet the window has it.
    const popupOpened = context.waitForEvent('page');
    await page.keyboard.press('s');
    const speaker = await popupOpened;
    await waitFor('the speaker view copies', () => speaker.frames().filter((f) => f.url().includes('receiver')).length === 2, {
      timeoutMs: 15_000,
    });
    for (const f of speaker.frames()) assert.ok(!f.url().includes(TOKEN), `frame URL ${f.url()}`);
    assert.equal(await speaker.evaluate(() => sessionStorage.getItem('pph.presenter-token')), TOKEN);

    // Only the live stream's own request carries it, and no request says where it came from.
    for (const r of sent) {
      if (!r.url.includes('/api/live')) assert.ok(!r.url.includes(TOKEN), r.url);
      assert.ok(!r.referer, `Referer ${r.referer} sent with ${r.url}`);
    }
  } finally {
    await context.close();
  }
});
