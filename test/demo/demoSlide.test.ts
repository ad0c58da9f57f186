// The live slides in real Chromium against one real deck server, mesh and embedded Jaeger: the Demo slide (room for the trace,
// pinning and the crowd lane, plug proofs, faults, keys, XSS), the realistic trace, the pipeline counts, and a copy with no server.
// Longer than ~300 lines on purpose: every case shares the one deck server, mesh and Chromium started below; a second file would start them all again.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import express from 'express';
import jaeger from 'jaeger-client';
import type { Browser, Page } from 'playwright-core';
import type { JaegerTrace } from '../../model/jaegerJson.ts';
import type { RecordingManifest } from '../../slides/recordings/manifestTypes.ts';
import type { HolePattern } from '../../model/holes.ts';
import { testConfig } from '../../server/config.ts';
import { projectRoot, startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../pkg/index.ts';
import { scriptOrder } from '../../slides/live/demoScript.ts';
import { traceDurationMs } from '../../model/traceFacts.ts';
import { launchBrowser, screenshot, testOutputDir, watchPage } from '../../devkit/browser.ts';
import { waitFor } from '../../devkit/waitFor.ts';

const log = createLog('test', 'silent');
const TOKEN = 'test-presenter-token';
let server: DeckServer;
let browser: Browser;

before(async () => {
  server = await startDeckServer(testConfig(), { log });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function openDemo(
  query = '',
  viewport = { width: 1920, height: 1080 },
): Promise<{ page: Page; watch: ReturnType<typeof watchPage> }> {
  const page = await browser.newPage({ viewport });
  const watch = watchPage(page);
  page.on('dialog', (d) => {
    watch.errors.push(`dialog opened: ${d.message()}`);
    void d.dismiss();
  });
  await page.goto(`${server.url}/${query}#/demo`);
  await page.waitForSelector('[data-live-host] .demo-slide');
  await page.waitForFunction(() => {
    const host = document.querySelector<HTMLElement>('[data-demo-state]');
    return host?.dataset.mesh === 'up' && host.dataset.stream === 'open';
  });
  return { page, watch };
}

const hostData = (page: Page) => page.evaluate(() => ({ ...document.querySelector<HTMLElement>('[data-demo-state]')!.dataset }));

async function fetchTrace(traceID: string): Promise<JaegerTrace> {
  const res = await fetch(`${server.url}/api/traces/${traceID}`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { data: JaegerTrace[] }).data[0]!;
}

/** Clicks "Send a request" and returns the trace id the server answered with, once that trace is drawn. */
async function sendAndWait(page: Page): Promise<string> {
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/demo/requests') && r.request().method() === 'POST');
  await page.click('.demo-send');
  const res = await answered;
  const [result] = (await res.json()) as { traceID: string }[];
  await page.waitForFunction((id) => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.traceId === id, result!.traceID, {
    timeout: 15_000,
  });
  return result!.traceID;
}

interface StageMeasure {
  rows: number;
  smallest: number;
  smallestWhat: string;
  cut: string[];
  wrapped: string[];
  findings: number;
  viewerTraceId: string;
  headerId: string;
}

/**
 * What a person sees of the Demo slide: rows wholly in view, the smallest text on screen, span names
 * cut short, buttons wrapped. Plain JavaScript text: tsx would wrap named functions in a helper the page lacks.
 */
const MEASURE_STAGE = `(() => {
  const slides = document.querySelector('.reveal .slides');
  const scale = slides.getBoundingClientRect().width / slides.offsetWidth;
  const port = document.querySelector('.demo-viewer .tv-viewport').getBoundingClientRect();
  const rows = [...document.querySelectorAll('.demo-viewer .tv-row')].filter((r) => {
    const b = r.getBoundingClientRect();
    return b.top >= port.top - 1 && b.bottom <= port.bottom + 1;
  });
  let smallest = Infinity, smallestWhat = '';
  for (const e of document.querySelectorAll('.demo-slide *')) {
    const text = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const box = e.getBoundingClientRect();
    if (!text || box.width === 0 || box.height === 0 || e.closest('[hidden], svg, .join-panel')) continue;
    const px = parseFloat(getComputedStyle(e).fontSize) * scale;
    if (px < smallest) { smallest = px; smallestWhat = e.className + ': ' + e.textContent.slice(0, 30); }
  }
  const cut = rows.flatMap((r) => [...r.querySelectorAll('.tv-label, .tv-label *')]).filter((l) => l.scrollWidth > l.clientWidth + 1).map((l) => l.textContent);
  const wrapped = [...document.querySelectorAll('.demo-hole, .demo-bar > button')]
    .filter((e) => e.getBoundingClientRect().height > 0 && e.getBoundingClientRect().height > parseFloat(getComputedStyle(e).fontSize) * scale * 2.4)
    .map((e) => e.textContent);
  const tv = document.querySelector('.demo-viewer .tv');
  return {
    rows: rows.length, smallest, smallestWhat, cut, wrapped,
    findings: [...document.querySelectorAll('.demo-viewer .tv-finding')].filter((li) => li.getBoundingClientRect().height > 0).length,
    viewerTraceId: tv.dataset.traceId,
    headerId: (document.querySelector('.demo-viewer .tv-trace-id') || {}).textContent || '',
  };
})()`;

const measureStage = (page: Page) => page.evaluate(MEASURE_STAGE) as Promise<StageMeasure>;

test('the presenter view: a click draws its trace pinned, with its id, room for ≥ 12 rows at 1920×1080 and ≥ 8 at 1024×768, text ≥ 16 px', async () => {
  const { page, watch } = await openDemo(`?token=${TOKEN}`);
  await page.locator('.demo-guide').waitFor();
  const traceID = await sendAndWait(page);
  await waitFor(
    'the trace to stop growing',
    async () => (await hostData(page)).spanCount === String((await fetchTrace(traceID)).spans.length),
    {
      timeoutMs: 10_000,
      intervalMs: 300,
    },
  );
  assert.equal((await hostData(page)).pinned, 'true');
  assert.match(await page.locator('.demo-status').innerText(), /Your request — pinned/);
  const big = await measureStage(page);
  await screenshot(page, 'demo-presenter-1920x1080');
  assert.equal(big.viewerTraceId, traceID, 'the viewer element carries the whole trace id');
  assert.ok(big.headerId.includes(traceID.slice(0, 8)), `the header shows the id: ${big.headerId}`);
  assert.ok(big.rows >= 12, `rows in view at 1920×1080: ${big.rows}`);
  assert.ok(big.findings >= 1, 'the hole finder’s findings are on screen');
  assert.ok(big.smallest >= 16, `smallest text ${big.smallest.toFixed(1)} px (${big.smallestWhat})`);
  assert.deepEqual(big.cut, [], 'no span name cut');
  assert.deepEqual(big.wrapped, [], 'no switch or button wraps');
  await page.setViewportSize({ width: 1024, height: 768 });
  await waitFor('the zoom to fit the smaller screen', async () => (await measureStage(page)).smallest >= 16, { timeoutMs: 5_000 });
  const small = await measureStage(page);
  await screenshot(page, 'demo-presenter-1024x768');
  assert.ok(small.rows >= 8, `rows in view at 1024×768: ${small.rows}`);
  assert.deepEqual(small.cut, [], 'no span name cut');
  assert.deepEqual(small.wrapped, []);
  assert.deepEqual(watch.errors, []);
  assert.deepEqual(watch.external, []);
  await page.close();
});

/** Sends requests as an attendee would from /join (no token, an attendee id and name). */
async function attendeeRequests(name: string, count: number): Promise<{ traceID: string; durationMs: number }[]> {
  const res = await fetch(`${server.url}/api/demo/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'x-attendee-id': `test-${name}-0001`, 'x-attendee-name': name },
    body: JSON.stringify({ kind: 'normal', count }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { traceID: string; durationMs: number }[];
}

test('the pinned trace and its open span survive 10 attendee traces; each lands in the crowd lane with its final duration, openable with a click', async () => {
  const { page, watch } = await openDemo(`?token=${TOKEN}`);
  const mine = await sendAndWait(page);
  await page.locator('.demo-viewer .tv-row').nth(1).click();
  await page.locator('.demo-viewer .tv-details:not([hidden])').waitFor();
  // Every trace id the stage ever shows from now on, and any closing of the details pane.
  await page.evaluate(() => {
    const host = document.querySelector<HTMLElement>('[data-demo-state]')!;
    const w = window as unknown as { shownIds: string[]; detailsClosed: number };
    w.shownIds = [];
    w.detailsClosed = 0;
    new MutationObserver(() => {
      w.shownIds.push(host.dataset.traceId ?? '');
      if (document.querySelector('.demo-viewer .tv-details')?.hasAttribute('hidden')) w.detailsClosed++;
    }).observe(host, { attributes: true, subtree: true, attributeFilter: ['data-trace-id', 'hidden'] });
  });
  const sent = [...(await attendeeRequests('Ada', 5)), ...(await attendeeRequests('Grace', 5))];
  await waitFor('all 10 attendee requests charted', async () => (await page.locator('.crowd-chart [data-origin="crowd"]').count()) >= 10, {
    timeoutMs: 20_000,
    intervalMs: 200,
  });
  const seen = await page.evaluate(() => {
    const w = window as unknown as { shownIds: string[]; detailsClosed: number };
    return { shownIds: w.shownIds, detailsClosed: w.detailsClosed };
  });
  assert.ok(
    seen.shownIds.every((id) => id === mine),
    `the stage kept the presenter's trace: ${JSON.stringify(seen.shownIds)}`,
  );
  assert.equal(seen.detailsClosed, 0, 'the open span stayed open');
  // Each attendee point is that request's final duration: the duration of its whole stored trace.
  for (const r of sent.slice(0, 3)) {
    const stored = traceDurationMs(await fetchTrace(r.traceID));
    const charted = Number(await page.locator(`.crowd-chart [data-trace-id="${r.traceID}"]`).getAttribute('data-ms'));
    assert.ok(Math.abs(charted - stored) < 0.01, `trace ${r.traceID}: charted ${charted} ms, stored trace ${stored} ms`);
  }
  assert.match(await page.locator('.crowd-counts').innerText(), /10 requests/);
  await screenshot(page, 'demo-crowd-lane-1920x1080');
  const item = page.locator('.crowd-item').first();
  const opened = (await item.getAttribute('data-open-trace'))!;
  await item.click();
  await page.waitForFunction((id) => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.traceId === id, opened);
  assert.match(await page.locator('.demo-status').innerText(), /opened from the audience lane/);
  // A point on the chart opens its trace too.
  const point = page.locator(`.crowd-chart [data-origin="crowd"]:not([data-trace-id="${opened}"])`).first();
  const pointId = (await point.getAttribute('data-trace-id'))!;
  await point.dispatchEvent('click');
  await page.waitForFunction((id) => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.traceId === id, pointId);
  assert.deepEqual(watch.errors, []);
  await page.close();
});

/** Each compare pane's highlighted rows wholly inside its viewport, and the label beside them. Plain JavaScript text (see MEASURE_STAGE). */
const FOCUS_IN_VIEW = `[...document.querySelectorAll('.demo-compare .tc-side')].map((pane) => {
  const port = pane.querySelector('.tv-viewport').getBoundingClientRect();
  const marked = [...pane.querySelectorAll('.tv-row-marked')].map((r) => r.getBoundingClientRect()).filter((b) => b.height > 0);
  const label = pane.querySelector('.tc-side-focus');
  return {
    marked: marked.length,
    inView: marked.filter((b) => b.top >= port.top - 1 && b.bottom <= port.bottom + 1).length,
    label: label && !label.hidden ? label.textContent : '',
    labelCut: label ? label.scrollWidth > label.clientWidth + 1 || label.getBoundingClientRect().bottom > port.top + 1 : true,
  };
})`;

/** The findings band: each of the top two findings wholly inside the band, no title cut. Plain JavaScript text (see MEASURE_STAGE). */
const BAND_TOP_TWO = `(() => {
  const band = document.querySelector('.demo-viewer .tv-findings');
  const box = band.getBoundingClientRect();
  return [...band.querySelectorAll('.tv-finding')].slice(0, 2).map((li) => {
    const b = li.getBoundingClientRect();
    const title = li.querySelector('.tv-finding-title');
    return { text: li.textContent, whole: b.top >= box.top - 1 && b.bottom <= box.bottom + 1, cut: title.scrollWidth > title.clientWidth + 1 };
  });
})()`;

test('the findings band shows the top two findings whole at 1920×1080, 1280×720 and 1024×768', async () => {
  const { page, watch } = await openDemo(`?token=${TOKEN}`);
  // A slow order with every hole open: several findings, long titles.
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/demo/requests') && r.request().method() === 'POST');
  await page.click('.guide-send');
  const [result] = (await (await answered).json()) as { traceID: string }[];
  await page.waitForFunction((id) => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.traceId === id, result!.traceID, {
    timeout: 15_000,
  });
  await waitFor('at least two findings', async () => (await page.locator('.demo-viewer .tv-finding').count()) >= 2, { timeoutMs: 15_000 });
  // The last size twice more with the presenter zoom up: the titles wrap onto a second line, the band grows with them.
  for (const [size, zoomIns] of [
    [{ width: 1920, height: 1080 }, 0],
    [{ width: 1280, height: 720 }, 0],
    [{ width: 1024, height: 768 }, 0],
    [{ width: 1024, height: 768 }, 2],
  ] as const) {
    await page.setViewportSize(size);
    for (let i = 0; i < zoomIns; i++) await page.click('.demo-zoom-in');
    const top = await waitFor(
      `both top findings whole at ${size.width}×${size.height}`,
      async () => {
        const t = (await page.evaluate(BAND_TOP_TWO)) as { text: string; whole: boolean; cut: boolean }[];
        return t.length === 2 && t.every((x) => x.whole && !x.cut) ? t : undefined;
      },
      { timeoutMs: 5_000 },
    ).catch(async (e: unknown) => {
      await screenshot(page, `demo-findings-band-${size.width}x${size.height}-zoom${zoomIns}-failed`);
      throw new Error(`${String(e)}: ${JSON.stringify(await page.evaluate(BAND_TOP_TWO))}`);
    });
    assert.equal(top.length, 2);
    await screenshot(page, `demo-findings-band-${size.width}x${size.height}${zoomIns ? '-zoomed' : ''}`);
  }
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test('plugging each hole in turn after warm-up: every proof reads as an improvement or an honest "no measurable difference", its finding in view in both panes', async () => {
  const { page, watch } = await openDemo(`?token=${TOKEN}`);
  const report: string[] = [];
  const sizes = [
    { width: 1920, height: 1080 },
    { width: 1024, height: 768 },
  ];
  try {
    await sendAndWait(page); // warm-up traffic: the mesh's first request pays for its connections
    for (const [step, id] of scriptOrder.entries()) {
      // Both sizes the issue names, each proof opened at its size (a projector, a small beamer).
      const size = sizes[step % sizes.length]!;
      await page.setViewportSize(size);
      await page.click(`.demo-hole[data-hole="${id}"]`);
      await page.waitForFunction(
        (h) =>
          document.querySelector<HTMLElement>('.demo-compare:not([hidden])')?.dataset.hole === h ||
          document.querySelector('.demo-holes-problem')?.textContent,
        id,
        { timeout: 60_000 },
      );
      assert.equal(await page.locator('.demo-holes-problem').innerText(), '', `the ${id} proof ran to the end`);
      const verdict = await page.locator('.demo-compare').getAttribute('data-verdict');
      const text = (await page.locator('.demo-compare .proof-verdict').innerText()).replace(/\s*\n+\s*/g, ' | ');
      report.push(`${id}: ${text}`);
      assert.ok(verdict === 'faster' || verdict === 'same', verdict ?? '');
      assert.match(text, verdict === 'faster' ? /→ .* less time/ : /no measurable difference.*send that, then switch again/);
      assert.doesNotMatch(text, /slower|more time/, 'a plug is never announced as a slowdown');
      assert.equal(await page.locator(`.demo-hole[data-hole="${id}"]`).getAttribute('aria-checked'), 'true');
      if (/Gone:/.test(text)) {
        // The payoff in view: the finding's rows (before) and the same place (after), highlighted, on screen, named beside them.
        type Pane = { marked: number; inView: number; label: string; labelCut: boolean };
        // The panes scroll on the frame after they open, and their rows slide in for 0.35 s: wait for the rows to rest in view.
        const panes = await waitFor(
          `${id}: the finding's rows in view in both panes`,
          async () => {
            const p = (await page.evaluate(FOCUS_IN_VIEW)) as Pane[];
            return p.length === 2 && p.every((x) => x.inView >= 1 && x.label) ? p : undefined;
          },
          { timeoutMs: 3_000 },
        ).catch(async () => (await page.evaluate(FOCUS_IN_VIEW)) as Pane[]);
        report.push(`  focus at ${size.width}×${size.height}: ${JSON.stringify(panes)}`);
        assert.equal(panes.length, 2);
        for (const [k, p] of panes.entries()) {
          assert.ok(
            p.inView >= 1,
            `${id} at ${size.width}×${size.height}: pane ${k} shows highlighted rows on screen: ${JSON.stringify(p)}`,
          );
          assert.ok(p.label.length > 0 && !p.labelCut, `${id}: pane ${k} names what is highlighted, whole: ${JSON.stringify(p)}`);
        }
        assert.match(panes[0]!.label, /\d ms/, 'the before pane gives the finding with its cost');
        // The time axis of each pane: the tick labels shown stand apart (the end label is right-aligned).
        const ticks = (await page.evaluate(
          `[...document.querySelectorAll('.demo-compare .tv-axis')].map((axis) => [...axis.querySelectorAll('.tv-tick')].filter((t) => t.offsetParent).map((t) => { const b = t.getBoundingClientRect(); return [b.left, b.right, t.textContent]; }))`,
        )) as [number, number, string][][];
        for (const axis of ticks)
          for (let k = 1; k < axis.length; k++)
            assert.ok(
              axis[k - 1]![1] <= axis[k]![0],
              `${id} at ${size.width}×${size.height}: tick labels overlap: ${JSON.stringify(axis)}`,
            );
      }
      await screenshot(page, `demo-proof-${id}-${size.width}x${size.height}`);
    }
    // The chart marks each switch with a labelled line.
    await page.click('.demo-compare-close');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await waitFor('five labelled switch lines', async () => (await page.locator('.crowd-chart .lp-switch').count()) === scriptOrder.length);
    // Every switch is named by some label, and no two labels overlap. The chart redraws on a frame after
    // its lane comes back: wait for that layout (labels with a size, apart), then judge what it drew.
    type Box = { text: string; x: number; y: number; w: number; h: number };
    const apart = (a: Box, b: Box) => a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
    const readLabels = async () =>
      (await page.evaluate(
        `[...document.querySelectorAll('.crowd-chart .lp-switch-text')].map((t) => { const b = t.getBBox(); return { text: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height }; })`,
      )) as Box[];
    const labels = await waitFor(
      'the switch labels laid out apart',
      async () => {
        const ls = await readLabels();
        return ls.length >= 1 && ls.every((l) => l.w > 0) && ls.every((a, i) => ls.slice(i + 1).every((b) => apart(a, b))) && ls;
      },
      { timeoutMs: 5_000 },
    ).catch(readLabels);
    assert.ok(labels.length >= 1);
    for (const [i, a] of labels.entries())
      for (const b of labels.slice(i + 1)) assert.ok(apart(a, b), `labels overlap: "${a.text}" and "${b.text}"`);
    await screenshot(page, 'demo-chart-switches-1920x1080');
  } finally {
    writeFileSync(path.join(testOutputDir, 'demo-proofs.txt'), `${report.join('\n')}\n`);
    for (const h of scriptOrder) await server.mesh!.setHole(h, false);
  }
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test('leaving the slide keeps the story for the way back; the speaker view’s copy says the demo runs in the main window', async () => {
  const { page } = await openDemo();
  const traceID = await sendAndWait(page);
  await waitFor('the answer charted', async () => (await page.locator(`.crowd-chart [data-trace-id="${traceID}"]`).count()) === 1);
  await page.evaluate(() => window.Reveal.next());
  await waitFor('the demo to unmount', () => page.evaluate(() => document.querySelector('.demo-slide') === null), { timeoutMs: 20_000 });
  await page.evaluate(() => window.Reveal.prev());
  await page.waitForFunction((id) => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.traceId === id, traceID);
  await waitFor(
    'the chart to show the kept request again',
    async () => (await page.locator(`.crowd-chart [data-trace-id="${traceID}"]`).count()) === 1,
  );
  await page.close();
  const receiver = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  const requests: string[] = [];
  receiver.on('request', (r) => requests.push(r.url()));
  await receiver.goto(`${server.url}/?receiver#/demo`);
  await receiver.waitForFunction(() => window.Reveal?.isReady());
  assert.equal(await receiver.locator('.demo-slide').count(), 0);
  assert.match(await receiver.locator('#demo .live-receiver-note').innerText(), /runs in the main window/);
  assert.ok(!requests.some((u) => u.includes('/api/live') || u.includes('/healthz')), 'the copy makes no demo calls');
  await screenshot(receiver, 'demo-speaker-view-copy');
  await receiver.close();
});

/** Plain JavaScript text (tsx would wrap named functions in a helper the page lacks): records each status line with the mesh state beside it. */
const WATCH_MESH_STATUS = `(() => {
  const host = document.querySelector('[data-demo-state]');
  const status = document.querySelector('.demo-status');
  const seen = (window.meshStatusSeen = []);
  const note = () => seen.push({ text: status.textContent, mesh: host.dataset.mesh });
  new MutationObserver(note).observe(host, { attributes: true, attributeFilter: ['data-mesh'] });
  new MutationObserver(note).observe(status, { childList: true, characterData: true, subtree: true });
})()`;
const MESH_TROUBLE_SEEN = `window.meshStatusSeen.some((s) => /Mesh trouble: .*payments/.test(s.text) && s.mesh === 'down')`;

test('a hung downstream service is named on the slide, a request that fails because of it says so and shows where; a killed one is named at once', async () => {
  const { page, watch } = await openDemo();
  const payments = () => server.mesh!.processes().find((p) => p.name === 'payments');
  const pid = payments()?.pid;
  assert.ok(pid);
  // The supervisor replaces a hung service within seconds, so the slide's "down" may come and go while the
  // failed request is still being drawn: note every status the slide shows, then look for it.
  await page.evaluate(WATCH_MESH_STATUS);
  process.kill(pid, 'SIGSTOP');
  try {
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/demo/requests'));
    await page.click('.demo-send');
    const [result] = (await (await answered).json()) as { traceID: string; status: number; error?: string }[];
    assert.ok(result!.status >= 500, `the order failed: ${JSON.stringify(result)}`);
    await page.waitForFunction((id) => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.traceId === id, result!.traceID, {
      timeout: 15_000,
    });
    await waitFor('the failure in words', async () => /failed/.test(await page.locator('.demo-status').innerText()));
    assert.match(await page.locator('.demo-status').innerText(), /payments/);
    assert.ok(await page.locator('.demo-viewer .tv-details:not([hidden])').count(), 'the failing span is opened');
    assert.match(await page.locator('.demo-viewer .tv-details').innerText(), /payments|charge/);
    await screenshot(page, 'demo-failed-request-1920x1080');
    await waitFor('the hang named', () => page.evaluate(MESH_TROUBLE_SEEN), { timeoutMs: 10_000 });
  } finally {
    // The supervisor may already have replaced the hung process.
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // gone: nothing to resume
    }
  }
  await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.mesh === 'up', undefined, {
    timeout: 30_000,
  });
  // Named from the services' pushed event, not found by the next /healthz poll (every 2 s without them).
  const healthPolls: number[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/healthz') healthPolls.push(Date.now());
  });
  const killedAt = Date.now();
  process.kill(payments()!.pid!, 'SIGKILL');
  // The status line still tells of the failed request above: wait for the mesh's own words.
  await page.waitForFunction(() => /Mesh trouble: .*payments/.test(document.querySelector('.demo-status')?.textContent ?? ''), undefined, {
    timeout: 5_000,
    polling: 50,
  });
  const namedAt = Date.now();
  await screenshot(page, 'demo-service-down-1920x1080');
  console.log(`# payments named on the slide ${namedAt - killedAt} ms after SIGKILL`);
  const polled = healthPolls.filter((t) => t >= killedAt && t <= namedAt).length;
  assert.equal(polled, 0, `named without a /healthz poll (${polled} between the kill and the name, ${namedAt - killedAt} ms)`);
  await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.mesh === 'up', undefined, {
    timeout: 30_000,
  });
  assert.deepEqual(
    watch.errors.filter((e) => !/Failed to load resource/.test(e)),
    [],
  );
  await page.close();
});

/** Sends one span through jaeger-client (its own tracer, real Thrift over HTTP) to the embedded collector. */
async function sendProbeSpan(payload: string): Promise<string> {
  const tracer = jaeger.initTracer(
    {
      serviceName: 'xss-probe',
      sampler: { type: 'const', param: 1 },
      reporter: { collectorEndpoint: `http://127.0.0.1:${server.jaeger.ports.http}/api/traces`, flushIntervalMs: 50 },
    },
    {},
  );
  const span = tracer.startSpan(payload);
  span.setTag('payload', payload);
  span.setTag('baggage.attendee-name', payload);
  span.log({ event: payload, note: 'logged field' });
  span.finish();
  // jaeger-client drops the id's leading zeros; Jaeger and the slide write all 16 digits.
  const traceID = (span.context() as unknown as { toTraceId(): string }).toTraceId().padStart(16, '0');
  await new Promise<void>((resolve) => tracer.close(() => resolve()));
  return traceID;
}

test('Space on a focused button presses it instead of turning the slide', async () => {
  const { page } = await openDemo();
  await page.focus('.demo-send');
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/demo/requests'));
  await page.keyboard.press('Space');
  await answered;
  assert.equal(await page.evaluate(() => window.Reveal.getCurrentSlide()?.id), 'demo');
  // A presenter's clicker (PageDown) still moves on, even with focus inside the demo.
  await page.focus('.demo-zoom-in');
  await page.keyboard.press('PageDown');
  await waitFor('the next slide', () => page.evaluate(() => window.Reveal.getCurrentSlide()?.id !== 'demo'));
  await page.close();
});

test('a switch the server refuses stays where it was and says why', async () => {
  const { page } = await openDemo('?token=not-the-token');
  const hole = page.locator('.demo-hole[data-hole="lock-contention"]');
  await hole.click();
  await page.waitForSelector('.demo-holes-problem:not(:empty)');
  assert.match(await page.locator('.demo-holes-problem').innerText(), /presenter token/);
  assert.equal(await hole.getAttribute('aria-checked'), 'false');
  assert.equal(server.mesh!.holes().find((h) => h.id === 'lock-contention')?.plugged, false);
  await page.close();
});

test("an attendee's trace appears by itself; span details show tags and logs, and markup in a span stays text", async () => {
  const { page, watch } = await openDemo();
  const payload = '<img src=x onerror=alert(1)>';
  const traceID = await sendProbeSpan(payload);
  await page.waitForFunction((id) => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.traceId === id, traceID, {
    timeout: 15_000,
  });
  assert.ok((await page.locator('.demo-status').innerText()).includes(`From ${payload}`), 'the attendee tag names the sender, as text');
  await page.locator('.demo-viewer .tv-row', { hasText: payload }).first().click();
  const details = page.locator('.demo-viewer .tv-details');
  await details.waitFor();
  const text = await details.innerText();
  assert.ok(text.includes('payload'), 'tag key shown');
  assert.ok(text.includes(payload), 'tag value shown as the characters it is');
  assert.ok(text.includes('logged field'), 'log fields shown');
  assert.equal(await page.locator('.demo-slide img').count(), 0, 'no element was made from the payload');
  await screenshot(page, 'demo-span-details-xss');
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test('with the mesh switched off the slide says so plainly, its buttons rest, and nothing throws', async () => {
  const off = await startDeckServer(testConfig({ meshEnabled: false }), { log });
  const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  const watch = watchPage(page);
  try {
    await page.goto(`${off.url}/#/demo`);
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.mesh === 'offline');
    assert.match(await page.locator('.demo-status').innerText(), /live demo isn't running.*MESH=off/);
    assert.ok(await page.locator('.demo-send').isDisabled());
    assert.ok(await page.locator('.demo-burst').isDisabled());
    await screenshot(page, 'demo-mesh-off-1024x768');
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
    await off.close();
  }
});

test('the guide\'s "Send it" sends its step\'s whole pattern to the server, as its text says', async () => {
  const { page, watch } = await openDemo(`?token=${TOKEN}`);
  const guide = page.locator('.demo-guide');
  await guide.waitFor();
  const hole = (await guide.getAttribute('data-hole'))!;
  const { holeCatalog } = await import('../../model/holes.ts');
  const { requestPatternWords } = await import('../../slides/live/holePattern.ts');
  const p: HolePattern = holeCatalog.find((h) => h.id === hole)!.pattern;
  assert.ok((await guide.innerText()).includes(requestPatternWords(p)), 'the guide names the pattern');
  const bodies: { kind: string; count: number }[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/demo/requests') && r.method() === 'POST')
      bodies.push(JSON.parse(r.postData() ?? '{}') as { kind: string; count: number });
  });
  await page.locator('.guide-send').click();
  const calls = p.warmup.length + (p.lead ? 2 : p.concurrent ? 1 : p.count);
  await waitFor(`the ${calls} calls of the pattern`, () => bodies.length >= calls, { timeoutMs: 30_000 });
  const judged =
    p.lead || p.concurrent ? [{ kind: p.kind, count: p.count }] : Array.from({ length: p.count }, () => ({ kind: p.kind, count: 1 }));
  assert.deepEqual(bodies, [...p.warmup, ...(p.lead ? [{ kind: p.lead.kind, count: p.lead.count }] : []), ...judged]);
  await waitFor(
    'the trace of the press drawn',
    () => page.evaluate(() => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.pinned === 'true'),
    { timeoutMs: 30_000 },
  );
  await screenshot(page, 'demo-guide-sent-1920x1080');
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test('"A realistic example" draws the recorded trace its notes quote, on the live deck too, and sends nothing', async () => {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const watch = watchPage(page);
  const sent: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/demo/requests')) sent.push(r.url());
  });
  await page.goto(`${server.url}/?token=test-presenter-token#/realistic-example`);
  const manifest = JSON.parse(readFileSync(path.join(projectRoot, 'slides/recordings/manifest.json'), 'utf8')) as RecordingManifest;
  const example = manifest.recordings.find((r) => r.role === 'example')!;
  await page.waitForFunction(
    (id) => document.querySelector<HTMLElement>('section#realistic-example [data-live-host]')?.dataset.traceId === id,
    example.traceID,
    { timeout: 30_000 },
  );
  const host = page.locator('section#realistic-example [data-live-host]');
  assert.equal(await host.getAttribute('data-span-count'), String(example.spanCount));
  assert.ok(await page.locator('section#realistic-example .rec-banner').isVisible(), 'marked as a recording');
  assert.deepEqual(sent, [], 'the slide sends no request of its own');
  await screenshot(page, 'realistic-trace-1920x1080');
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test('"From traces to alerts" counts the hole finder\'s findings over the demo\'s recent requests, live', async () => {
  const answer = await fetch(`${server.url}/api/demo/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer test-presenter-token' },
    body: JSON.stringify({ kind: 'slow', count: 2 }),
  });
  assert.equal(answer.status, 200);
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const watch = watchPage(page);
  await page.goto(`${server.url}/?token=test-presenter-token#/traces-to-alerts`);
  await page.waitForSelector('[data-alerts="live"]', { timeout: 15_000 });
  // The same lines the server's aggregate gives: the slide adds nothing of its own.
  await waitFor('an alert line from the aggregate', async () => {
    const lines = await page.locator('section#traces-to-alerts .alerts-list li').allInnerTexts();
    const body = (await (await fetch(`${server.url}/api/findings?lookback=15m`)).json()) as { data: { title: string }[] };
    return body.data.length > 0 && lines.length > 0 && body.data.slice(0, lines.length).every((a, i) => a.title === lines[i]);
  });
  await screenshot(page, 'alerts-live-1920x1080');
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test('"How Jaeger works" counts spans through each stage live while shown, and stops polling when left', async () => {
  const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  const watch = watchPage(page);
  const polls: number[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/collector/stats')) polls.push(Date.now());
  });
  await page.goto(`${server.url}/#/how-jaeger-works`);
  await page.waitForSelector('[data-pipeline="live"]');
  const storedNow = async () => Number((await page.locator('.pipeline-count[data-stage="store"]').innerText()).replace(/\D/g, ''));
  const before = await storedNow();
  const answer = await fetch(`${server.url}/api/demo/requests`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: 'Bearer test-presenter-token' },
    body: JSON.stringify({ kind: 'normal', count: 2 }),
  });
  assert.equal(answer.status, 200);
  await page.waitForFunction(
    (n) => Number(document.querySelector('.pipeline-count[data-stage="store"]')!.textContent!.replace(/\D/g, '')) >= n,
    before + 20,
    { timeout: 15_000 },
  );
  assert.ok(Number((await page.locator('.pipeline-count[data-stage="collector"]').innerText()).replace(/\D/g, '')) >= before + 20);
  await screenshot(page, 'pipeline-counts-1024x768');
  await page.evaluate(() => window.Reveal.next());
  await page.waitForFunction(() => !document.querySelector('.pipeline-counts'));
  const left = polls.length;
  // Two poll periods with the slide gone: nothing more may be asked. An absence has no condition to wait
  // on, so this is a window watched, not a sleep before a read.
  await page.waitForTimeout(2_200);
  assert.ok(polls.length <= left + 1, `polling stopped after leaving (${polls.length - left} more)`);
  assert.deepEqual(watch.errors, []);
  await page.close();
});

test('a copy of the deck with no server behind it says plainly that it replays a recording, and calls no API', async () => {
  // A plain static host: no live-server mark in the page, no API.
  const app = express();
  app.use(express.static(path.join(projectRoot, 'dist')));
  const staticServer = http.createServer(app);
  await new Promise<void>((r) => staticServer.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(staticServer.address() as AddressInfo).port}`;
  const page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
  const watch = watchPage(page);
  const apiCalls: string[] = [];
  page.on('request', (r) => {
    if (/\/api\/|\/healthz/.test(r.url())) apiCalls.push(r.url());
  });
  try {
    for (const slide of ['how-jaeger-works', 'demo']) {
      await page.goto(`${url}/#/${slide}`);
      await page.waitForFunction(() => window.Reveal?.isReady());
      // The self-study replay (slides/live/recordingPanel.ts) stands in for the live part; test/selfstudy covers it in depth.
      await page.waitForSelector(`section#${slide} .rec-banner`);
      assert.match(await page.locator(`section#${slide} .rec-banner`).innerText(), /no live mesh behind this copy/);
    }
    await page.waitForFunction(() => getComputedStyle(document.querySelector('section#demo')!).opacity === '1');
    await screenshot(page, 'demo-offline-1024x768');
    // Over the picture, the recorded trace takes its place once drawn.
    await page.goto(`${url}/#/realistic-example`);
    await page.waitForSelector('section#realistic-example [data-live-host][data-trace-id] .rec-banner');
    assert.deepEqual(apiCalls, [], 'no calls to an API that is not there');
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
    staticServer.close();
  }
});
