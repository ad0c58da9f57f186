// One headless Chromium and one fixture server per viewer test file, opened before its tests and closed after them.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, watchPage } from '../../devkit/browser.ts';
import { distDir, startFixtureServer, type FixtureServer } from './fixtureServer.ts';
import { openViewer } from './viewerPage.ts';

/** The 11-span, two-service fixture most viewer tests open. */
export const TWO = 'url=/fixtures/jaeger-json/two-services-11-spans.json';

export interface ViewerSuite {
  readonly browser: Browser;
  readonly files: FixtureServer;
  /** A new page on `viewer.html?<query>`, its console and errors watched. */
  open(query: string, width?: number, height?: number): Promise<{ page: Page; watch: ReturnType<typeof watchPage> }>;
}

/** Registers the file's before/after hooks; pages open at `width`×`height` unless a test asks otherwise. */
export function viewerSuite(width: number, height: number): ViewerSuite {
  let browser: Browser | undefined;
  let files: FixtureServer | undefined;
  before(async () => {
    assert.ok(existsSync(path.join(distDir, 'viewer.html')), `build first (npx vite build): ${distDir}/viewer.html is missing`);
    [browser, files] = await Promise.all([launchBrowser(), startFixtureServer()]);
  });
  after(async () => {
    await browser?.close();
    await files?.close();
  });
  const suite: ViewerSuite = {
    get browser() {
      return browser!;
    },
    get files() {
      return files!;
    },
    async open(query, w = width, h = height) {
      const page = await suite.browser.newPage({ viewport: { width: w, height: h } });
      const watch = watchPage(page);
      await openViewer(page, `${suite.files.url}/viewer.html?${query}`);
      return { page, watch };
    },
  };
  return suite;
}
