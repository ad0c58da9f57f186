// A span failed by OpenTelemetry's status, or by a 503 its server span answered, is drawn as failed: the same rule as the hole finder's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { screenshot } from '../../devkit/browser.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import type { JaegerTrace } from '../../model/jaegerJson.ts';
import { FAILED_TRIES, http503Only, otelStatusOnly, REGISTRY_ANSWERS } from '../analysis/support/failureVariants.ts';
import { waitForSpans } from './viewerPage.ts';
import { viewerSuite } from './viewerSuite.ts';

const suite = viewerSuite(1280, 600);

/** The span IDs of the rows drawn as failed (all rows are open: 8 spans fit). */
async function failedRows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    return [...document.querySelectorAll<HTMLElement>('.tv-row.tv-row-error:not([hidden])')].map((r) => r.dataset.span ?? '');
  });
}

for (const [name, make, failed, shot] of [
  ['OpenTelemetry status ERROR, no error tag', otelStatusOnly, FAILED_TRIES, 'viewer-failed-otel-status'],
  ['HTTP 503 on the server spans only', () => http503Only(REGISTRY_ANSWERS), REGISTRY_ANSWERS, 'viewer-failed-http-503'],
] as const) {
  test(`${name}: those spans are drawn as failed, read from the file's bytes`, async () => {
    const t: JaegerTrace = make();
    const url = suite.files.put(`${shot}.json`, JSON.stringify({ data: [t] }));
    const { page, watch } = await suite.open(`url=${url}`);
    try {
      await waitForSpans(page, String(t.spans.length));
      await waitFor('the failed rows drawn', async () => (await failedRows(page)).length === failed.length);
      // Row → span index → span ID, as the file lists the spans.
      const ids = (await failedRows(page)).map((i) => t.spans[Number(i)]!.spanID).sort();
      assert.deepEqual(ids, [...failed].sort());
      const marks = await page.locator('.tv-row-error:not([hidden]) .tv-err').allTextContents();
      assert.deepEqual(
        marks,
        failed.map(() => '⚠ error'),
      );
      await screenshot(page, shot);
      assert.deepEqual(watch.errors, []);
    } finally {
      await page.close();
    }
  });
}
