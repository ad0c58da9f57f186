// `npm run bench viewer`: the trace viewer in real headless Chromium — first render and collapse/expand at 1k, 10k, 100k spans, against a naive one-node-per-span render measured in the same run.
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { projectRoot } from '../server/deckServer.ts';
import { createLog } from '../server/log.ts';
import { ensureDeckBuilt } from '../server/staticDeck.ts';
import { launchBrowser } from '../test/support/browser.ts';

const SIZES = [1_000, 10_000, 100_000];
/** The naive render takes tens of seconds (or the tab) beyond this; the Jaeger UI issues report the same. */
const BASELINE_MAX = 10_000;
const REPEATS = 9;

/**
 * In-page code, kept as plain JavaScript text: tsx would wrap named functions in a helper the page lacks.
 * `frame()` resolves after the next paint, so each figure includes style, layout and paint.
 */
const PAGE_HELPERS = `
  window.__frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  // Time from an action until the frame that shows it has run its callbacks (the viewer draws in one).
  window.__toFrame = async (action) => {
    const t = performance.now();
    action();
    await new Promise((r) => requestAnimationFrame(r));
    const ms = performance.now() - t;
    await window.__frame();
    return ms;
  };
  window.__median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
`;

/** The viewer: show(), then collapse and expand the root with the keyboard, as a person would. */
const VIEWER_RUN = `async (n) => {
  const vp = window.viewerPage;
  const trace = vp.generateTrace(n, 7);
  vp.viewer.clear('');
  await window.__frame();
  const t0 = performance.now();
  vp.viewer.show(trace);
  await window.__frame();
  const firstRender = performance.now() - t0;
  const phases = vp.viewer.timings();
  const viewport = document.querySelector('.tv-viewport');
  viewport.focus();
  const key = (k) => viewport.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));
  key('Home');
  await window.__frame();
  const collapse = [], expand = [];
  for (let i = 0; i < ${REPEATS}; i++) {
    collapse.push(await window.__toFrame(() => key('ArrowLeft')));
    if (vp.viewer.openRowCount() !== 1 || document.querySelectorAll('.tv-row:not([hidden])').length !== 1) throw new Error('collapse did not happen');
    expand.push(await window.__toFrame(() => key('ArrowRight')));
    if (vp.viewer.openRowCount() !== n) throw new Error('expand did not happen');
  }
  const domRows = document.querySelectorAll('.tv-row').length;
  return { firstRender, phases, collapse: window.__median(collapse), expand: window.__median(expand), domRows };
}`;

/** The baseline: every span its own DOM row (label + bar), collapse by hiding each descendant row. */
const NAIVE_RUN = `async (n) => {
  const vp = window.viewerPage;
  vp.viewer.clear('');
  const trace = vp.generateTrace(n, 7);
  const host = document.createElement('div');
  host.style.cssText = 'position:fixed;inset:0;overflow:auto;background:#fff;font:18px system-ui';
  document.body.appendChild(host);
  await window.__frame();
  const t0 = performance.now();
  const t0us = Math.min(...trace.spans.map((s) => s.startTime));
  const total = Math.max(...trace.spans.map((s) => s.startTime + s.duration)) - t0us;
  const byId = new Map(trace.spans.map((s, i) => [s.spanID, i]));
  const depth = new Array(n).fill(0);
  const rows = [];
  trace.spans.forEach((s, i) => {
    const p = s.references.length ? byId.get(s.references[0].spanID) : undefined;
    depth[i] = p === undefined ? 0 : depth[p] + 1;
    const row = document.createElement('div');
    row.style.cssText = 'display:flex;height:34px;align-items:center';
    const label = document.createElement('div');
    label.style.cssText = 'width:40%;padding-left:' + depth[i] * 15 + 'px;white-space:nowrap;overflow:hidden';
    label.textContent = trace.processes[s.processID].serviceName + ' ' + s.operationName;
    const track = document.createElement('div');
    track.style.cssText = 'position:relative;flex:1;height:100%';
    const bar = document.createElement('div');
    bar.style.cssText = 'position:absolute;top:20%;height:60%;background:#0072B2;left:' + ((s.startTime - t0us) / total) * 100 + '%;width:' + (s.duration / total) * 100 + '%';
    track.appendChild(bar);
    row.append(label, track);
    host.appendChild(row);
    rows.push(row);
  });
  host.getBoundingClientRect();
  await window.__frame();
  const firstRender = performance.now() - t0;
  const collapse = [], expand = [];
  for (let i = 0; i < ${REPEATS}; i++) {
    collapse.push(await window.__toFrame(() => { for (let k = 1; k < n; k++) rows[k].style.display = 'none'; host.getBoundingClientRect(); }));
    expand.push(await window.__toFrame(() => { for (let k = 1; k < n; k++) rows[k].style.display = 'flex'; host.getBoundingClientRect(); }));
  }
  host.remove();
  return { firstRender, collapse: window.__median(collapse), expand: window.__median(expand), domRows: n };
}`;

interface Figures {
  firstRender: number;
  collapse: number;
  expand: number;
  domRows: number;
  phases?: { modelMs: number; criticalPathMs: number; drawMs: number };
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const ratio = (base: number | undefined, ours: number) => (base === undefined ? '—' : `${(base / ours).toFixed(1)}×`);

export async function run(): Promise<void> {
  const distDir = process.env.DIST_DIR ?? 'dist';
  await ensureDeckBuilt(projectRoot, distDir, createLog('bench', 'warn'));
  const app = express();
  app.use(express.static(path.resolve(projectRoot, distDir)));
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/viewer.html`;
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(url);
    await page.waitForFunction('window.viewerPage !== undefined');
    await page.evaluate(PAGE_HELPERS);
    // Warm-up: first use compiles the code paths; not what a presenter sees twice.
    await page.evaluate(`(${VIEWER_RUN})(500)`);

    const load = os.loadavg()[0]!.toFixed(1);
    console.log(`viewer in headless Chromium, 1920×1080, first render = show() to painted; collapse/expand = key press to the frame that shows it, median of ${REPEATS}, on the root (the largest subtree); ${os.cpus().length} cores, load average ${load}`);
    console.log('spans    | viewer: first render  collapse  expand  DOM rows | naive: first render  collapse  expand | speed-up: render  collapse  expand');
    for (const n of SIZES) {
      const ours = (await page.evaluate(`(${VIEWER_RUN})(${n})`)) as Figures;
      const base = n <= BASELINE_MAX ? ((await page.evaluate(`(${NAIVE_RUN})(${n})`)) as Figures) : undefined;
      const p = ours.phases;
      console.log(
        [
          String(n).padEnd(8),
          `| ${ms(ours.firstRender).padStart(20)} ${ms(ours.collapse).padStart(9)} ${ms(ours.expand).padStart(7)} ${String(ours.domRows).padStart(9)}`,
          `| ${(base ? ms(base.firstRender) : 'not run').padStart(19)} ${(base ? ms(base.collapse) : '—').padStart(9)} ${(base ? ms(base.expand) : '—').padStart(7)}`,
          `| ${ratio(base?.firstRender, ours.firstRender).padStart(16)} ${ratio(base?.collapse, ours.collapse).padStart(9)} ${ratio(base?.expand, ours.expand).padStart(7)}`,
        ].join(' '),
      );
      if (p) console.log(`         (viewer phases: model ${ms(p.modelMs)}, critical path ${ms(p.criticalPathMs)}, draw ${ms(p.drawMs)})`);
    }
    console.log('aims (issue 5): 100k spans open < 2000 ms; collapse/expand < 50 ms');
  } finally {
    await browser.close();
    server.closeAllConnections();
    server.close();
  }
}
