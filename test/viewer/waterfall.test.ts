// The viewer's behaviour in headless Chromium: collapse/expand, details, text-only rendering, 100k spans, legibility.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { diffTraces } from '../../analysis/index.ts';
import { screenshot } from '../../devkit/browser.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { lockTrace, markupTrace, XSS } from './traces.ts';
import { domRows, drawnSpans, headerStat, openViewer, waitForSpans } from './viewerPage.ts';
import { TWO, viewerSuite } from './viewerSuite.ts';

const suite = viewerSuite(1280, 800);
const open = suite.open;

test('collapse and expand by click and by keyboard change the open rows', async () => {
  const { page, watch } = await open(TWO);
  try {
    await waitForSpans(page, '11');
    const openRows = () => page.evaluate(() => window.viewerPage.viewer.openRowCount());
    // op3 (span-3) has two descendants: op1 and op2 of service2.
    const op3 = page.locator('.tv-row:not([hidden])', { has: page.locator('.tv-op', { hasText: /^op3$/ }) }).first();
    assert.equal(await op3.getAttribute('aria-expanded'), 'true');
    await op3.locator('.tv-toggle').click();
    await waitFor('op3 subtree hidden', async () => (await domRows(page)) === 9);
    assert.equal(await openRows(), 9);
    assert.equal(await op3.getAttribute('aria-expanded'), 'false');
    await op3.locator('.tv-toggle').click();
    await waitFor('op3 subtree back', async () => (await domRows(page)) === 11);
    assert.deepEqual(await drawnSpans(page), ['op1', 'op2', 'op3', 'op1', 'op2', 'op2', 'op4', 'op3', 'op6', 'op7', 'op7']);

    // Keyboard: focus the tree, Home, ArrowLeft collapses the root, ArrowRight opens it again.
    await page.focus('.tv-viewport');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft');
    await waitFor('only the root open', async () => (await domRows(page)) === 1);
    await page.keyboard.press('ArrowRight');
    await waitFor('all open again', async () => (await domRows(page)) === 11);
    // A collapsed inner subtree stays collapsed when its ancestor reopens.
    await op3.locator('.tv-toggle').click();
    await page.focus('.tv-viewport');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowRight');
    await waitFor('root open, op3 still shut', async () => (await domRows(page)) === 9);
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});

test('a click shows tags, logs at relative times, and the process', async () => {
  const { page } = await open('url=/fixtures/jaeger-json/all-tag-types-5-spans.json', 1024, 768);
  try {
    await waitForSpans(page, '5');
    await page.locator('.tv-row-error').click();
    const details = page.locator('.tv-details');
    await waitFor('details open', () => details.isVisible());
    // The full span (tags, logs) is read from the file when asked: it fills the panel a moment after it opens.
    await waitFor('tags shown', async () => ((await details.textContent()) ?? '').includes('peer.ipv4'));
    const text = (await details.textContent()) ?? '';
    for (const piece of [
      'peer.service',
      'service-y',
      'peer.ipv4',
      '23456',
      'temperature',
      '72.5',
      '9223372036854775222',
      'base64 AAAwOQ==',
      '⚠ error',
      'service-x',
    ]) {
      assert.ok(text.includes(piece), `details mention ${piece}`);
    }
    await screenshot(page, 'viewer-details-tags-1024x768');
    // The first span carries two logs at the trace start.
    await page.locator('.tv-row', { has: page.locator('.tv-op', { hasText: 'test-general-conversion' }) }).click();
    await waitFor('logs listed', async () => (await page.locator('.tv-d-log').count()) === 2);
    const logs = await page.locator('.tv-d-log').allTextContents();
    assert.match(logs[0]!, /^\+0 µs/);
    assert.match(logs[0]!, /event\s*some-event/);
    assert.match(logs[1]!, /x\s*y/);
    await page.keyboard.press('Escape');
    await waitFor('details closed', () => details.isHidden());
  } finally {
    await page.close();
  }
});

test('markup in span data is shown as text, never run', async () => {
  const url = suite.files.put('markup.json', JSON.stringify(markupTrace()));
  const { page, watch } = await open(`url=${url}`);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  try {
    await waitForSpans(page, '1');
    assert.equal(await page.locator('.tv-row:not([hidden]) .tv-op').textContent(), XSS);
    assert.equal(await page.locator('.tv-row:not([hidden]) .tv-service').textContent(), '<script>alert(2)</script>');
    await page.locator('.tv-row:not([hidden])').click();
    await waitFor('details open', () => page.locator('.tv-details').isVisible());
    const text = async () => (await page.locator('.tv-details').textContent()) ?? '';
    // Operation, tag, log and warning all show the markup as characters (the full span fills the panel a moment after it opens).
    await waitFor('the markup shown four times as characters', async () => (await text()).split(XSS).length - 1 >= 4);
    assert.ok((await text()).includes('<b>key</b>'));
    assert.equal(await page.locator('.tv img, .tv script, .tv b').count(), 0, 'no element was made from span data');
    assert.deepEqual(dialogs, []);
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});

test('the critical path is drawn on the bar of the span the request waited on', async () => {
  const url = suite.files.put('lock.json', JSON.stringify(lockTrace()));
  const { page } = await open(`url=${url}`, 1024, 768);
  try {
    await waitForSpans(page, '3');
    const lockRow = page.locator('.tv-row', { has: page.locator('.tv-op', { hasText: 'db.lock' }) });
    assert.equal(await lockRow.locator('.tv-cpseg:not([hidden])').count(), 1);
    assert.equal(await headerStat(page, 'Duration'), '100 ms');
    assert.equal(await headerStat(page, 'Depth'), '2');
  } finally {
    await page.close();
  }
});

test('a generated 100k-span trace opens, scrolls and collapses with few DOM rows', async () => {
  const { page, watch } = await open('synthetic=100000', 1920, 1080);
  try {
    await waitForSpans(page, '100,000');
    const bound = 1080 / 16 + 20;
    assert.ok((await page.locator('.tv-row').count()) <= bound, 'row elements stay bounded by the screen');
    await page.evaluate(() => {
      const v = document.querySelector<HTMLElement>('.tv-viewport')!;
      v.scrollTop = v.scrollHeight / 2;
    });
    await waitFor('rows from the middle drawn', () =>
      page.evaluate(() =>
        [...document.querySelectorAll('.tv-row:not([hidden])')].some(
          (r) => Math.abs(Number(r.getAttribute('aria-posinset')) - 50_000) < 40,
        ),
      ),
    );
    assert.ok((await page.locator('.tv-row').count()) <= bound, 'still bounded after scrolling');
    const mid = await drawnSpans(page);
    assert.ok(mid.length > 10 && mid.every((op) => op.length > 0), 'the middle rows carry their names');
    await screenshot(page, 'viewer-100k-middle-1920x1080');

    await page.focus('.tv-viewport');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft');
    await waitFor('root collapsed', async () => (await page.evaluate(() => window.viewerPage.viewer.openRowCount())) === 1);
    await waitFor('one row drawn', async () => (await domRows(page)) === 1);
    await page.keyboard.press('ArrowRight');
    await waitFor('root open', async () => (await page.evaluate(() => window.viewerPage.viewer.openRowCount())) === 100_000);
    assert.ok(await page.locator('.tv-findings').isVisible(), 'the findings line is there at 100k too');
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});

/**
 * WCAG contrast of each element's text against the first opaque background behind it, and its size.
 * Kept as plain JavaScript text: tsx would wrap named functions in a helper the page does not have.
 */
const CONTRAST_PROBE = `(sels) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = (c) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const bgOf = (e) => {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.85)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const bad = [];
  for (const sel of sels) {
    for (const e of document.querySelectorAll(sel)) {
      if (!e.offsetParent) continue;
      const a = lum(rgb(getComputedStyle(e).color));
      const b = lum(bgOf(e));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const size = parseFloat(getComputedStyle(e).fontSize);
      if (ratio < 4.5) bad.push(sel + ' contrast ' + ratio.toFixed(2));
      if (size < 16) bad.push(sel + ' font ' + size + 'px');
    }
  }
  return [...new Set(bad)];
}`;

async function lowContrast(page: Page, selectors: string[]): Promise<string[]> {
  return page.evaluate(`(${CONTRAST_PROBE})(${JSON.stringify(selectors)})`);
}

const TEXT = [
  '.tv-title',
  '.tv-stat-key',
  '.tv-stat-value',
  '.tv-legend-item',
  '.tv-findings-none',
  '.tv-finding-title',
  '.tv-tool:not(:disabled)',
  '.tv-tab',
  '.tv-axis-label',
  '.tv-axis-dur',
  '.tv-tick',
  '.tv-service',
  '.tv-op',
  '.tv-err',
  '.tv-dur',
  '.tv-details dt',
  '.tv-details dd',
  '.tv-d-title',
];

for (const [w, h] of [
  [1024, 768],
  [1920, 1080],
] as const) {
  test(`legible at ${w}×${h}: text ≥ 16 px with contrast ≥ 4.5:1 (screenshot)`, async () => {
    const { page } = await open(TWO, w, h);
    try {
      await waitForSpans(page, '11');
      await page.locator('.tv-row-error').click();
      await waitFor('details open', () => page.locator('.tv-details').isVisible());
      assert.deepEqual(await lowContrast(page, TEXT), []);
      await screenshot(page, `viewer-two-services-${w}x${h}`);
    } finally {
      await page.close();
    }
  });
}

test('the comparison states the delta and draws both traces on one time scale', async () => {
  const { page, watch } = await open('', 1920, 1080);
  try {
    const lock = lockTrace();
    const fixed = lockTrace();
    // The plugged version: no wait for the lock.
    fixed.spans[1]!.duration = 2000;
    fixed.spans[1]!.logs = [];
    fixed.spans[2]!.startTime = fixed.spans[1]!.startTime + 2000;
    fixed.spans[0]!.duration = 30_000;
    await page.evaluate(
      ([before, after]) => {
        const vp = window.viewerPage;
        document.querySelector('.vp-main')!.replaceChildren();
        const host = document.createElement('div');
        host.style.height = '100%';
        document.querySelector('.vp-main')!.append(host);
        vp.createTraceCompare(host).show(before, after, 'Plugging the lock');
      },
      [lock, fixed] as const,
    );
    assert.equal(await page.locator('.tc-delta-total').textContent(), 'After: 30 ms, 70 ms faster than before (100 ms) — 70% less time.');
    // Where the time went: the hole finder's duration diff of the same pair, quoted in the delta line.
    const where = diffTraces(lock, fixed).headline;
    assert.match(where, /^\u221270 ms: /);
    assert.equal(await page.locator('.tc-delta-where').textContent(), ` Where it went: ${where}.`);
    assert.deepEqual(await page.locator('.tc-side-head').allTextContents(), ['Before: 100 ms · 3 spans', 'After: 30 ms · 3 spans']);
    // Same scale: the "after" root bar is 30% as wide as the "before" one.
    const widths = await page.$$eval('.tc-side .tv-row:not([hidden]) .tv-bar', (bars) => bars.map((b) => b.getBoundingClientRect().width));
    const [beforeRoot, , , afterRoot] = widths;
    assert.ok(Math.abs(afterRoot! / beforeRoot! - 0.3) < 0.02, `after/before bar ratio ${afterRoot! / beforeRoot!}`);
    await screenshot(page, 'viewer-compare-1920x1080');
    await page.setViewportSize({ width: 1024, height: 768 });
    await waitFor(
      'both sides laid out for the new size',
      async () => await page.$$eval('.tc-side', (s) => s.every((e) => e.getBoundingClientRect().right <= 1024)),
    );
    await screenshot(page, 'viewer-compare-1024x768');
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});

test('a trace arriving animates, except for readers who asked for reduced motion', async () => {
  for (const [motion, expected] of [
    ['no-preference', 'tv-arrive'],
    ['reduce', 'none'],
  ] as const) {
    const page = await suite.browser.newPage({ viewport: { width: 1024, height: 768 }, reducedMotion: motion });
    try {
      await openViewer(page, `${suite.files.url}/viewer.html?${TWO}`);
      await waitForSpans(page, '11');
      assert.equal(await page.$eval('.tv-viewport', (e) => getComputedStyle(e).animationName), expected, motion);
      // Nothing else moves: rows and bars have no transitions.
      assert.equal(await page.$eval('.tv-row:not([hidden]) .tv-bar', (e) => getComputedStyle(e).transitionDuration), '0s');
    } finally {
      await page.close();
    }
  }
});

test('the same trace shown again with more spans keeps what the reader collapsed and chose', async () => {
  const { page, watch } = await open(TWO);
  try {
    await waitForSpans(page, '11');
    const full = await page.evaluate(async (url) => (await fetch(url)).json(), '/fixtures/jaeger-json/two-services-11-spans.json');
    // Live, a trace grows: first nine spans, then all eleven.
    await page.evaluate((t) => window.viewerPage.viewer.show({ ...t, spans: t.spans.slice(0, 9) }), full);
    await waitForSpans(page, '9');
    // Rows are recycled as the list re-renders: only a row on screen is the one a reader would click.
    const row = (op: string) =>
      page.locator('.tv-row:not([hidden]):visible', { has: page.locator('.tv-op', { hasText: new RegExp(`^${op}$`) }) }).first();
    await row('op3').locator('.tv-toggle').click();
    // The collapse is drawn on the next frame, which moves op6 to another row slot: wait for it, or the click
    // may hold the slot that showed op6 before and is now hidden.
    await waitFor('op3 drawn collapsed', async () => (await row('op3').getAttribute('aria-expanded')) === 'false');
    await row('op6').click();
    await waitFor('details of op6', async () => ((await page.locator('.tv-details .tv-op').textContent()) ?? '') === 'op6');
    await page.evaluate((t) => window.viewerPage.viewer.show(t), full);
    await waitForSpans(page, '11');
    assert.equal(await page.evaluate(() => window.viewerPage.viewer.openRowCount()), 9, 'op3 stays collapsed');
    await waitFor('the details stay on the chosen span', async () => (await page.locator('.tv-details .tv-op').textContent()) === 'op6');
    await waitFor('op6 still chosen', async () => (await row('op6').getAttribute('aria-selected')) === 'true');
    // A different trace starts fresh.
    await page.evaluate(() => window.viewerPage.viewer.show(window.viewerPage.generateTrace(50, 2)));
    await waitForSpans(page, '50');
    assert.equal(await page.evaluate(() => window.viewerPage.viewer.openRowCount()), 50);
    await waitFor('details closed for the new trace', () => page.locator('.tv-details').isHidden());
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});

test('a parent of hundreds of sequential calls gets a bounded number of critical-path stripes', async () => {
  const { page } = await open('', 1280, 800);
  try {
    // Built in the page from plain JavaScript text (tsx would wrap a named helper the page lacks).
    await page.evaluate(`(() => {
      const traceID = 'abcabcabcabcabca';
      const hex = (n) => n.toString(16).padStart(16, '0');
      const spans = [{ traceID, spanID: hex(1), operationName: 'GET /menu', references: [], startTime: 1e15, duration: 1000000, tags: [], logs: [], processID: 'p1', warnings: null }];
      for (let k = 0; k < 500; k++) {
        spans.push({ traceID, spanID: hex(2 + k), operationName: 'menudb SELECT', references: [{ refType: 'CHILD_OF', traceID, spanID: hex(1) }], startTime: 1e15 + k * 2000 + 500, duration: 1500, tags: [], logs: [], processID: 'p1', warnings: null });
      }
      window.viewerPage.viewer.show({ traceID, spans, processes: { p1: { serviceName: 'menu', tags: [] } }, warnings: null });
    })()`);
    await waitForSpans(page, '501');
    const rootStripes = await page.locator('.tv-row:not([hidden])').first().locator('.tv-cpseg:not([hidden])').count();
    assert.ok(rootStripes > 0 && rootStripes <= 65, `root row draws ${rootStripes} stripes`);
  } finally {
    await page.close();
  }
});
