// The built deck served alone (no mesh) to one headless Chromium: what the deck's browser tests share.
import { after, before } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../../../devkit/browser.ts';
import { createLog } from '../../../pkg/index.ts';
import { testConfig } from '../../../server/config.ts';
import { startDeckServer, type DeckServer } from '../../../server/deckServer.ts';

/** Every slide, the dives below their parent included; the arc across is ARC_LENGTH of them. */
export const SLIDE_COUNT = 20;
export const ARC_LENGTH = 16;
export const FULL_HD = { width: 1920, height: 1080 };
export const XGA = { width: 1024, height: 768 };

export interface DeckUnderTest {
  readonly server: DeckServer;
  readonly browser: Browser;
  /** A fresh page at the given size; reduced motion unless told otherwise, so screenshots never catch a transition. */
  newPage(viewport?: { width: number; height: number }, reducedMotion?: 'reduce' | 'no-preference'): Promise<Page>;
  /** Opens the deck (with `suffix`: a query and/or #/slide) and waits until reveal.js is ready. */
  openDeck(page: Page, suffix?: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDeckUnderTest(): Promise<DeckUnderTest> {
  const server = await startDeckServer(testConfig({ meshEnabled: false }), { log: createLog('test', 'silent') });
  let browser: Browser;
  try {
    browser = await launchBrowser();
  } catch (e) {
    await server.close();
    throw e;
  }
  const contexts: BrowserContext[] = [];
  return {
    server,
    browser,
    async newPage(viewport = FULL_HD, reducedMotion = 'reduce') {
      const context = await browser.newContext({ viewport, reducedMotion });
      // tsx compiles named inner functions of page.evaluate callbacks with an __name helper the page lacks.
      await context.addInitScript('globalThis.__name = (f) => f');
      contexts.push(context);
      return context.newPage();
    },
    async openDeck(page, suffix = '') {
      await page.goto(`${server.url}/${suffix}`);
      await page.waitForFunction(() => window.Reveal?.isReady?.() === true);
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await server.close();
    },
  };
}

/** The id of the slide reveal.js shows now. */
export const currentId = (page: Page): Promise<string> => page.evaluate(() => window.Reveal.getCurrentSlide().id);

/** The deck for the calling test file: started before its tests, closed after them, reached through the object returned. */
export function deckForTests(): DeckUnderTest {
  let deck: DeckUnderTest | undefined;
  before(async () => {
    deck = await startDeckUnderTest();
  });
  after(() => deck?.close());
  const started = (): DeckUnderTest => {
    if (!deck) throw new Error('the deck under test did not start');
    return deck;
  };
  return {
    get server() {
      return started().server;
    },
    get browser() {
      return started().browser;
    },
    newPage: (...args) => started().newPage(...args),
    openDeck: (...args) => started().openDeck(...args),
    close: () => started().close(),
  };
}
