// The join panel in headless Chromium: its QR code, as drawn, decodes to the join URL; its counts follow the attendees.
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import jsQR from 'jsqr';
import type { Browser } from 'playwright-core';
import { build, type Rollup } from 'vite';
import { testConfig } from '../../server/config.ts';
import { projectRoot, startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../server/log.ts';
import { launchBrowser, screenshot, watchPage } from '../support/browser.ts';
import { waitFor } from '../support/waitFor.ts';
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
      lib: { entry: path.join(projectRoot, 'join/joinPanel.ts'), formats: ['es'], fileName: 'joinPanel' },
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
