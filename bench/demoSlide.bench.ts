// `npm run bench demoSlide`: the Demo slide's push path (/api/live) against 400 ms polling, and the five plug proofs in the script's order, idle and under a full room (DEMO_BENCH=push,plugs,room).
import { spawn } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { ensureDeckBuilt, projectRoot, startDeckServer, testConfig, type DeckServer } from '../server/index.ts';
import { createLog } from '../pkg/index.ts';
import { launchBrowser, screenshot, waitFor } from '../devkit/index.ts';
import { ascending, holeCatalog, median, quantile, type DemoRequestResult } from '../model/index.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const WARMUP = 2;
const TOKEN = 'test-presenter-token';
const POLL_MS = 400;

/**
 * Push path, in the Demo slide's page: every change of the slide's trace or span count is stamped as
 * the DOM changes (the slide draws before it sets them). Both paths stamp the same moment — the drawn
 * DOM, not the paint — since a page's animation frames are throttled whenever its window is not in front.
 * Plain JavaScript text: tsx would wrap named functions in a helper the page lacks.
 */
const PUSH_RECORDER = `(() => {
  const host = document.querySelector('[data-demo-state]');
  window.__draws = [];
  new MutationObserver(() => {
    const id = host.dataset.traceId, spans = Number(host.dataset.spanCount || 0);
    if (!id) return;
    window.__draws.push({ id, spans, at: performance.now() });
  }).observe(host, { attributes: true, attributeFilter: ['data-trace-id', 'data-span-count'] });
})()`;

/**
 * Polling path, in the standalone viewer's page with the same viewer: send the request, then GET the
 * trace every 400 ms and draw each bigger copy, stamped once drawn, until two looks in a row
 * find nothing new (join/browser/traceWait.ts's rule). Returns the answer's time and the draws.
 */
const POLL_ROUND = `(async ({ token, pollMs }) => {
  const res = await fetch('/api/demo/requests', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body: JSON.stringify({ kind: 'normal', count: 1 }) });
  const [{ traceID }] = await res.json();
  const answeredAt = performance.now();
  const draws = [];
  let best = 0, stable = 0;
  while (stable < 2 && performance.now() - answeredAt < 15000) {
    await new Promise((r) => setTimeout(r, pollMs));
    const r = await fetch('/api/traces/' + traceID, { cache: 'no-store' });
    if (!r.ok) continue;
    const trace = (await r.json()).data[0];
    if (trace.spans.length > best) {
      best = trace.spans.length;
      stable = 0;
      window.viewerPage.viewer.show(trace);
      draws.push({ spans: best, at: performance.now() });
    } else stable++;
  }
  return { traceID, answeredAt, draws };
})`;

interface Draw {
  spans: number;
  at: number;
}

const pct = (xs: number[], q: number) => quantile(ascending(xs), q);
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const line = (name: string, xs: number[]) =>
  `  ${name.padEnd(34)} p50 ${fmt(pct(xs, 0.5)).padStart(7)}  p95 ${fmt(pct(xs, 0.95)).padStart(7)}  min ${fmt(Math.min(...xs)).padStart(7)}  max ${fmt(Math.max(...xs)).padStart(7)}`;

const PARTS = new Set((process.env.DEMO_BENCH ?? 'push,plugs').split(','));

export async function run(): Promise<void> {
  const log = createLog('bench', 'silent');
  await ensureDeckBuilt(projectRoot, 'dist', log);
  const server = await startDeckServer(testConfig(), { log });
  const browser = await launchBrowser();
  try {
    if (PARTS.has('push')) await pushVsPoll(server, browser);
    if (PARTS.has('plugs')) await plugsInScriptOrder(server, browser);
    if (PARTS.has('room')) await plugsUnderTheRoom(server, browser);
  } finally {
    await browser.close();
    await server.close();
  }
}

async function pushVsPoll(server: DeckServer, browser: Browser): Promise<void> {
  {
    // Each path in its own context (its own window), brought to the front for its round: a page in a
    // background tab gets its animation frames throttled, which would slow whichever path ran behind.
    const slide = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await slide.goto(`${server.url}/?token=${TOKEN}#/demo`);
    await slide.waitForFunction(() => {
      const h = document.querySelector<HTMLElement>('[data-demo-state]');
      return h?.dataset.mesh === 'up' && h.dataset.stream === 'open';
    });
    await slide.evaluate(PUSH_RECORDER);
    const poller = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await poller.goto(`${server.url}/viewer.html`);
    await poller.waitForFunction(() => Boolean((window as unknown as { viewerPage?: unknown }).viewerPage));

    /** The span count the store ends with, once every service's reporter has flushed. */
    const finalSpans = (traceID: string) =>
      waitFor(
        'the trace to stop growing',
        async () => {
          const first = await (await fetch(`${server.url}/api/traces/${traceID}`)).json();
          await new Promise((r) => setTimeout(r, 300));
          const again = await (await fetch(`${server.url}/api/traces/${traceID}`)).json();
          const n = (again as { data: { spans: unknown[] }[] }).data[0]!.spans.length;
          return n === (first as { data: { spans: unknown[] }[] }).data[0]!.spans.length ? n : undefined;
        },
        { timeoutMs: 15_000, intervalMs: 100 },
      );

    const pushRound = async (): Promise<{ first: number; whole: number }> => {
      await slide.bringToFront();
      await slide.evaluate(() => performance.clearResourceTimings());
      const answered = slide.waitForResponse((r) => r.url().endsWith('/api/demo/requests'));
      await slide.click('.demo-send');
      const [answer] = (await (await answered).json()) as DemoRequestResult[];
      if (!answer) throw new Error('the demo API answered the slide with no result');
      const { traceID } = answer;
      const responseEnd = await slide.evaluate(
        () =>
          (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
            .filter((e) => e.name.endsWith('/api/demo/requests'))
            .at(-1)!.responseEnd,
      );
      const n = await finalSpans(traceID);
      const draws = await waitFor(
        'the slide to draw the whole trace',
        async () => {
          const d = await slide.evaluate(
            (id) => (window as unknown as { __draws: (Draw & { id: string })[] }).__draws.filter((x) => x.id === id),
            traceID,
          );
          return d.some((x) => x.spans === n) ? d : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 100 },
      );
      if (process.env.BENCH_VERBOSE)
        console.log('push draws', n, draws.map((d) => `${d.spans}@${(d.at - responseEnd).toFixed(0)}`).join(' '));
      return { first: draws[0]!.at - responseEnd, whole: draws.find((x) => x.spans === n)!.at - responseEnd };
    };
    const pollRound = async (): Promise<{ first: number; whole: number }> => {
      await poller.bringToFront();
      const r = (await poller.evaluate(`${POLL_ROUND}(${JSON.stringify({ token: TOKEN, pollMs: POLL_MS })})`)) as {
        traceID: string;
        answeredAt: number;
        draws: Draw[];
      };
      const n = await finalSpans(r.traceID);
      const whole = r.draws.find((d) => d.spans === n);
      if (!whole) throw new Error(`polling never drew the whole trace ${r.traceID} (${n} spans)`);
      return { first: r.draws[0]!.at - r.answeredAt, whole: whole.at - r.answeredAt };
    };

    const push = { first: [] as number[], whole: [] as number[] };
    const poll = { first: [] as number[], whole: [] as number[] };
    for (let i = 0; i < ROUNDS + WARMUP; i++) {
      // A B, then B A: neither path always runs on the heels of the other.
      const order = i % 2 === 0 ? ([pushRound, pollRound] as const) : ([pollRound, pushRound] as const);
      const results = [];
      for (const f of order) results.push({ f, r: await f() });
      if (i < WARMUP) continue; // first paints of the viewer, JIT, the mesh's first connections
      for (const { f, r } of results) {
        const into = f === pushRound ? push : poll;
        into.first.push(r.first);
        into.whole.push(r.whole);
      }
    }
    console.log(
      `${ROUNDS} alternating rounds (after ${WARMUP} warm-up), one normal request per path per round, times after the request's answer reached the page:`,
    );
    console.log(line('push (/api/live): first draw', push.first));
    console.log(line('push (/api/live): whole trace drawn', push.whole));
    console.log(line(`polling every ${POLL_MS} ms: first draw`, poll.first));
    console.log(line(`polling every ${POLL_MS} ms: whole trace drawn`, poll.whole));
    console.log(
      `  whole trace on screen, p50: push ${fmt(pct(push.whole, 0.5))} vs polling ${fmt(pct(poll.whole, 0.5))} — polling takes ${(pct(poll.whole, 0.5) / Math.max(1, pct(push.whole, 0.5))).toFixed(1)}× as long`,
    );
    console.log(
      '  (negative first-draw figures: the trace was on screen before the answer arrived — spans beat the answer over /api/live)',
    );
  }
}

const PLUG_ROUNDS = Number(process.env.PLUG_ROUNDS ?? 5);

/** One proof as the slide showed it. */
export interface PlugReading {
  holeId: string;
  verdict: string;
  /** The saving the headline states, in percent; NaN when it states none. */
  savingPct: number;
  headline: string;
  finding: string;
}

/** Opens the Demo slide as the presenter, every hole open, one warm-up request sent (the mesh's first request pays for connections). */
export async function freshDemo(server: DeckServer, browser: Browser, viewport = { width: 1920, height: 1080 }): Promise<Page> {
  for (const h of holeCatalog) await server.mesh!.setHole(h.id, false);
  const page = await browser.newPage({ viewport });
  await page.goto(`${server.url}/?token=${TOKEN}#/demo`);
  await page.waitForFunction(() => {
    const h = document.querySelector<HTMLElement>('[data-demo-state]');
    return h?.dataset.mesh === 'up' && h.dataset.stream === 'open';
  });
  const answered = page.waitForResponse((r) => r.url().endsWith('/api/demo/requests'));
  await page.click('.demo-send');
  const [first] = (await (await answered).json()) as DemoRequestResult[];
  await page.waitForFunction((id) => document.querySelector<HTMLElement>('[data-demo-state]')?.dataset.traceId === id, first!.traceID, {
    timeout: 20_000,
  });
  return page;
}

/** Plugs the hole the on-slide guide names next (the script's order), as a presenter clicks it, and reads the proof. */
export async function plugNext(page: Page): Promise<PlugReading> {
  const holeId = await page.locator('.demo-guide').getAttribute('data-hole');
  if (!holeId) throw new Error('the guide names no next hole');
  await page.click(`.demo-hole[data-hole="${holeId}"]`);
  await page.waitForFunction(
    (h) =>
      document.querySelector<HTMLElement>('.demo-compare:not([hidden])')?.dataset.hole === h ||
      document.querySelector('.demo-holes-problem')?.textContent,
    holeId,
    { timeout: 120_000, polling: 200 },
  );
  const problem = await page.locator('.demo-holes-problem').innerText();
  if (problem) return { holeId, verdict: 'failed', savingPct: NaN, headline: problem, finding: '' };
  const headline = await page.locator('.demo-compare .proof-headline').innerText();
  const finding = await page.locator('.demo-compare .proof-finding').innerText();
  const verdict = (await page.locator('.demo-compare').getAttribute('data-verdict')) ?? '';
  const saving = /(\d+)% less time/.exec(headline);
  return { holeId, verdict, savingPct: saving ? Number(saving[1]) : NaN, headline, finding };
}

/** Each plug's savings over the rounds: min, median, max, and how many rounds named the finding gone. */
export function plugTable(readings: PlugReading[][], label = ''): string[] {
  const ids = readings[0]?.map((r) => r.holeId) ?? [];
  return ids.map((id) => {
    const of = readings.map((round) => round.find((r) => r.holeId === id)!).filter(Boolean);
    const xs = of.map((r) => r.savingPct).filter(Number.isFinite);
    const gone = of.filter((r) => r.finding.startsWith('Gone:')).length;
    const spread = xs.length
      ? `median ${median(xs).toFixed(0).padStart(3)}%  min ${Math.min(...xs)
          .toFixed(0)
          .padStart(3)}%  max ${Math.max(...xs)
          .toFixed(0)
          .padStart(3)}%`
      : 'no saving stated';
    return `  ${label}${(holeCatalog.find((h) => h.id === id)?.shortName ?? id).padEnd(8)} ${spread}  [${of.map((r) => (Number.isFinite(r.savingPct) ? `${r.savingPct}` : r.verdict)).join(' ')}]  Gone line ${gone}/${of.length}`;
  });
}

async function plugsInScriptOrder(server: DeckServer, browser: Browser): Promise<void> {
  const rounds: PlugReading[][] = [];
  for (let i = 0; i < PLUG_ROUNDS; i++) {
    const page = await freshDemo(server, browser);
    const round: PlugReading[] = [];
    for (let n = 0; n < holeCatalog.length; n++) round.push(await plugNext(page));
    await page.close();
    rounds.push(round);
    if (process.env.BENCH_VERBOSE) for (const r of round) console.log(`  round ${i + 1} ${r.holeId}: ${r.headline} | ${r.finding}`);
  }
  console.log(
    `${PLUG_ROUNDS} rounds, every hole opened then plugged in the script's order (the guide's next step) on an idle mesh, the slide's own proofs at 1920×1080:`,
  );
  for (const l of plugTable(rounds)) console.log(l);
  const weakest = rounds.flat().filter((r) => !(r.savingPct >= 25) || !r.finding.startsWith('Gone:'));
  console.log(
    weakest.length === 0
      ? '  every plug: ≥ 25% less time with a Gone line'
      : `  below 25% or without a Gone line: ${weakest.map((r) => `${r.holeId} (${r.headline} ${r.finding})`).join('; ')}`,
  );
}

const ROOM_ROUNDS = Number(process.env.ROOM_ROUNDS ?? 2);
/** The issue's keen room: `npm run loadtest -- --attendees 300 --rate 60 --live 50`. */
const ROOM = ['--attendees', '300', '--rate', '60', '--live', '50'];

interface CrowdRun {
  sent: number;
  ok: number;
  /** 429s: each carries its reason (the load test counts them by the limit named). */
  refused: number;
  /** Anything else: a request with no answer or no reason. */
  lost: number;
  /** The lost answers by kind (`503: 1`, `network ECONNRESET: 1`). */
  lostKinds: string;
  /** Requests cut off on a kept-alive connection the server had closed as idle, sent again on a new one (as a browser does). */
  resent: number;
  /** The load test's figures for those: how long each connection had been idle, how soon after sending the cut came. */
  resentHow: string;
  seconds: number;
  text: string;
}

/** Runs the load test against the server until `until` settles (then SIGINT: it stops sending and reports), or for `seconds`. */
async function crowd(server: DeckServer, seconds: number, until?: (started: Promise<void>) => Promise<void>): Promise<CrowdRun> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'scripts/loadtest.ts', '--url', server.url, ...ROOM, '--duration', String(seconds)],
    { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  let connected: () => void = () => undefined;
  const started = new Promise<void>((r) => (connected = r));
  child.stdout.on('data', (c: Buffer) => {
    text += c.toString();
    if (/connected: /.test(text)) connected();
  });
  child.stderr.on('data', (c: Buffer) => (text += c.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  if (until) {
    await until(started);
    child.kill('SIGINT');
  }
  await exited;
  const m = /requests\s+sent (\d+) in ([\d.]+) s .*?; ok (\d+); rate-limited (\d+); other errors (\d+)/.exec(text);
  if (!m) throw new Error(`the load test printed no summary:\n${text.slice(-2000)}`);
  const [sent, secs, ok, refused, other] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  // Which answers were neither ok nor a refusal with a reason (status or network error), as the load test names them.
  const kinds = /other errors \d+ \[([^\]]*)\]/.exec(text)?.[1] ?? '';
  const lostKinds = kinds
    .split(', ')
    .filter((k) => k && !k.startsWith('429'))
    .join(', ');
  const resent = Number(/; resent (\d+)/.exec(text)?.[1] ?? NaN);
  const resentHow = /; resent \d+ \([^:)]*: ([^)]*)\)/.exec(text)?.[1] ?? '';
  return { sent, ok, refused, lost: other, lostKinds, resent, resentHow, seconds: secs, text };
}

/** The presenter explains each hole before plugging it; proofs back to back would hold the room far more than a talk does. */
const EXPLAIN_MS = Number(process.env.EXPLAIN_MS ?? 10_000);

async function plugsUnderTheRoom(server: DeckServer, browser: Browser): Promise<void> {
  const idle: PlugReading[][] = [];
  const loaded: PlugReading[][] = [];
  const runs: CrowdRun[] = [];
  /** When each hole was plugged in the last loaded round, ms after its start: the crowd's baseline replays them. */
  let switchTimes: number[] = [];
  const plugAll = async (loaded: boolean) => {
    const page = await freshDemo(server, browser);
    const round: PlugReading[] = [];
    const t0 = performance.now();
    if (loaded) switchTimes = [];
    for (let n = 0; n < holeCatalog.length; n++) {
      if (loaded) await new Promise((r) => setTimeout(r, EXPLAIN_MS));
      round.push(await plugNext(page));
      if (loaded) switchTimes.push(performance.now() - t0);
      // What the room sees of each proof under the crowd: the verdict, its room line and the panes (test-output/screenshots/).
      if (loaded) await screenshot(page, `bench-room-${round.at(-1)!.holeId}-1920x1080`);
      const room = await page
        .locator('.demo-compare .proof-room')
        .innerText()
        .catch(() => '');
      if (process.env.BENCH_VERBOSE)
        console.log(`    ${round.at(-1)!.holeId}: ${round.at(-1)!.headline} | ${round.at(-1)!.finding}${room ? ` | ${room}` : ''}`);
    }
    await page.close();
    return round;
  };
  for (let i = 0; i < ROOM_ROUNDS; i++) {
    if (process.env.BENCH_VERBOSE) console.log(`  round ${i + 1}, idle:`);
    idle.push(await plugAll(false));
    if (process.env.BENCH_VERBOSE) console.log(`  round ${i + 1}, under the room:`);
    let round: PlugReading[] = [];
    runs.push(
      await crowd(server, 600, async (started) => {
        await started;
        round = await plugAll(true);
      }),
    );
    loaded.push(round);
  }
  // Without proofs, like for like: the same crowd while the same holes are switched at the same moments, no hold.
  const order = loaded[0]!.map((r) => r.holeId);
  for (const h of holeCatalog) await server.mesh!.setHole(h.id, false);
  const baseline = await crowd(server, 600, async (started) => {
    await started;
    const t0 = performance.now();
    for (const [k, at] of switchTimes.entries()) {
      await new Promise((r) => setTimeout(r, Math.max(0, at - (performance.now() - t0))));
      await server.mesh!.setHole(order[k] as (typeof holeCatalog)[number]['id'], true);
    }
  });
  console.log(
    `${ROOM_ROUNDS} rounds, idle then under the room (loadtest ${ROOM.join(' ')}), every hole plugged in the script's order on the slide:`,
  );
  for (const l of plugTable(idle, 'idle   ')) console.log(l);
  for (const l of plugTable(loaded, 'loaded ')) console.log(l);
  const gaps = holeCatalog.map((h) => {
    const d = idle.map((round, i) =>
      Math.abs(round.find((r) => r.holeId === h.id)!.savingPct - loaded[i]!.find((r) => r.holeId === h.id)!.savingPct),
    );
    return `${h.shortName} ${d.map((x) => (Number.isFinite(x) ? x.toFixed(0) : '–')).join('/')}`;
  });
  console.log(`  |idle − loaded| saving, points, per round pair: ${gaps.join(', ')}`);
  const rate = (r: CrowdRun) => r.ok / r.seconds;
  console.log(
    `  crowd without proofs (the same switches at the same moments, ${EXPLAIN_MS / 1000} s of explaining before each): sent ${baseline.sent}, ok ${baseline.ok}, refused with a reason ${baseline.refused}, lost ${baseline.lost}${baseline.lost ? ` [${baseline.lostKinds}]` : ''}, resent ${baseline.resent}${baseline.resent ? ` [${baseline.resentHow}]` : ''}; ${rate(baseline).toFixed(1)} answered/s`,
  );
  for (const [i, r] of runs.entries())
    console.log(
      `  crowd during round ${i + 1}'s proofs: sent ${r.sent}, ok ${r.ok}, refused with a reason ${r.refused}, lost ${r.lost}${r.lost ? ` [${r.lostKinds}]` : ''}, resent ${r.resent}${r.resent ? ` [${r.resentHow}]` : ''} (sent = ok + refused: ${r.sent === r.ok + r.refused}); ${rate(r).toFixed(1)} answered/s over ${r.seconds.toFixed(0)} s (${((rate(r) / rate(baseline)) * 100).toFixed(0)}% of without)`,
    );
  if (process.env.BENCH_VERBOSE)
    console.log(
      runs
        .at(-1)
        ?.text.split('\n')
        .filter((l) => /^(requests|latency|presenter|server|client)/.test(l))
        .join('\n'),
    );
}
