// Launches headless Chromium for browser tests with no apt step: CHROME_PATH, /usr/bin/chromium, or @sparticuz/chromium.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const testOutputDir = path.resolve('test-output');

/** Flags that keep Chromium from reaching for the network (none exists here) or the GPU. */
const QUIET_FLAGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--disable-gpu',
  '--no-sandbox',
];

async function resolveChromium(): Promise<{ executablePath: string; args: string[] }> {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv && existsSync(fromEnv)) return { executablePath: fromEnv, args: QUIET_FLAGS };
  if (existsSync('/usr/bin/chromium')) return { executablePath: '/usr/bin/chromium', args: QUIET_FLAGS };
  const sparticuz = (await import('@sparticuz/chromium')).default;
  // --single-process and --no-zygote let one closing context take the whole browser down.
  const args = sparticuz.args.filter((a) => a !== '--single-process' && a !== '--no-zygote' && !a.startsWith('--headless'));
  return { executablePath: await sparticuz.executablePath(), args: [...args, ...QUIET_FLAGS] };
}

export async function launchBrowser(): Promise<Browser> {
  const { executablePath, args } = await resolveChromium();
  return chromium.launch({ executablePath, args, headless: true });
}

/** Saves a screenshot under test-output/screenshots and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = path.join(testOutputDir, 'screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Records console errors, page errors and any request that would leave the machine,
 * so a test can assert the deck is clean and offline.
 */
export function watchPage(page: Page): { errors: string[]; external: string[] } {
  const errors: string[] = [];
  const external: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol.startsWith('http') && !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) external.push(r.url());
  });
  return { errors, external };
}
