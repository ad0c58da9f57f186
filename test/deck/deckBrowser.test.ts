// The built deck in real headless Chromium: loads clean and offline, keyboard, notes, speaker view, self-study, print (live parts: deckLiveParts.test.ts).
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { screenshot, testOutputDir, watchPage } from '../../devkit/browser.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { ARC_LENGTH, currentId, deckForTests, FULL_HD, SLIDE_COUNT, XGA } from './support/deckUnderTest.ts';

const deck = deckForTests();
const { newPage, openDeck } = deck;

test('the deck loads with no console errors, no request leaving the machine, and all its slides', async () => {
  const page = await newPage();
  const seen = watchPage(page);
  await openDeck(page);
  await page.waitForLoadState('networkidle');
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(seen.external, []);
  assert.equal(await page.evaluate(() => window.Reveal.getTotalSlides()), SLIDE_COUNT);
  assert.equal(await page.title(), 'Plugging Performance Holes — distributed tracing with Jaeger');
  // Slide numbers are on, and the deck is the contract's window.Reveal.
  assert.equal((await page.textContent('.slide-number'))?.replace(/\s+/g, ''), `1/${SLIDE_COUNT}`);
  assert.equal(await page.evaluate(() => window.Reveal.getHorizontalSlides().length), ARC_LENGTH);
});

for (const [label, viewport] of [
  ['1920', FULL_HD],
  ['1024', XGA],
] as const) {
  test(`every slide is reachable by keyboard (screenshots at ${viewport.width}×${viewport.height})`, async () => {
    const page = await newPage(viewport);
    const seen = watchPage(page);
    await openDeck(page);
    const ids = await page.evaluate(() => window.Reveal.getSlides().map((s) => s.id));
    assert.equal(ids.length, SLIDE_COUNT);
    const visited = [await currentId(page)];
    await screenshot(page, `deck-${label}-01-${visited[0]}`);
    // Space walks every slide, the dives below included (the arrows: → across the arc, ↓ into a dive).
    for (let i = 1; i < SLIDE_COUNT; i++) {
      await page.keyboard.press(' ');
      await waitFor(`slide ${i + 1}`, async () => (await currentId(page)) === ids[i]);
      visited.push(await currentId(page));
      await screenshot(page, `deck-${label}-${String(i + 1).padStart(2, '0')}-${visited[i]}`);
    }
    assert.deepEqual(visited, ids);
    assert.ok(await page.evaluate(() => window.Reveal.isLastSlide()));
    // → from the top of a stack skips its dive: the 20-minute version's way past them.
    const short = await newPage(viewport);
    await openDeck(short, '#/traces');
    await short.keyboard.press('ArrowRight');
    await waitFor('the arc’s next slide, past the dive', async () => (await currentId(short)) === 'general-example');
    await page.keyboard.press('End');
    // Back again with the left arrow, and Home to the start.
    await page.keyboard.press('ArrowLeft');
    await waitFor('previous slide', () => page.evaluate((h) => window.Reveal.getIndices().h === h, ARC_LENGTH - 2));
    await page.keyboard.press('Home');
    await waitFor('first slide', () => page.evaluate(() => window.Reveal.getIndices().h === 0));
    // Slides without a live part log nothing; live parts report their own state (the mesh is off here).
    assert.deepEqual(seen.external, []);
  });
}

test('every slide has speaker notes of at least three sentences', async () => {
  const page = await newPage();
  await openDeck(page);
  const notes = await page.evaluate(() => window.Reveal.getSlides().map((s) => ({ id: s.id, text: window.Reveal.getSlideNotes(s) ?? '' })));
  assert.equal(notes.length, SLIDE_COUNT);
  for (const { id, text } of notes) {
    const sentences = text.replace(/<[^>]+>/g, ' ').match(/[^.!?]+[.!?](?=\s|$)/g) ?? [];
    assert.ok(sentences.length >= 3, `slide "${id}" has ${sentences.length} sentence(s) of notes`);
  }
});

test('slide text is at least 24 px on screen at 1920×1080 and has contrast of at least 4.5:1', async () => {
  const page = await newPage(FULL_HD);
  await openDeck(page);
  const failures = await page.evaluate(() => {
    const channel = (c: number) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    const luminance = (css: string) => {
      const probe = document.createElement('div');
      probe.style.color = css;
      document.body.appendChild(probe);
      const [r, g, b] =
        getComputedStyle(probe)
          .color.match(/[\d.]+/g)
          ?.map(Number) ?? [];
      probe.remove();
      if (r === undefined || g === undefined || b === undefined) throw new Error(`cannot read the color "${css}"`);
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const contrast = (a: string, b: string) => {
      const [la, lb] = [luminance(a), luminance(b)];
      return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    };
    const problems: string[] = [];
    const scale = window.Reveal.getScale();
    for (const slide of window.Reveal.getSlides()) {
      const at = window.Reveal.getIndices(slide);
      window.Reveal.slide(at.h, at.v);
      const bg = getComputedStyle(slide).getPropertyValue('--slide-bg').trim();
      const texts = [...slide.querySelectorAll<HTMLElement>('*')].filter(
        (el) =>
          !el.closest('aside.notes, [data-live-host], .live-fallback') &&
          [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== ''),
      );
      for (const el of texts) {
        const style = getComputedStyle(el);
        const px = parseFloat(style.fontSize) * scale;
        const ratio = contrast(style.color, bg);
        const what = `slide "${slide.id}" <${el.tagName.toLowerCase()}> "${el.textContent!.trim().slice(0, 30)}"`;
        if (px < 24) problems.push(`${what}: ${px.toFixed(1)} px`);
        if (ratio < 4.5) problems.push(`${what}: contrast ${ratio.toFixed(2)}`);
      }
    }
    return problems;
  });
  assert.deepEqual(failures, []);
});

test('reduced motion turns transitions off; otherwise slides fade', async () => {
  const calm = await newPage(FULL_HD, 'reduce');
  await openDeck(calm);
  assert.equal(await calm.evaluate(() => window.Reveal.getConfig().transition), 'none');
  const lively = await newPage(FULL_HD, 'no-preference');
  await openDeck(lively);
  assert.equal(await lively.evaluate(() => window.Reveal.getConfig().transition), 'fade');
});

test('overview opens with Escape and closes again', async () => {
  const page = await newPage();
  await openDeck(page, '#/goals');
  await page.keyboard.press('Escape');
  await waitFor('overview', () => page.evaluate(() => window.Reveal.isOverview()));
  await screenshot(page, 'deck-1920-overview');
  await page.keyboard.press('Escape');
  await waitFor('overview closed', () => page.evaluate(() => !window.Reveal.isOverview()));
  assert.equal(await currentId(page), 'goals');
});

test('the speaker view (S) opens with the current notes and a timer, and its copies of the deck mount no live part', async () => {
  const page = await newPage();
  await openDeck(page, '?token=test-presenter-token#/spans');
  const popupOpened = page.context().waitForEvent('page');
  await page.keyboard.press('s');
  const speaker = await popupOpened;
  const expected = await page.evaluate(() =>
    window.Reveal.getSlideNotes()!
      .replace(/<[^>]+>/g, '')
      .slice(0, 40),
  );
  await waitFor('notes in the speaker view', async () =>
    ((await speaker.textContent('.speaker-controls-notes .value').catch(() => '')) ?? '').includes(expected),
  );
  await waitFor('the timer running', async () =>
    (await speaker.textContent('.speaker-controls-time .timer').catch(() => ''))?.match(/\d\d:\d\d/),
  );
  await speaker.setViewportSize({ width: 1280, height: 800 });

  // The presenter moves to the Demo slide: the main deck mounts it, the speaker view's copies don't.
  await page.evaluate(() => window.Reveal.slide(window.Reveal.getIndices(document.getElementById('demo')!).h));
  await waitFor('demo mounted in the main deck', () => page.evaluate(() => document.querySelector('#demo [data-live-state]') !== null));
  const receivers = speaker.frames().filter((f) => f.url().includes('receiver'));
  assert.equal(receivers.length, 2);
  for (const frame of receivers) {
    await waitFor('the preview on the demo slide', () =>
      frame.evaluate(() => window.Reveal?.isReady() && window.Reveal.getIndices().h >= 13),
    );
    assert.equal(await frame.evaluate(() => document.querySelectorAll('[data-live-state]').length), 0, frame.url());
  }
  await waitFor('speaker view shows demo notes', async () =>
    ((await speaker.textContent('.speaker-controls-notes .value')) ?? '').includes('mesh'),
  );
  await screenshot(speaker, 'deck-speaker-view');
});

test('self-study: ?showNotes=true shows each slide’s notes beside it', async () => {
  const page = await newPage();
  await openDeck(page, '?showNotes=true#/traces');
  await page.waitForSelector('.reveal.show-notes .speaker-notes', { state: 'visible' });
  assert.match((await page.textContent('.speaker-notes')) ?? '', /propagation/);
  await screenshot(page, 'deck-1920-self-study');
});

test('the Notes toggle is reachable by keyboard, switches notes with Enter and Space, and leaves arrows to the deck', async () => {
  const page = await newPage(XGA);
  await openDeck(page, '#/spans');
  const focusedIsToggle = () => page.evaluate(() => document.activeElement?.classList.contains('notes-toggle') === true);
  for (let i = 0; i < 20 && !(await focusedIsToggle()); i++) await page.keyboard.press('Tab');
  assert.ok(await focusedIsToggle(), 'Tab reaches the Notes toggle');
  assert.equal(await page.getAttribute('.notes-toggle', 'aria-pressed'), 'false');

  await page.keyboard.press('Enter');
  await page.waitForSelector('.reveal.show-notes .speaker-notes', { state: 'visible' });
  assert.equal(await page.getAttribute('.notes-toggle', 'aria-pressed'), 'true');
  assert.match(page.url(), /showNotes=true/);
  assert.equal(await currentId(page), 'spans', 'Enter on the toggle did not move the deck');
  await screenshot(page, 'deck-1024-self-study');

  await page.keyboard.press(' ');
  await waitFor('notes hidden', () => page.evaluate(() => !document.querySelector('.reveal')!.classList.contains('show-notes')));
  assert.equal(await currentId(page), 'spans', 'Space on the toggle did not move the deck');
  assert.doesNotMatch(page.url(), /showNotes/);

  await page.keyboard.press('ArrowRight');
  await waitFor('next slide by arrow from the toggle', async () => (await currentId(page)) === 'traces');
});

test('print view (?print-pdf) renders every slide, each followed by its notes, and prints to PDF', async () => {
  const page = await newPage(FULL_HD);
  const seen = watchPage(page);
  // The join address the server gave this page (it follows the Host the page used).
  const joinInfo = page
    .waitForResponse((r) => r.url().endsWith('/api/audience/join-info'))
    .then(async (r) => ((await r.json()) as { url: string }).url);
  await page.goto(`${deck.server.url}/?print-pdf`);
  await waitFor('print layout', () => page.evaluate((k) => document.querySelectorAll('.pdf-page section').length === k, SLIDE_COUNT), {
    timeoutMs: 20_000,
  });
  // Each slide's page is followed by a page of its notes (reveal.js's 'separate-page' layout).
  const pages = await page.evaluate(() =>
    [...document.querySelectorAll('.pdf-page')]
      .filter((p) => p.querySelector('section'))
      .map((p) => ({
        slide: p.querySelector('section')!.id,
        notes: p.nextElementSibling?.matches('.speaker-notes-pdf[data-layout="separate-page"]')
          ? p.nextElementSibling.textContent!.trim().length
          : 0,
      })),
  );
  assert.equal(pages.length, SLIDE_COUNT);
  for (const p of pages) assert.ok(p.notes > 100, `notes page after slide "${p.slide}"`);
  assert.equal(await page.evaluate(() => document.querySelectorAll('[data-live-state]').length), 0, 'no live part mounts in print');
  // Every slide fits its one page (reveal.js would stretch an overflowing slide's page over two or more).
  const tall = await page.evaluate(() => {
    const pageHeight = Math.min(...[...document.querySelectorAll<HTMLElement>('.pdf-page')].map((p) => p.offsetHeight));
    return [...document.querySelectorAll<HTMLElement>('.pdf-page')]
      .filter((p) => p.querySelector('section') && p.offsetHeight > pageHeight + 1)
      .map((p) => p.querySelector('section')!.id);
  });
  assert.deepEqual(tall, [], 'slides spilling onto a second page');
  // The Demo slide prints a recorded trace and the hole finder's findings in it.
  await page.waitForSelector('#demo [data-live-host][data-trace-id] .tv-row');
  assert.ok((await page.locator('#demo .print-demo-findings li').count()) >= 1);
  await page
    .locator('.pdf-page', { has: page.locator('#demo') })
    .screenshot({ path: path.join(testOutputDir, 'screenshots', 'deck-print-demo.png') });
  // The front matter names no link: the Thanks slide shows the deck's own address, never a guess.
  // Served from this laptop's loopback address, it is the address phones join by.
  const joinUrl = await joinInfo;
  await waitFor(
    'the Thanks slide shows the deck’s public address',
    async () => (await page.locator('#thanks a[data-deck-address]').getAttribute('href')) === new URL('./', joinUrl).href,
    // The deck asks again when an ask fails or stalls (2 s each, backing off): room for those tries on a busy machine.
    { timeoutMs: 20_000 },
  ).catch(async (e: unknown) => {
    throw new Error(
      `${String(e)}: shows ${await page.evaluate(() => [...document.querySelectorAll('a[data-deck-address]')].map((a) => a.outerHTML).join(' '))}, joins by ${joinUrl}`,
    );
  });
  // The other live slides print their recordings: the realistic example's trace, the alerts.
  await page.waitForSelector('#realistic-example [data-live-host][data-trace-id] .tv-row');
  assert.ok((await page.locator('#traces-to-alerts .alerts-list li').count()) >= 1);
  for (const id of ['realistic-example', 'traces-to-alerts', 'how-jaeger-works', 'context-propagation', 'sampling', 'critical-path']) {
    await page
      .locator('.pdf-page', { has: page.locator(`#${id}`) })
      .screenshot({ path: path.join(testOutputDir, 'screenshots', `deck-print-${id}.png`) });
  }
  await screenshot(page, 'deck-print-first-page');
  // A diagram slide and the page of notes that follows it, as they print.
  const diagramPage = page.locator('.pdf-page', { has: page.locator('#how-jaeger-works') });
  await diagramPage.screenshot({ path: path.join(testOutputDir, 'screenshots', 'deck-print-how-jaeger-works.png') });
  await page
    .locator('.pdf-page:has(#how-jaeger-works) + .speaker-notes-pdf')
    .screenshot({ path: path.join(testOutputDir, 'screenshots', 'deck-print-how-jaeger-works-notes.png') });
  const pdf = path.join(testOutputDir, 'deck.pdf');
  await page.pdf({ path: pdf, preferCSSPageSize: true, printBackground: true });
  assert.ok(statSync(pdf).size > 50_000, 'the PDF has content');
  // A page per slide and one for its notes, and nothing more: no blank page at the end.
  const pageCount = (readFileSync(pdf, 'latin1').match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length;
  assert.equal(pageCount, 2 * SLIDE_COUNT, 'PDF pages');
  assert.deepEqual(seen.errors, []);
  assert.deepEqual(seen.external, []);
});
