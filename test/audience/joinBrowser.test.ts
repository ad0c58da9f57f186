// Audience mode in headless Chromium without the mesh: /join on a phone (clean, offline, tiny, present) and the join panel (QR decodes, counts follow).
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import jsQR from 'jsqr';
import type { Browser } from 'playwright-core';
import type { AudienceStats } from '../../model/audience.ts';
import { build, type Rollup } from 'vite';
import { testConfig } from '../../server/config.ts';
import { projectRoot, startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../pkg/index.ts';
import { launchBrowser, screenshot, watchPage } from '../../devkit/browser.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { qrPixels } from './qrPixels.ts';

let server: DeckServer;
let browser: Browser;

/** joinPanel.ts bundled as the deck bundles it (vite), plus a line that mounts it, inlined into one test page. */
async function panelTestPage(): Promise<string> {
  const out = (await build({
    configFile: false,
    root: projectRoot,
    logLevel: 'silent',
    build: {
      write: false,
      minify: false,
      cssCodeSplit: false,
      lib: { entry: path.join(projectRoot, 'join/browser/joinPanel.ts'), formats: ['es'], fileName: 'joinPanel' },
    },
  })) as Rollup.RollupOutput[];
  const files = out.flatMap((o) => o.output);
  const js = files.find((f): f is Rollup.OutputChunk => f.type === 'chunk')!.code;
  const css = files
    .filter((f): f is Rollup.OutputAsset => f.type === 'asset' && f.fileName.endsWith('.css'))
    .map((f) => String(f.source))
    .join('\n');
  const mount = `${js.replace(/^export\s*\{[^}]*\};?\s*$/m, '')}\nwindow.panel = createJoinPanel(document.getElementById('slot'), { apiBase: '/' });`;
  return `<!doctype html><html><head><meta charset="utf-8"><style>${css}
body { background: #1b1d22; color: #f2f2f2; font-family: sans-serif; margin: 24px; }</style></head>
<body><div id="slot"></div><script type="module">${mount}</script></body></html>`;
}

before(async () => {
  // A PUBLIC_URL makes the expected URL independent of this machine's network.
  server = await startDeckServer(testConfig({ meshEnabled: false, publicUrl: 'http://talk.example.test:8080' }), {
    log: createLog('test', 'silent'),
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test('the join panel shows a QR code that decodes to the join URL, the URL as text, and live attendee counts', async () => {
  const html = await panelTestPage();
  const page = await browser.newPage({ viewport: { width: 420, height: 560 } });
  const watch = watchPage(page);
  // The test page is served from the deck server's origin, so the panel's API calls go to the real server.
  await page.route(`${server.url}/panel-test`, (route) => route.fulfill({ contentType: 'text/html', body: html }));
  await page.goto(`${server.url}/panel-test`);

  const expected = 'http://talk.example.test:8080/join';
  await waitFor('the QR code', () => page.locator('.join-panel__qr svg').count());
  assert.equal(await page.textContent('.join-panel__url'), 'talk.example.test:8080/join');
  const { width, height, data } = await qrPixels(page);
  const decoded = jsQR(Uint8ClampedArray.from(data), width, height);
  assert.equal(decoded?.data, expected);

  // An attendee page connects: the count on the panel follows.
  const presence = http.get(`${server.url}/api/audience/presence?attendee=panel-attendee-1`);
  try {
    await waitFor('1 connected on the panel', async () => (await page.textContent('.join-panel__counts'))?.startsWith('1 connected'));
  } finally {
    presence.destroy();
  }
  await waitFor('0 connected on the panel', async () => (await page.textContent('.join-panel__counts'))?.startsWith('0 connected'));

  await screenshot(page, 'join-panel');
  assert.deepEqual(watch.errors, []);
  assert.deepEqual(watch.external, []);
  await page.evaluate(() => (window as unknown as { panel: { destroy(): void } }).panel.destroy());
  assert.equal(await page.locator('.join-panel').count(), 0);
  await page.close();
});

const stats = async () => (await (await fetch(`${server.url}/api/audience/stats`)).json()) as AudienceStats;

test('/join on a 390×844 touch phone: clean, offline, a few KB, counted as connected, nickname cleaned', async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await phone.newPage();
  const watch = watchPage(page);
  // What travels to the phone (bodies as sent, gzip included), every response counted once it has ended, the
  // finder's chunk too when the page asks for it: a weak phone on the venue network pays for these bytes.
  const sized: Promise<number>[] = [];
  page.on('response', (r) => {
    if (r.request().resourceType() === 'eventsource') return;
    sized.push(
      r
        .request()
        .sizes()
        .then(
          (s) => s.responseBodySize,
          () => 0,
        ),
    );
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
  // Waited for as a whole: a message read the moment one shows could be an earlier one ("Sending…").
  const NOT_RUNNING = 'The demo is not running right now.';
  const said = await waitFor(
    'the message that the demo is not running',
    async () => (await page.locator('#message').isVisible()) && (await page.textContent('#message')) === NOT_RUNNING && NOT_RUNNING,
  ).catch(() => page.textContent('#message'));
  assert.equal(said, NOT_RUNNING);

  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'join-phone-390');
  assert.deepEqual(
    watch.errors.filter((e) => !/404/.test(e)),
    [],
  );
  assert.deepEqual(watch.external, []);
  // The whole page (HTML, script, style) weighs a few tens of KB at most.
  const bytes = (await Promise.all(sized)).reduce((a, b) => a + b, 0);
  assert.ok(bytes > 0 && bytes < 40_000, `/join weighs ${bytes} bytes`);

  await page.reload({ waitUntil: 'load' });
  assert.equal(await page.evaluate(() => localStorage.getItem('pph.attendee-id')), id);
  assert.equal(await page.inputValue('#nickname'), 'Zoe bAdab');
  await phone.close();
  await waitFor('the attendee to leave', async () => (await stats()).attendeesConnected === 0);
});
