// /viewer.html in headless Chromium: opens traces by ?url, ?traceID, a picked or dropped file, and says clearly what went wrong.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { testConfig } from '../../server/config.ts';
import { startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../pkg/index.ts';
import { launchBrowser, screenshot, watchPage } from '../../devkit/browser.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import type { JaegerTrace } from '../../model/jaegerJson.ts';
import { postBatch } from '../jaeger/support/harness.ts';
import { batchesFromTrace, idMapper } from '../../devkit/plainBatch.ts';
import { encodeBinaryBatch } from '../../devkit/thriftrwCodec.ts';
import { distDir, startFixtureServer, type FixtureServer } from './fixtureServer.ts';
import { lockTrace } from './traces.ts';
import { domRows, drawnSpans, headerStat, openViewer, statusText, waitForSpans } from './viewerPage.ts';
import { generateTrace } from '../../model/syntheticTrace.ts';
import { toOtlpJson, toZipkinJson } from '../analysis/support/otherFormats.ts';

let browser: Browser;
let files: FixtureServer;
let deck: DeckServer;

before(async () => {
  assert.ok(existsSync(path.join(distDir, 'viewer.html')), `build first (npx vite build): ${distDir}/viewer.html is missing`);
  [browser, files, deck] = await Promise.all([
    launchBrowser(),
    startFixtureServer(),
    startDeckServer(testConfig({ meshEnabled: false, distDir }), { log: createLog('test', 'silent') }),
  ]);
});
after(async () => {
  await browser?.close();
  await files?.close();
  await deck?.close();
});

async function newPage(width = 1280, height = 800): Promise<{ page: Page; watch: ReturnType<typeof watchPage> }> {
  const page = await browser.newPage({ viewport: { width, height } });
  return { page, watch: watchPage(page) };
}

const FIXTURES: [string, number, number][] = [
  // file, spans, services
  ['all-tag-types-5-spans', 5, 2],
  ['overlapping-children-3-spans', 3, 2],
  ['two-services-11-spans', 11, 2],
];

for (const [name, spans, services] of FIXTURES) {
  test(`?url= opens ${name} with exactly ${spans} rows`, async () => {
    const { page, watch } = await newPage();
    try {
      await openViewer(page, `${files.url}/viewer.html?url=/fixtures/jaeger-json/${name}.json`);
      await waitForSpans(page, String(spans));
      assert.equal(await headerStat(page, 'Services'), String(services));
      await waitFor('every span drawn', async () => (await domRows(page)) === spans);
      const indices = await page.$$eval('.tv-row:not([hidden])', (rows) =>
        rows.map((r) => Number((r as HTMLElement).dataset.span)).sort((a, b) => a - b),
      );
      assert.deepEqual(indices, [...Array(spans).keys()], 'one row per span, none twice');
      assert.equal(await statusText(page), '');
      assert.deepEqual(watch.errors, []);
      assert.deepEqual(watch.external, []);
    } finally {
      await page.close();
    }
  });
}

test('?stream=1 (the download read as it arrives, cut between chunks) draws what reading it once it is in draws', async () => {
  const trace = generateTrace(20_000, 11);
  const file = files.put('stream-20k.json', JSON.stringify({ data: [trace] }));
  const seen: Record<string, { stats: (string | undefined)[]; rows: string[]; found: number }> = {};
  for (const mode of ['', '&stream=1']) {
    const { page, watch } = await newPage();
    try {
      await openViewer(page, `${files.url}/viewer.html?url=${file}${mode}`);
      await waitForSpans(page, '20,000');
      await waitFor('the first rows drawn', async () => (await domRows(page)) > 10);
      const stats = await Promise.all(['Services', 'Depth', 'Errors'].map((k) => headerStat(page, k)));
      const rows = await drawnSpans(page);
      // Words only a log value holds (not a service or operation name).
      const found = (await page.evaluate(() => window.viewerPage.viewer.find('waiting behind'))) as number;
      seen[mode || 'whole'] = { stats, rows, found };
      assert.deepEqual(watch.errors, []);
    } finally {
      await page.close();
    }
  }
  assert.ok(seen.whole!.rows.length > 10, 'rows drawn');
  assert.ok(seen.whole!.found > 0, 'the find has something to find');
  assert.deepEqual(seen['&stream=1'], seen.whole);
});

test('?url= reads OTLP JSON and Zipkin v2 too, told apart by their first bytes, and draws what the Jaeger JSON draws', async () => {
  // A trace from elsewhere (a lending library traced with OpenTelemetry): 17 spans, 3 services.
  const jaeger = (JSON.parse(readFileSync('test/fixtures/otel-library/basket-mn-plus-one.json', 'utf8')) as { data: JaegerTrace[] })
    .data[0]!;
  const otlp = toOtlpJson(jaeger);
  const sources: [string, string][] = [
    ['jaeger', files.put('basket.jaeger.json', JSON.stringify({ data: [jaeger] }))],
    ['otlp', files.put('basket.otlp.json', JSON.stringify(otlp))],
    // A Collector's file exporter: one request per line.
    ['otlp lines', files.put('basket.otlp.jsonl', `${JSON.stringify(otlp)}\n`)],
    ['zipkin', files.put('basket.zipkin.json', JSON.stringify(toZipkinJson(jaeger)))],
    ['zipkin, read as it arrives', `${files.put('basket.zipkin2.json', JSON.stringify(toZipkinJson(jaeger)))}&stream=1`],
  ];
  const seen: Record<string, { rows: string[]; services: string | undefined; errors: string | undefined }> = {};
  for (const [format, url] of sources) {
    const { page, watch } = await newPage(1920, 1080);
    try {
      await openViewer(page, `${files.url}/viewer.html?url=${url}`);
      await waitForSpans(page, '17');
      await waitFor('every span drawn', async () => (await domRows(page)) === 17);
      seen[format] = {
        rows: await drawnSpans(page),
        services: await headerStat(page, 'Services'),
        errors: await headerStat(page, 'Errors'),
      };
      assert.equal(await statusText(page), '', format);
      if (format === 'otlp') await screenshot(page, 'viewer-url-otlp-1920x1080');
      assert.deepEqual(watch.errors, [], format);
    } finally {
      await page.close();
    }
  }
  assert.equal(seen.jaeger!.services, '3');
  for (const [format] of sources) assert.deepEqual(seen[format], seen.jaeger, format);
  // A broken OTLP file: the converter's reason, in words.
  const { page } = await newPage();
  try {
    const bad = files.put('bad.otlp.json', '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"nothex"}]}]}]}');
    await openViewer(page, `${files.url}/viewer.html?url=${bad}`);
    await waitFor('the bad-OTLP message', async () =>
      /cannot be read \(OTLP JSON: traceId is not 32 hex digits/.test(await statusText(page)),
    );
  } finally {
    await page.close();
  }
});

test('?traceID= of an unknown trace says so plainly (the query API answers 404)', async () => {
  const { page } = await newPage();
  try {
    await openViewer(page, `${deck.url}/viewer.html?traceID=deadbeefdeadbeef`);
    await waitFor('the not-found message', async () => (await statusText(page)).includes('No trace with ID deadbeefdeadbeef was found'));
    assert.equal(await page.locator('.vp-status').getAttribute('role'), 'alert');
    assert.equal(await domRows(page), 0);
  } finally {
    await page.close();
  }
});

test('?traceID= opens a trace that arrived as Thrift at the embedded collector', async () => {
  const fixture = JSON.parse(readFileSync('test/fixtures/jaeger-json/two-services-11-spans.json', 'utf8')) as JaegerTrace;
  const hexOf = idMapper();
  const collector = `http://127.0.0.1:${deck.jaeger.ports.http}/api/traces`;
  for (const b of batchesFromTrace(fixture, hexOf, true)) assert.equal((await postBatch(collector, encodeBinaryBatch(b))).status, 202);
  const traceID = hexOf(fixture.traceID);
  await waitFor('the trace in the query API', async () => (await fetch(`${deck.url}/api/traces/${traceID}`)).status === 200);
  const { page, watch } = await newPage();
  try {
    await openViewer(page, `${deck.url}/viewer.html?traceID=${traceID}`);
    await waitForSpans(page, '11');
    await waitFor('every span drawn', async () => (await domRows(page)) === 11);
    assert.equal(await headerStat(page, 'Services'), '2');
    assert.equal(await headerStat(page, 'Depth'), '4');
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});

test('?traceID= that is not an ID is refused without a request', async () => {
  const { page } = await newPage();
  const asked: string[] = [];
  page.on('request', (r) => asked.push(r.url()));
  try {
    await openViewer(page, `${deck.url}/viewer.html?traceID=${encodeURIComponent('../../etc/passwd')}`);
    await waitFor('the refusal', async () => (await statusText(page)).includes('is not a trace ID'));
    assert.ok(!asked.some((u) => u.includes('/api/traces')), 'no query was sent');
  } finally {
    await page.close();
  }
});

test('a cross-origin ?url= is refused and never fetched', async () => {
  const { page, watch } = await newPage();
  try {
    await openViewer(page, `${files.url}/viewer.html?url=${encodeURIComponent('http://example.com/trace.json')}`);
    await waitFor('the refusal', async () => (await statusText(page)).includes('Refused to open http://example.com/trace.json'));
    assert.deepEqual(watch.external, []);
  } finally {
    await page.close();
  }
});

test('bad JSON and JSON that is not a trace get clear errors', async () => {
  const { page } = await newPage();
  try {
    const bad = files.put('bad.json', '{"data": [ {"traceID": ');
    await openViewer(page, `${files.url}/viewer.html?url=${bad}`);
    await waitFor('the bad-JSON message', async () => (await statusText(page)).includes('is not valid JSON'));
    const notTrace = files.put('not-trace.json', '{"hello": "world"}');
    await openViewer(page, `${files.url}/viewer.html?url=${notTrace}`);
    await waitFor('the not-a-trace message', async () => (await statusText(page)).includes('not a Jaeger trace'));
    const badSpan = files.put(
      'bad-span.json',
      JSON.stringify({ traceID: 'x', spans: [{ spanID: 'a', startTime: 'soon', duration: 1 }], processes: {} }),
    );
    await openViewer(page, `${files.url}/viewer.html?url=${badSpan}`);
    await waitFor('the bad-span message', async () =>
      ((await page.locator('.tv-message').textContent()) ?? '').includes('span #1 (a) has no numeric "startTime"'),
    );
    await openViewer(page, `${files.url}/viewer.html?url=/fixtures/nope.json`);
    await waitFor('the missing-file message', async () => (await statusText(page)).includes('the server answered 404'));
  } finally {
    await page.close();
  }
});

test('an envelope with several traces lets the reader pick one', async () => {
  const { page } = await newPage();
  try {
    const two = JSON.parse(readFileSync('test/fixtures/jaeger-json/two-services-11-spans.json', 'utf8')) as unknown;
    const three = JSON.parse(readFileSync('test/fixtures/jaeger-json/overlapping-children-3-spans.json', 'utf8')) as unknown;
    const url = files.put('several.json', JSON.stringify({ data: [two, three], total: 2, limit: 0, offset: 0, errors: null }));
    await openViewer(page, `${files.url}/viewer.html?url=${url}`);
    await waitForSpans(page, '11');
    assert.equal(await page.locator('.vp-select option').count(), 2);
    assert.ok(await page.locator('.vp-pick').isVisible());
    assert.match(await statusText(page), /holds 2 traces/);
    await page.selectOption('.vp-select', '1');
    await waitForSpans(page, '3');
    await waitFor('three rows', async () => (await domRows(page)) === 3);
  } finally {
    await page.close();
  }
});

test('a picked file and a dropped file both open (bare trace and envelope)', async () => {
  const { page, watch } = await newPage(1024, 768);
  try {
    await openViewer(page, `${files.url}/viewer.html`);
    assert.match((await page.locator('.tv-message').textContent()) ?? '', /drop a Jaeger JSON file/);
    await page.setInputFiles('.vp-file', {
      name: 'lock.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(lockTrace())),
    });
    await waitForSpans(page, '3');
    const envelope = readFileSync('test/fixtures/jaeger-json/two-services-11-spans.json', 'utf8');
    await page.evaluate((text) => {
      const dt = new DataTransfer();
      dt.items.add(
        new File([`{"data":[${text}],"total":1,"limit":0,"offset":0,"errors":null}`], 'dropped.json', { type: 'application/json' }),
      );
      document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, envelope);
    await waitForSpans(page, '11');
    assert.ok(await page.locator('.vp-drop').isHidden(), 'the drop overlay goes away');
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['not json at all'], 'broken.json'));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await waitFor('the bad-file message', async () => (await statusText(page)).includes('The file “broken.json” is not valid JSON'));
    await screenshot(page, 'viewer-bad-file-1024x768');
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});

test('the zoom buttons enlarge rows and text', async () => {
  const { page } = await newPage();
  try {
    await openViewer(page, `${files.url}/viewer.html?url=/fixtures/jaeger-json/two-services-11-spans.json`);
    await waitForSpans(page, '11');
    const measure = () =>
      page.evaluate(() => {
        const row = document.querySelector<HTMLElement>('.tv-row:not([hidden])')!;
        return { font: parseFloat(getComputedStyle(row.querySelector('.tv-op')!).fontSize), height: row.getBoundingClientRect().height };
      });
    const before = await measure();
    assert.ok(before.font >= 16, `row text is ${before.font}px`);
    await page.click('.vp-zoom-in');
    await page.click('.vp-zoom-in');
    await waitFor('bigger rows', async () => (await measure()).height > before.height * 1.4);
    const zoomed = await measure();
    assert.ok(zoomed.font >= before.font * 1.4, `zoomed text ${zoomed.font}px vs ${before.font}px`);
    await page.setViewportSize({ width: 1024, height: 768 });
    await screenshot(page, 'viewer-zoom-1.5-1024x768');
  } finally {
    await page.close();
  }
});
