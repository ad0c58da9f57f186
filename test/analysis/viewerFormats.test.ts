// The standalone viewer in headless Chromium opens an OTLP JSON file and a Zipkin v2 file like the Jaeger file they came from, findings included; a broken one says why.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot, watchPage } from '../../devkit/browser.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { analyzeTrace } from '../../analysis/index.ts';
import { tracesFromJaegerFile } from '../../model/index.ts';
import { distDir, startFixtureServer, type FixtureServer } from '../viewer/fixtureServer.ts';
import { openViewer, statusText, waitForSpans } from '../viewer/viewerPage.ts';
import { toOtlpJson, toZipkinJson } from './support/otherFormats.ts';

let browser: Browser;
let files: FixtureServer;
before(async () => {
  assert.ok(existsSync(path.join(distDir, 'viewer.html')), `build first (npx vite build): ${distDir}/viewer.html is missing`);
  [browser, files] = await Promise.all([launchBrowser(), startFixtureServer()]);
});
after(async () => {
  await browser?.close();
  await files?.close();
});

test('a picked OTLP JSON file and a dropped Zipkin file open with the Jaeger file\'s spans and finding', async () => {
  const trace = tracesFromJaegerFile(JSON.parse(readFileSync('test/fixtures/otel-library/isbn-retries.json', 'utf8')))[0]!;
  const want = analyzeTrace(trace)[0]!.title;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const watch = watchPage(page);
  try {
    await openViewer(page, `${files.url}/viewer.html`);
    await page.setInputFiles('.vp-file', { name: 'otlp.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(toOtlpJson(trace))) });
    await waitForSpans(page, String(trace.spans.length));
    await waitFor('the finding listed', async () => ((await page.locator('.vp-main .tv-finding-title').first().textContent()) ?? '') === want);
    await screenshot(page, 'viewer-otlp-file-1280x800');
    // A different trace first, so the Zipkin file's spans are seen arriving.
    await page.setInputFiles('.vp-file', { name: 'jaeger.json', mimeType: 'application/json', buffer: readFileSync('test/fixtures/jaeger-json/overlapping-children-3-spans.json') });
    await waitForSpans(page, '3');
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'zipkin.json', { type: 'application/json' }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, JSON.stringify(toZipkinJson(trace)));
    await waitForSpans(page, String(trace.spans.length));
    await waitFor('the finding listed', async () => ((await page.locator('.vp-main .tv-finding-title').first().textContent()) ?? '') === want);
    await page.setInputFiles('.vp-file', { name: 'bad-otlp.json', mimeType: 'application/json', buffer: Buffer.from('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"nothex"}]}]}]}') });
    await waitFor('the bad-file message', async () => /OTLP JSON: traceId is not 32 hex digits/.test(await statusText(page)));
    await screenshot(page, 'viewer-bad-otlp-file-1280x800');
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});
