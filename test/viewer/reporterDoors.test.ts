// Which SDK, and so which door, each service's spans came by: read from the process tags, in the standalone viewer and on the live Demo slide.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot, watchPage } from '../../devkit/browser.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import type { JaegerTrace } from '../../model/jaegerJson.ts';
import { createLog } from '../../pkg/index.ts';
import { testConfig } from '../../server/config.ts';
import { startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { reporterOf } from '../../viewer/model/reporter.ts';
import { startFixtureServer, type FixtureServer } from './fixtureServer.ts';
import { openViewer, waitForSpans } from './viewerPage.ts';

let browser: Browser;
let files: FixtureServer;
let deck: DeckServer;

before(async () => {
  [browser, files, deck] = await Promise.all([
    launchBrowser(),
    startFixtureServer(),
    startDeckServer(testConfig(), { log: createLog('test', 'silent') }),
  ]);
});
after(async () => {
  await browser?.close();
  await files?.close();
  await deck?.close();
});

test('the words come from the process tags alone, for any service name', () => {
  const otel = {
    serviceName: 'x',
    tags: [
      { key: 'telemetry.sdk.name', type: 'string', value: 'opentelemetry' },
      { key: 'telemetry.sdk.language', type: 'string', value: 'go' },
    ],
  };
  assert.equal(reporterOf(otel as never), 'OTLP · OpenTelemetry (go)');
  assert.equal(
    reporterOf({ serviceName: 'y', tags: [{ key: 'jaeger.version', type: 'string', value: 'Go-2.30.0' }] } as never),
    'Thrift · jaeger-client (Go)',
  );
  assert.equal(reporterOf({ serviceName: 'z', tags: [{ key: 'hostname', type: 'string', value: 'h' }] } as never), undefined);
});

test('the standalone viewer marks each service with its SDK and names both doors of a mixed trace', async () => {
  // A recorded mesh trace whose kitchen process is given an OpenTelemetry SDK's resource (as the migrated kitchen sends it).
  const trace = (JSON.parse(readFileSync('slides/recordings/traces/all-open.json', 'utf8')) as { data: JaegerTrace[] }).data[0]!;
  for (const p of Object.values(trace.processes)) {
    if (p.serviceName !== 'kitchen') continue;
    p.tags = [
      { key: 'telemetry.sdk.name', type: 'string', value: 'opentelemetry' },
      { key: 'telemetry.sdk.language', type: 'string', value: 'nodejs' },
      { key: 'telemetry.sdk.version', type: 'string', value: '2.0.1' },
    ];
  }
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const watch = watchPage(page);
  try {
    await openViewer(page, `${files.url}/viewer.html?url=${files.put('mixed.json', JSON.stringify({ data: [trace] }))}`);
    await waitForSpans(page, String(trace.spans.length));
    const legend = await page.$$eval('.tv-legend-item:not(.tv-legend-cp)', (items) => items.map((i) => i.textContent));
    assert.ok(legend.includes('kitchenOTLP · OpenTelemetry (nodejs)'), JSON.stringify(legend));
    assert.ok(legend.includes('ordersThrift · jaeger-client (Node)'), JSON.stringify(legend));
    const doors = (await page.locator('.tv-doors').textContent()) ?? '';
    assert.match(doors, /^Reported by /);
    const byDoor = Object.fromEntries(
      doors
        .replace(/^Reported by /, '')
        .split('; ')
        .map((part) => part.split(': ')),
    );
    assert.deepEqual(byDoor['OTLP · OpenTelemetry (nodejs)'], 'kitchen');
    // The largest group is "the other N", named in full on hover (one line, so the waterfall keeps its rows).
    assert.equal(byDoor['Thrift · jaeger-client (Node)'], 'the other 5');
    const others = (await page.locator('.tv-doors .tv-door-services[title]').getAttribute('title')) ?? '';
    assert.deepEqual(others.split(', ').sort(), ['inventory', 'menu', 'orders', 'payments', 'storefront']);
    // The span details' process section says it too.
    const kitchenSpan = trace.spans.find((s) => trace.processes[s.processID]!.serviceName === 'kitchen')!;
    await page.evaluate((id) => window.viewerPage.viewer.revealSpan(id), kitchenSpan.spanID);
    // Clicked until the pane shows a kitchen span (the virtual list may redraw under the first click).
    await waitFor(
      "a kitchen span's details",
      async () => {
        const text = await page
          .locator('.tv-details:not([hidden])')
          .textContent({ timeout: 100 })
          .catch(() => null);
        if (text && /reported by\s*OTLP · OpenTelemetry \(nodejs\)/.test(text)) return true;
        await page
          .locator('.tv-row:not([hidden])', { hasText: 'kitchen' })
          .first()
          .click({ timeout: 1000 })
          .catch(() => undefined);
        return false;
      },
      { intervalMs: 200 },
    );
    await screenshot(page, 'viewer-reporters-1920x1080');
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});

test('on the live Demo slide a normal request shows kitchen over OTLP and the rest over Thrift, at 1920×1080', async () => {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const watch = watchPage(page);
  try {
    await page.goto(`${deck.url}/#/demo`);
    await page.waitForSelector('[data-live-host] .demo-slide');
    await page.waitForFunction(
      () => {
        const host = document.querySelector<HTMLElement>('[data-demo-state]');
        return host?.dataset.mesh === 'up' && host.dataset.stream === 'open';
      },
      undefined,
      { timeout: 60_000 },
    );
    await page.click('.demo-send');
    const doors = page.locator('.demo-slide .demo-viewer .tv-doors');
    await waitFor(
      'both doors named',
      async () => /OTLP · OpenTelemetry[^;]*: kitchen/.test((await doors.textContent().catch(() => '')) ?? ''),
      { timeoutMs: 30_000 },
    );
    const text = (await doors.textContent()) ?? '';
    assert.match(text, /Thrift · jaeger-client \(Node\): the other 5$/);
    assert.match((await doors.locator('.tv-door-services[title]').getAttribute('title')) ?? '', /storefront/);
    assert.ok(await doors.isVisible(), 'visible on the slide');
    const box = (await doors.boundingBox())!;
    assert.ok(box.y + box.height <= 1080 && box.x + box.width <= 1920, `inside the viewport: ${JSON.stringify(box)}`);
    const px = await doors.evaluate((e) => Number.parseFloat(getComputedStyle(e).fontSize));
    assert.ok(px >= 16, `readable: ${px}px`);
    await screenshot(page, 'demo-reporters-1920x1080');
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});
