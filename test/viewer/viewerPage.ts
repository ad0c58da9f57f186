// What the viewer tests ask of a page: open the viewer, count the rows drawn, read the header.
import type { Page } from 'playwright-core';
import { waitFor } from '../../devkit/waitFor.ts';

/**
 * Opens /viewer.html and waits until its page script is running (`window.viewerPage`): the page's first script
 * only asks for the trace, and the rest of the page, its listeners included, arrives a moment after the load event.
 */
export async function openViewer(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForFunction(() => Boolean((window as unknown as { viewerPage?: unknown }).viewerPage), undefined, { timeout: 20_000 });
}

/** Row elements present and shown in the DOM (the virtualised list keeps this small). */
export function domRows(page: Page): Promise<number> {
  return page.locator('.tv-row:not([hidden])').count();
}

/** The header's figure for "Spans", "Services", "Depth", "Duration" or "Errors". */
export async function headerStat(page: Page, key: string): Promise<string | undefined> {
  return page.evaluate((k) => {
    for (const s of document.querySelectorAll('.tv-stat')) {
      if (s.querySelector('.tv-stat-key')?.textContent?.trim() === k) return s.querySelector('.tv-stat-value')?.textContent ?? undefined;
    }
    return undefined;
  }, key);
}

export async function waitForSpans(page: Page, count: string): Promise<void> {
  await waitFor(`header to say ${count} spans`, async () => (await headerStat(page, 'Spans')) === count, { timeoutMs: 20_000 });
}

export async function statusText(page: Page): Promise<string> {
  return (await page.locator('.vp-status').textContent()) ?? '';
}

/** Span indices of the rows drawn, in screen order. */
export async function drawnSpans(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.tv-row:not([hidden])')]
      .sort((a, b) => Number(a.getAttribute('aria-posinset')) - Number(b.getAttribute('aria-posinset')))
      .map((r) => r.querySelector('.tv-op')?.textContent ?? ''),
  );
}
