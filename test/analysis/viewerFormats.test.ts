// The standalone viewer in headless Chromium opens an OTLP JSON file and a Zipkin v2 file like the Jaeger file they came from, findings included; a broken one says why.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { screenshot } from '../../devkit/browser.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { analyzeTrace } from '../../analysis/index.ts';
import { tracesFromJaegerFile } from '../../model/index.ts';
import { viewerSuite } from '../viewer/viewerSuite.ts';
import { statusText, waitForSpans } from '../viewer/viewerPage.ts';
import { toOtlpJson, toZipkinJson } from './support/otherFormats.ts';

const suite = viewerSuite(1280, 800);

test("a picked OTLP JSON file and a dropped Zipkin file open with the Jaeger file's spans and finding", async () => {
  const trace = tracesFromJaegerFile(JSON.parse(readFileSync('test/fixtures/otel-library/isbn-retries.json', 'utf8')))[0]!;
  const want = analyzeTrace(trace)[0]!.title;
  const { page, watch } = await suite.open('');
  try {
    await page.setInputFiles('.vp-file', {
      name: 'otlp.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(toOtlpJson(trace))),
    });
    await waitForSpans(page, String(trace.spans.length));
    await waitFor(
      'the finding listed',
      async () => ((await page.locator('.vp-main .tv-finding-title').first().textContent()) ?? '') === want,
    );
    await screenshot(page, 'viewer-otlp-file-1280x800');
    // A different trace first, so the Zipkin file's spans are seen arriving.
    await page.setInputFiles('.vp-file', {
      name: 'jaeger.json',
      mimeType: 'application/json',
      buffer: readFileSync('test/fixtures/jaeger-json/overlapping-children-3-spans.json'),
    });
    await waitForSpans(page, '3');
    await page.evaluate(
      (text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'zipkin.json', { type: 'application/json' }));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      JSON.stringify(toZipkinJson(trace)),
    );
    await waitForSpans(page, String(trace.spans.length));
    await waitFor(
      'the finding listed',
      async () => ((await page.locator('.vp-main .tv-finding-title').first().textContent()) ?? '') === want,
    );
    await page.setInputFiles('.vp-file', {
      name: 'bad-otlp.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"nothex"}]}]}]}'),
    });
    await waitFor('the bad-file message', async () => /OTLP JSON: traceId is not 32 hex digits/.test(await statusText(page)));
    await screenshot(page, 'viewer-bad-otlp-file-1280x800');
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});
