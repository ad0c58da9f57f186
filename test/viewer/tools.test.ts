// The viewer's tools in headless Chromium: find, collapse/expand all and by level, minimap zoom, each view, findings, compare, long keys.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Finding } from '../../model/findings.ts';
import { screenshot } from '../../devkit/browser.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { lockTrace } from './traces.ts';
import { domRows, drawnSpans, openViewer, waitForSpans } from './viewerPage.ts';
import { TWO, viewerSuite } from './viewerSuite.ts';

const suite = viewerSuite(1400, 900);
const open = suite.open;
const openRows = (page: Page) => page.evaluate(() => window.viewerPage.viewer.openRowCount());
const findCount = async (page: Page) => (await page.locator('.tv-find-count').textContent()) ?? '';
const markedOps = (page: Page) =>
  page.$$eval('.vp-main .tv-row.tv-row-marked:not([hidden]) .tv-op', (els) => els.map((e) => e.textContent ?? '').sort());

test('find in trace: service, operation and tag values, a count, Enter/Shift+Enter, ?find= deep link', async () => {
  const { page, watch } = await open(`${TWO}&find=service2`);
  try {
    await waitForSpans(page, '11');
    // The deep link fills the box and marks service2's three spans.
    assert.equal(await page.inputValue('input[aria-label="Find in trace"]'), 'service2');
    await waitFor('three matches', async () => (await findCount(page)) === '1 of 3');
    await waitFor('service2 rows marked', async () => (await markedOps(page)).join() === 'op1,op2,op3');
    const box = page.getByRole('searchbox', { name: 'Find in trace' });
    await box.press('Enter');
    await waitFor('the second match', async () => (await findCount(page)) === '2 of 3');
    await box.press('Shift+Enter');
    await box.press('Shift+Enter');
    await waitFor('Shift+Enter wraps to the last', async () => (await findCount(page)) === '3 of 3');
    // An operation name, a tag value as key=value, and nothing.
    await box.fill('op7');
    await waitFor('two op7', async () => (await findCount(page)) === '1 of 2');
    await box.fill('db.type=sql');
    await waitFor('the sql span', async () => (await findCount(page)) === '1 of 1');
    await box.fill('no-such-words');
    await waitFor('none', async () => (await findCount(page)) === 'no matches');
    await waitFor('no rows marked', async () => (await markedOps(page)).length === 0);
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});

test('collapse all / expand all by buttons and keys, and one level at a time', async () => {
  const { page } = await open(TWO);
  try {
    await waitForSpans(page, '11');
    await page.getByRole('button', { name: 'Collapse all' }).click();
    await waitFor('only the root', async () => (await domRows(page)) === 1);
    await page.getByRole('button', { name: 'Expand one level' }).click();
    // The root's children show; theirs stay shut.
    // The count changes at once; the rows are drawn on the next frame.
    await waitFor('one more level drawn', async () => (await openRows(page)) === 6 && (await domRows(page)) === 6);
    assert.deepEqual(await drawnSpans(page), ['op1', 'op2', 'op3', 'op2', 'op4', 'op6']);
    await page.getByRole('button', { name: 'Expand one level' }).click();
    await waitFor('two more levels', async () => (await openRows(page)) === 10);
    await page.getByRole('button', { name: 'Collapse one level' }).click();
    await waitFor('back one level', async () => (await openRows(page)) === 6);
    await page.getByRole('button', { name: 'Expand all' }).click();
    await waitFor('all open', async () => (await domRows(page)) === 11);
    // The keys a Jaeger UI user knows, with focus in the rows.
    await page.focus('.tv-viewport');
    await page.keyboard.press(']');
    await waitFor('collapsed by key', async () => (await openRows(page)) === 1);
    await page.keyboard.press('[');
    await waitFor('expanded by key', async () => (await openRows(page)) === 11);
    await page.keyboard.press('-');
    await waitFor('one level shut by key', async () => (await openRows(page)) < 11);
  } finally {
    await page.close();
  }
});

test('dragging across the minimap zooms the time axis; reset shows the whole trace', async () => {
  const { page } = await open(TWO);
  try {
    await waitForSpans(page, '11');
    const ticks = () => page.$$eval('.vp-main .tv-tick', (t) => t.map((e) => e.textContent));
    assert.deepEqual(await ticks(), ['0', '250 ms', '500 ms', '750 ms', '1 s']);
    const map = await page.locator('.vp-main .tv-minimap').boundingBox();
    assert.ok(map);
    await page.mouse.move(map.x + map.width * 0.2, map.y + 20);
    await page.mouse.down();
    await page.mouse.move(map.x + map.width * 0.3, map.y + 20, { steps: 4 });
    await page.mouse.move(map.x + map.width * 0.4, map.y + 20, { steps: 4 });
    await page.mouse.up();
    await waitFor('zoomed ticks', async () => (await ticks())[0] !== '0');
    const [first, , , , last] = await ticks();
    assert.equal(first, '200 ms');
    assert.equal(last, '400 ms');
    assert.ok(await page.getByRole('button', { name: 'Reset zoom' }).isEnabled());
    await screenshot(page, 'viewer-zoomed-1400x900');
    await page.getByRole('button', { name: 'Reset zoom' }).click();
    await waitFor('whole trace', async () => (await ticks())[4] === '1 s');
  } finally {
    await page.close();
  }
});

test('views as tabs: flamegraph draws and picks spans, statistics add up, spans table sorts', async () => {
  const { page, watch } = await open(TWO);
  try {
    await waitForSpans(page, '11');
    await page.getByRole('tab', { name: 'Flamegraph' }).click();
    assert.equal(await page.getByRole('tab', { name: 'Flamegraph' }).getAttribute('aria-selected'), 'true');
    assert.ok(await page.locator('.vp-main .tv-viewport').isHidden(), 'the timeline steps aside');
    const painted = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('.tv-flame-canvas')!;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let coloured = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) coloured++;
      return { coloured, height: c.height };
    });
    assert.ok(painted.coloured > 1000 && painted.height > 0, `flamegraph pixels: ${JSON.stringify(painted)}`);
    // The root block spans the top row: a click there picks the root.
    const canvas = await page.locator('.vp-main .tv-flame-canvas').boundingBox();
    await page.mouse.click(canvas!.x + 30, canvas!.y + 10);
    await waitFor('root details', async () => ((await page.locator('.tv-details .tv-op').textContent()) ?? '') === 'op1');
    await screenshot(page, 'viewer-flamegraph-1400x900');

    await page.getByRole('tab', { name: 'Statistics' }).click();
    const services = await page.$$eval('.tv-stats-table:first-of-type tbody tr', (rows) =>
      rows.map((r) => [...r.children].map((c) => c.textContent?.trim() ?? '')),
    );
    assert.deepEqual(services.map((r) => r[0]).sort(), ['service1', 'service2']);
    assert.equal(
      services.reduce((a, r) => a + Number(r[1]), 0),
      11,
      'span counts add up to the trace',
    );
    const share = (rows: string[][], col: number) =>
      rows.reduce((a, r) => a + (r[col] === '<1%' ? 0.5 : Number(r[col]!.replace('%', ''))), 0);
    const operations = await page.$$eval('.vp-main .tv-stats-table:nth-of-type(2) tbody tr', (rows) =>
      rows.map((r) => [...r.children].map((c) => c.textContent?.trim() ?? '')),
    );
    assert.ok(operations.length >= 5, 'per-operation rows');
    // The same critical path, counted per service and per operation (rounding aside); no more than the whole.
    const perService = share(services, 7);
    assert.ok(perService > 0 && perService <= 100, `critical-path shares ${perService}`);
    assert.ok(
      Math.abs(share(operations, 8) - perService) <= operations.length,
      `per operation ${share(operations, 8)} vs per service ${perService}`,
    );
    await screenshot(page, 'viewer-statistics-1400x900');

    await page.getByRole('tab', { name: 'Spans' }).click();
    await page.getByRole('columnheader', { name: 'Duration' }).click();
    assert.equal(await page.getByRole('columnheader', { name: 'Duration' }).getAttribute('aria-sort'), 'descending');
    const firstRow = () =>
      page.$$eval('.tv-table-row:not([hidden])', (rows) => {
        const sorted = rows.sort(
          (a, b) => new DOMMatrix(getComputedStyle(a).transform).m42 - new DOMMatrix(getComputedStyle(b).transform).m42,
        );
        return [...sorted[0]!.children].map((c) => c.textContent?.trim());
      });
    assert.equal((await firstRow())[3], '390 ms', 'the longest span first');
    await page.getByRole('columnheader', { name: 'Duration' }).click();
    assert.equal((await firstRow())[3], '8 ms', 'then the shortest');
    assert.equal(await page.locator('.tv-table-row:not([hidden])').count(), 11);
    await screenshot(page, 'viewer-spans-table-1400x900');
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});

test('findings are listed above every view; a click marks their spans and scrolls to them', async () => {
  const { page } = await open('synthetic=2000', 1400, 900);
  try {
    await waitForSpans(page, '2,000');
    // The hole finder's own verdict arrives (whatever it is), then a known finding is shown to test the wiring.
    await waitFor(
      'findings settled',
      async () => !/Looking/.test((await page.locator('.vp-main .tv-findings').textContent()) ?? 'Looking'),
    );
    const trace = lockTrace();
    const finding: Finding = {
      kind: 'lock-contention',
      title: 'db.lock waited behind 3 others: 62 ms, 62% of the request',
      service: 'inventory',
      operation: 'db.lock',
      spanIDs: ['0000000000000002', '0000000000000003'],
      costMs: 62,
      share: 0.62,
      evidence: ['waiting behind 3'],
      fix: 'Give the store a bigger pool.',
      fingerprint: 'lock-contention:0123456789abcdef',
    };
    await page.evaluate(
      ({ t, f }) => {
        const vp = window.viewerPage;
        vp.viewer.showLoaded({ ...vp.loadedFromTrace(t), findings: Promise.resolve([f]) });
      },
      { t: trace, f: finding },
    );
    await waitFor(
      'the finding listed',
      async () => ((await page.locator('.vp-main .tv-finding-title').textContent()) ?? '') === finding.title,
    );
    assert.equal(await page.locator('.vp-main .tv-finding-share').textContent(), '62%');
    for (const tab of ['Flamegraph', 'Statistics', 'Spans', 'Timeline']) {
      await page.getByRole('tab', { name: tab }).click();
      assert.ok(await page.locator('.vp-main .tv-finding-title').isVisible(), `findings shown in ${tab}`);
    }
    await page.locator('.vp-main .tv-finding-pick').click();
    await waitFor('its two spans marked', async () => (await markedOps(page)).join() === 'db.lock,db.query');
    await screenshot(page, 'viewer-finding-picked-1400x900');
    assert.equal(await page.evaluate(() => window.viewerPage.viewer.highlightSpans([])), 0);
    await waitFor('marks cleared', async () => (await markedOps(page)).length === 0);
    assert.equal(await page.evaluate(() => window.viewerPage.viewer.revealSpan('0000000000000003')), true);
    assert.equal(await page.evaluate(() => window.viewerPage.viewer.revealSpan('nope')), false);
  } finally {
    await page.close();
  }
});

test('a 100k-span trace: find scrolls a deep match into view, collapse/expand all, zoom', async () => {
  const { page, watch } = await open('synthetic=100000&find=waiting%20behind%205', 1600, 1000);
  try {
    await waitForSpans(page, '100,000');
    await waitFor('matches counted', async () => /^1 of [\d,]+$/.test(await findCount(page)));
    const total = Number((await findCount(page)).split(' of ')[1]!.replace(/,/g, ''));
    assert.ok(total > 100, `${total} matches`);
    const box = page.getByRole('searchbox', { name: 'Find in trace' });
    for (let k = 0; k < 40; k++) await box.press('Enter');
    assert.equal(await findCount(page), `41 of ${total.toLocaleString('en-US')}`);
    // The current match is a marked row inside the visible part of the scroller (drawn on the frame after the scroll).
    const markedInView = () =>
      page.evaluate(() => {
        const vp = document.querySelector<HTMLElement>('.vp-main .tv-viewport')!.getBoundingClientRect();
        return [...document.querySelectorAll<HTMLElement>('.vp-main .tv-row.tv-row-marked:not([hidden])')].some((r) => {
          const b = r.getBoundingClientRect();
          return b.top >= vp.top && b.bottom <= vp.bottom;
        });
      });
    await waitFor('a marked row on screen', markedInView);
    await screenshot(page, 'viewer-100k-find-1600x1000');
    await page.getByRole('button', { name: 'Collapse all' }).click();
    await waitFor('one row', async () => (await openRows(page)) === 1);
    await page.getByRole('button', { name: 'Expand all' }).click();
    await waitFor('every row', async () => (await openRows(page)) === 100_000);
    await page.evaluate(() => window.viewerPage.viewer.zoomTo(1_000_000, 1_200_000));
    await waitFor('the zoomed range on the axis', async () => (await page.locator('.vp-main .tv-tick').first().textContent()) === '1 s');
    assert.ok((await page.locator('.vp-main .tv-row').count()) < 100, 'the DOM stays small');
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});

test('compare two traces: two URLs, two files, and a trace with the previous one', async () => {
  const { page, watch } = await open(
    `url=/fixtures/jaeger-json/two-services-11-spans.json&compareUrl=/fixtures/jaeger-json/overlapping-children-3-spans.json`,
  );
  try {
    await waitFor(
      'two panes',
      async () =>
        (await page.locator('.vp-compare .tc-side-head').allTextContents()).join(' | ') ===
        'Before: 1 s · 11 spans | After: 43 µs · 3 spans',
    );
    assert.match((await page.locator('.vp-compare .tc-delta').textContent()) ?? '', /faster than before/);
    assert.ok(await page.locator('.vp-main').isHidden());
    await screenshot(page, 'viewer-compare-urls-1400x900');

    const two = readFileSync('test/fixtures/jaeger-json/two-services-11-spans.json');
    await page.setInputFiles('.vp-file', [
      { name: 'lock.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(lockTrace())) },
      { name: 'two.json', mimeType: 'application/json', buffer: two },
    ]);
    await waitFor(
      'the two files side by side',
      async () =>
        (await page.locator('.vp-compare .tc-side-head').allTextContents()).join(' | ') ===
        'Before: 100 ms · 3 spans | After: 1 s · 11 spans',
    );

    // One file with two traces: show the second, then compare it with the one shown before it.
    const three = readFileSync('test/fixtures/jaeger-json/overlapping-children-3-spans.json', 'utf8');
    const url = suite.files.put('pair.json', `{"data":[${JSON.stringify(lockTrace())},${three}]}`);
    await openViewer(page, `${suite.files.url}/viewer.html?url=${url}`);
    await waitForSpans(page, '3');
    assert.ok(await page.getByRole('button', { name: 'Compare with the previous trace' }).isHidden(), 'nothing to compare with yet');
    await page.selectOption('.vp-select', '1');
    await page.getByRole('button', { name: 'Compare with the previous trace' }).click();
    await waitFor(
      'previous and current',
      async () =>
        (await page.locator('.vp-compare .tc-side-head').allTextContents()).join(' | ') ===
        'Before: 100 ms · 3 spans | After: 43 µs · 3 spans',
    );
    await page.getByRole('button', { name: 'Back to one trace' }).click();
    assert.ok(await page.locator('.vp-main').isVisible());
    assert.deepEqual(watch.errors, []);
  } finally {
    await page.close();
  }
});

test('span details wrap a 500-character key and value: the layout holds for any input', async () => {
  const t = lockTrace();
  const longKey = 'k'.repeat(500);
  t.spans[1]!.tags = [
    { key: longKey, type: 'string', value: 'v'.repeat(500) },
    { key: 'short', type: 'string', value: 'a value of several words' },
  ];
  const url = suite.files.put('long-key.json', JSON.stringify(t));
  for (const [w, h] of [
    [1400, 900],
    [1024, 768],
  ] as const) {
    const { page } = await open(`url=${url}`, w, h);
    try {
      await waitForSpans(page, '3');
      await page.locator('.tv-row', { has: page.locator('.tv-op', { hasText: 'db.lock' }) }).click();
      await waitFor('tags shown', async () => (await page.locator('.tv-details dt', { hasText: 'short' }).count()) === 1);
      const sizes = await page.evaluate(() => {
        const pane = document.querySelector('.tv-details')!.getBoundingClientRect();
        const ddEl = [...document.querySelectorAll('.tv-details dd')].find((d) => d.textContent === 'a value of several words')!;
        const dd = ddEl.getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(ddEl);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
        const dt = [...document.querySelectorAll('.tv-details dt')]
          .find((d) => (d.textContent ?? '').length === 500)!
          .getBoundingClientRect();
        return {
          pane: pane.width,
          value: dd.width,
          lines,
          key: dt.width,
          overflow: document.querySelector('.tv-details')!.scrollWidth - document.querySelector('.tv-details')!.clientWidth,
        };
      });
      assert.ok(sizes.key <= sizes.pane * 0.45, `the key column stays within its share: ${JSON.stringify(sizes)}`);
      assert.ok(sizes.value >= sizes.pane * 0.3, `values keep their room: ${JSON.stringify(sizes)}`);
      assert.ok(sizes.lines <= 2, `a short value stays on one or two lines: ${JSON.stringify(sizes)}`);
      assert.ok(sizes.overflow <= 1, 'nothing sticks out sideways');
      await screenshot(page, `viewer-long-key-${w}x${h}`);
    } finally {
      await page.close();
    }
  }
});
