// The deck's live parts in real headless Chromium: a deep link mounts one, it leaves the slide count alone, parts mount and
// unmount with the presenter token as their slide comes and goes, and keys and swipes inside a part stay there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenshot } from '../../devkit/browser.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { currentId, deckForTests, SLIDE_COUNT } from './support/deckUnderTest.ts';

const { newPage, openDeck } = deckForTests();

test('#/demo deep-links to the Demo slide, which mounts its live part', async () => {
  const page = await newPage();
  await openDeck(page, '?token=test-presenter-token#/demo');
  assert.equal(await currentId(page), 'demo');
  assert.match((await page.textContent('#demo h2')) ?? '', /Demo/);
  await waitFor('demo live part mounted', () =>
    page.evaluate(() => document.querySelector('#demo [data-live-host]')?.getAttribute('data-live-state') === 'mounted'),
  );
  await screenshot(page, 'deck-1920-demo-deeplink');
});

// reveal.js takes every <section> inside a slide for a (vertical) slide of its own, so a live
// part must draw with other elements; then the deck keeps 16 slides and numbers them right.
test('the mounted Demo slide leaves the slide count and numbers alone', async () => {
  const page = await newPage();
  await openDeck(page, '?token=test-presenter-token#/demo');
  await waitFor('demo live part mounted', () =>
    page.evaluate(() => document.querySelector('#demo [data-live-host]')?.getAttribute('data-live-state') === 'mounted'),
  );
  assert.equal(await page.evaluate(() => document.querySelectorAll('[data-live-host] section, .slides section section section').length), 0);
  assert.equal(await page.evaluate(() => window.Reveal.getTotalSlides()), SLIDE_COUNT);
  await page.keyboard.press('ArrowRight');
  await waitFor('the slide after the demo', async () => (await currentId(page)) === 'questions');
  const position = await page.evaluate(() => window.Reveal.getSlides().findIndex((x) => x.id === 'questions') + 1);
  assert.equal((await page.textContent('.slide-number'))?.replace(/\s+/g, ''), `${position}/${SLIDE_COUNT}`);
  await page.keyboard.press('ArrowLeft');
  await waitFor('back on the demo', async () => (await currentId(page)) === 'demo');
});

test('live parts mount on entering their slide and unmount on leaving, with the presenter token', async () => {
  const page = await newPage();
  await openDeck(page, '?token=tok-123#/goals');
  await page.evaluate(() => {
    const calls: string[] = [];
    (window as unknown as { probeCalls: string[] }).probeCalls = calls;
    window.deckLiveParts.probe = () => ({
      mount(host, ctx) {
        calls.push(`mount ${host.className} ${JSON.stringify({ ...ctx, latestTrace: typeof ctx.latestTrace.get })}`);
        host.textContent = 'probe';
      },
      unmount() {
        calls.push('unmount');
      },
    });
    document.getElementById('spans')!.dataset.live = 'probe';
  });
  const calls = () => page.evaluate(() => (window as unknown as { probeCalls: string[] }).probeCalls.slice());
  await page.keyboard.press('ArrowRight'); // what-is-tracing
  await page.keyboard.press('ArrowRight'); // what-tracing-is-not
  await page.keyboard.press('ArrowRight'); // spans
  await waitFor('probe mounted', async () => (await calls()).length === 1);
  assert.deepEqual(await calls(), ['mount live-host {"presenterToken":"tok-123","apiBase":"","offline":false,"latestTrace":"function"}']);
  assert.equal(await page.evaluate(() => document.querySelector('#spans .live-host')?.hasAttribute('data-prevent-swipe')), true);
  await page.keyboard.press('ArrowRight');
  await waitFor('probe unmounted', async () => (await calls()).length === 2);
  assert.equal(await page.evaluate(() => document.querySelector('#spans .live-host')), null, 'the deck removes the host it added');
});

test('keys and swipes inside a live part stay there; the clicker keys still move the deck', async () => {
  const page = await newPage();
  await openDeck(page, '#/demo');
  await page.evaluate(() => {
    const host = document.querySelector<HTMLElement>('#demo [data-live-host]')!;
    const b = document.createElement('button');
    b.id = 'probe-button';
    b.textContent = 'probe';
    host.appendChild(b);
    b.focus();
  });
  for (const key of ['ArrowRight', 'ArrowLeft', ' ', 'Enter', 'n']) await page.keyboard.press(key);
  assert.equal(await currentId(page), 'demo', 'reveal.js left the live part’s keys alone');

  const swipe = (selector: string) =>
    page.evaluate((sel) => {
      const target = document.querySelector(sel)!;
      const at = (type: string, x: number) =>
        target.dispatchEvent(new PointerEvent(type, { pointerType: 'touch', pointerId: 7, clientX: x, clientY: 400, bubbles: true }));
      at('pointerdown', 900);
      at('pointermove', 500);
      at('pointermove', 300);
      at('pointerup', 300);
    }, selector);
  await swipe('#probe-button');
  assert.equal(await currentId(page), 'demo', 'a swipe on the live part is not a slide change');
  await swipe('#demo h2');
  await waitFor('swipe on the slide itself turns the page', async () => (await currentId(page)) === 'questions');

  await page.evaluate(() => window.Reveal.slide(window.Reveal.getIndices(document.getElementById('demo')!).h));
  await page.focus('#probe-button').catch(() => {});
  await page.evaluate(() => document.getElementById('probe-button')?.focus());
  await page.keyboard.press('PageDown');
  await waitFor(
    'PageDown from inside the live part: the next slide, the dive below the demo',
    async () => (await currentId(page)) === 'traces-to-alerts',
  );
});

test('plan B is one key away: R reloads the same slide with the recordings on the live slides, R again goes back', async () => {
  const page = await newPage();
  await openDeck(page, '?token=tok-123#/demo');
  // The mesh is off here: the live Demo slide says so and offers no recording.
  await waitFor('the live demo mounted', () =>
    page.evaluate(() => document.querySelector('#demo [data-live-host]')?.getAttribute('data-live-state') === 'mounted'),
  );
  assert.equal(await page.locator('#demo .rec-banner').count(), 0);
  await page.keyboard.press('r');
  await page.waitForURL(/[?&]recordings(&|#|$)/);
  await page.waitForFunction(() => window.Reveal?.isReady?.() === true);
  assert.equal(await currentId(page), 'demo', 'the same slide');
  await page.locator('#demo .rec-banner').waitFor({ state: 'visible' });
  await screenshot(page, 'deck-1920-plan-b-demo');
  await page.keyboard.press('r');
  await page.waitForURL((u) => !u.search.includes('recordings'));
  await page.waitForFunction(() => window.Reveal?.isReady?.() === true);
  assert.equal(await currentId(page), 'demo');
  await waitFor('live again', () =>
    page.evaluate(
      () =>
        document.querySelector('#demo [data-live-host]')?.getAttribute('data-live-state') === 'mounted' &&
        !document.querySelector('#demo .rec-banner'),
    ),
  );
});
