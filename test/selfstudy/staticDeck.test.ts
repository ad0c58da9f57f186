// The built deck on a plain static host under a sub-path, no API at all: notes by default, recorded traces replayed and marked.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { projectRoot } from '../../server/deckServer.ts';
import type { RecordingManifest } from '../../slides/recordings/manifestTypes.ts';
import { exampleRecording, recordedPairs } from '../../slides/recordings/walkthrough.ts';
import { launchBrowser, screenshot, watchPage } from '../../devkit/browser.ts';
import { waitFor } from '../../devkit/waitFor.ts';

const dist = path.join(projectRoot, 'dist');
const manifest = JSON.parse(readFileSync(path.join(projectRoot, 'slides/recordings/manifest.json'), 'utf8')) as RecordingManifest;
const FULL_HD = { width: 1920, height: 1080 };
const XGA = { width: 1024, height: 768 };
/** The talk's slides, the dives below their parent included. */
const SLIDE_COUNT = 20;

let server: http.Server;
let base: string;
let browser: Browser;
/** Every request the static host answered with an error (a missing asset would be a 404 here). */
const failures: string[] = [];

before(async () => {
  assert.ok(existsSync(path.join(dist, 'index.html')), 'dist/ is built (npm test runs vite build first)');
  const app = express();
  app.use((req, res, next) => {
    res.on('finish', () => {
      if (res.statusCode >= 400) failures.push(`${res.statusCode} ${req.originalUrl}`);
    });
    next();
  });
  // Only files, under a sub-path: any absolute URL or API call the deck makes fails here.
  app.use('/talk', express.static(dist));
  server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/talk/`;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise<void>((r) => server?.close(() => r()));
});

async function openDeck(
  viewport: { width: number; height: number },
  suffix = '',
): Promise<{ page: Page; seen: ReturnType<typeof watchPage> }> {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  await context.addInitScript('globalThis.__name = (f) => f');
  const page = await context.newPage();
  const seen = watchPage(page);
  page.on('response', (r) => {
    if (r.status() >= 400) seen.errors.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(`${base}${suffix}`);
  await page.waitForFunction(() => window.Reveal?.isReady?.() === true);
  return { page, seen };
}

async function goTo(page: Page, id: string): Promise<void> {
  await page.evaluate((slideId) => {
    const at = window.Reveal.getIndices(document.getElementById(slideId)!);
    window.Reveal.slide(at.h, at.v);
  }, id);
  await waitFor(`slide ${id}`, () => page.evaluate((slideId) => window.Reveal.getCurrentSlide().id === slideId, id));
}

const demoHost = 'section#demo [data-live-host]';

for (const viewport of [FULL_HD, XGA]) {
  test(`every slide renders with its notes beside it by default; nothing is missing, nothing leaves the machine (${viewport.width}×${viewport.height})`, async () => {
    const { page, seen } = await openDeck(viewport);
    assert.equal(await page.getAttribute('.notes-toggle', 'aria-pressed'), 'true');
    const ids = await page.evaluate(() => window.Reveal.getSlides().map((s) => s.id));
    assert.equal(ids.length, SLIDE_COUNT);
    for (const id of ids) {
      await goTo(page, id);
      await page.waitForSelector('.reveal.show-notes .speaker-notes', { state: 'visible' });
      const { title, notes } = await page.evaluate(() => ({
        title: window.Reveal.getCurrentSlide().querySelector('h1, h2')?.textContent ?? '',
        notes: document.querySelector('.speaker-notes')?.textContent ?? '',
      }));
      assert.ok(title.trim().length > 0, `slide ${id} has a visible title`);
      assert.ok(notes.trim().length > 40, `slide ${id} shows its notes`);
      await screenshot(page, `selfstudy-${viewport.width}-${String(ids.indexOf(id) + 1).padStart(2, '0')}-${id}`);
    }
    await page.waitForLoadState('networkidle');
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.external, []);
    assert.deepEqual(failures, []);
    await page.context().close();
  });
}

for (const viewport of [FULL_HD, XGA]) {
  test(`the Demo slide replays every recorded before/after pair, marked as a recording (${viewport.width}×${viewport.height})`, async () => {
    const { page, seen } = await openDeck(viewport, '#/demo');
    const banner = page.locator('section#demo .rec-banner');
    await banner.waitFor({ state: 'visible' });
    assert.match(await banner.innerText(), /RECORDING\s+Recorded on \d{1,2} \w+ \d{4} — no live mesh behind this copy\./);
    const pairs = recordedPairs(manifest);
    assert.equal(await page.locator('section#demo .rec-pick').count(), pairs.length);
    for (const [i, pair] of pairs.entries()) {
      if (i > 0) await page.locator(`section#demo .rec-pick[data-pair="${pair.id}"]`).click();
      await page.waitForFunction(
        ({ sel, id }) => {
          const h = document.querySelector<HTMLElement>(sel);
          return h?.dataset.pair === id && h.dataset.recordingState === 'shown';
        },
        { sel: demoHost, id: pair.id },
      );
      const heads = await page.locator('section#demo .tc-side-head').allInnerTexts();
      // The viewers' own headers count the spans they drew: the same as when the trace was recorded.
      assert.match(heads[0]!, new RegExp(`^Before: .* · ${pair.before.spanCount} spans$`));
      assert.match(heads[1]!, new RegExp(`^After: .* · ${pair.after.spanCount} spans$`));
      assert.equal(await page.locator('section#demo .rec-pick[aria-pressed="true"]').getAttribute('data-pair'), pair.id);
      assert.equal(await page.locator('section#demo .rec-walk-title').innerText(), pair.title);
      assert.match(await page.locator('section#demo .rec-walk-text').innerText(), new RegExp(`${pair.before.spanCount} spans`));
      // Where the time went, from the hole finder's diff of this very pair: the plugged hole's finding is gone.
      if (pair.before.holeId)
        assert.match(await page.locator('section#demo .tc-delta-where').innerText(), /^ ?Where it went: \u2212\d+ ms: .+ gone\.$/);
      if (i === 0 || pair.id === 'all' || pair.id === 'n-plus-one')
        await screenshot(page, `selfstudy-demo-${pair.id}-${viewport.width}x${viewport.height}`);
      // Span names in both panes are whole, never cut to stubs (plain JavaScript: tsx helpers are not in the page).
      const cut = (await page.evaluate(
        `[...document.querySelectorAll('section#demo .tc-side')].flatMap((pane) => { const port = pane.querySelector('.tv-viewport').getBoundingClientRect(); return [...pane.querySelectorAll('.tv-row')].filter((r) => { const b = r.getBoundingClientRect(); return b.top >= port.top - 1 && b.bottom <= port.bottom + 1; }).flatMap((r) => [...r.querySelectorAll('.tv-label, .tv-label *')]).filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent); })`,
      )) as string[];
      assert.deepEqual(cut, [], `names cut in the ${pair.id} panes`);
    }
    // The live demo's controls are not offered: nothing here could reach a mesh.
    assert.equal(await page.locator('section#demo .demo-send').count(), 0);
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.external, []);
    await page.context().close();
  });
}

test('"A realistic example", "How Jaeger works" and "From traces to alerts" replay the recording too', async () => {
  const { page, seen } = await openDeck(FULL_HD, '#/realistic-example');
  const example = exampleRecording(manifest)!;
  await page.waitForFunction(
    (n) => document.querySelector<HTMLElement>('section#realistic-example [data-live-host]')?.dataset.spanCount === String(n),
    example.spanCount,
  );
  assert.ok(await page.locator('section#realistic-example .rec-banner').isVisible());
  assert.ok(await page.locator('section#realistic-example .tv-root, section#realistic-example .realistic-viewer').first().isVisible());
  await screenshot(page, 'selfstudy-realistic-1920x1080');

  await goTo(page, 'how-jaeger-works');
  const stored = page.locator('section#how-jaeger-works .pipeline-count[data-stage="store"]');
  await stored.waitFor({ state: 'visible' });
  const spans = manifest.recordings.reduce((n, r) => n + r.spanCount, 0);
  assert.equal(await stored.innerText(), spans.toLocaleString('en'));
  // Each recorded span came in by one door: OTLP (the OpenTelemetry service) and Thrift over HTTP add up to them all.
  const door = async (d: string) =>
    Number((await page.locator(`section#how-jaeger-works .pipeline-count[data-stage="${d}"]`).innerText()).replace(/\D/g, ''));
  assert.equal((await door('otlp')) + (await door('http')), spans);
  assert.ok(await page.locator('section#how-jaeger-works .rec-banner').isVisible());
  await screenshot(page, 'selfstudy-pipeline-1920x1080');

  // The alerts: the recorded findings counted over the recordings, as the server counts recent requests.
  await goTo(page, 'traces-to-alerts');
  const alerts = page.locator('section#traces-to-alerts .alerts-list li');
  await alerts.first().waitFor({ state: 'visible' });
  const { aggregateFindings } = await import('../../analysis/index.ts');
  const recs = manifest.recordings.filter((r) => r.findings);
  const expected = aggregateFindings(recs.map((r) => ({ traceID: r.traceID, findings: r.findings ?? [] })))[0]!.title;
  assert.equal(await alerts.first().innerText(), expected);
  assert.match(expected, new RegExp(`of the last ${recs.length} requests`));
  await screenshot(page, 'selfstudy-alerts-1920x1080');
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(seen.external, []);
  await page.context().close();
});

test('the Notes toggle hides the notes, and the choice survives a reload', async () => {
  const { page } = await openDeck(XGA, '#/spans');
  await page.waitForSelector('.reveal.show-notes .speaker-notes', { state: 'visible' });
  await screenshot(page, 'selfstudy-notes-1024x768');
  await page.click('.notes-toggle');
  await waitFor('notes hidden', () => page.evaluate(() => !document.querySelector('.reveal')!.classList.contains('show-notes')));
  assert.match(page.url(), /showNotes=false/);
  await page.reload();
  await page.waitForFunction(() => window.Reveal?.isReady?.() === true);
  assert.equal(await page.evaluate(() => document.querySelector('.reveal')!.classList.contains('show-notes')), false);
  assert.equal(await page.getAttribute('.notes-toggle', 'aria-pressed'), 'false');
  await page.context().close();
});

test('print view (?print-pdf) of the static copy carries every slide with its notes and prints to PDF', async () => {
  const { page, seen } = await openDeck(FULL_HD, '?print-pdf');
  await waitFor('print layout', () => page.evaluate(() => document.querySelectorAll('.pdf-page section').length === 20), {
    timeoutMs: 20_000,
  });
  // Each slide's page is followed by a page with its notes: the spoken talk travels with the PDF.
  const notesAfter = await page.evaluate(() =>
    [...document.querySelectorAll('.pdf-page')]
      .filter((p) => p.querySelector('section'))
      .map((p) => (p.nextElementSibling?.matches('.speaker-notes-pdf') ? p.nextElementSibling.textContent!.trim().length : 0)),
  );
  assert.equal(notesAfter.length, SLIDE_COUNT);
  for (const [i, n] of notesAfter.entries()) assert.ok(n > 100, `notes after slide ${i + 1}`);
  await screenshot(page, 'selfstudy-print-1920x1080');
  const pdf = await page.pdf({ width: '1280px', height: '720px', printBackground: true });
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.deepEqual(seen.errors, []);
  await page.context().close();
});
