// `npm run bench analyzer`: the hole finder against ground truth on the real mesh (a confusion table), and its speed on 1k/10k/100k-span traces.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyzeTrace } from '../analysis/index.ts';
import { median, type JaegerTrace } from '../model/index.ts';
import { formatConfusion, holeShapedTrace, launchBrowser, measureConfusion, startGroundTruth } from '../devkit/index.ts';

// Speed first (in-process, seconds), then ground truth on the real mesh (minutes; ANALYZER_SKIP_MESH=1 skips it).

/** Traces per mesh state (ANALYZER_TRACES, default 20). */
const perState = Number(process.env.ANALYZER_TRACES ?? 20);

/** A baseline in the same run: one pass touching every span's tags, the least any analysis must do. */
function touchEveryTag(trace: ReturnType<typeof holeShapedTrace>): number {
  let n = 0;
  for (const s of trace.spans) for (const t of s.tags) n += t.key.length;
  return n;
}

/** CPU time of this process, ms: unlike wall time it does not count the moments a busy machine gives the CPU to others. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function speed(): void {
  console.log(
    'analysis time on generated traces (3 warm-up runs, then 7 alternating with a baseline pass over every tag; median wall time and median CPU time):',
  );
  for (const size of [1_000, 10_000, 100_000]) {
    const trace = holeShapedTrace(size);
    for (let w = 0; w < 3; w++) analyzeTrace(trace); // warm the JIT
    const wall: number[] = [];
    const cpu: number[] = [];
    const base: number[] = [];
    let findings = 0;
    for (let r = 0; r < 7; r++) {
      const c0 = cpuMs();
      let t0 = performance.now();
      findings = analyzeTrace(trace).length;
      wall.push(performance.now() - t0);
      cpu.push(cpuMs() - c0);
      t0 = performance.now();
      touchEveryTag(trace);
      base.push(performance.now() - t0);
    }
    const spread = `${Math.min(...wall).toFixed(1)}–${Math.max(...wall).toFixed(1)}`;
    console.log(
      `  ${String(size).padStart(7)} spans: wall ${median(wall).toFixed(1).padStart(7)} ms (spread ${spread}), CPU ${median(cpu).toFixed(1).padStart(7)} ms, ${(median(wall) / Math.max(0.01, median(base))).toFixed(0)}× one pass over the tags; ${findings} findings`,
    );
  }
}

/**
 * The same sizes in headless Chromium, where the viewer and the Demo slide run it: the analysis and
 * the trace generator bundled by esbuild into one page, timed there with performance.now().
 */
async function speedInBrowser(): Promise<void> {
  const { build } = await import('esbuild');
  const entry = `import { analyzeTrace } from ${JSON.stringify(path.resolve('analysis/index.ts'))};
import { holeShapedTrace } from ${JSON.stringify(path.resolve('devkit/holeShapedTrace.ts'))};
window.measure = (size) => {
  const trace = holeShapedTrace(size);
  for (let w = 0; w < 3; w++) analyzeTrace(trace);
  const times = [];
  for (let r = 0; r < 7; r++) { const t0 = performance.now(); analyzeTrace(trace); times.push(performance.now() - t0); }
  return times.sort((a, b) => a - b);
};`;
  const out = await build({
    stdin: { contents: entry, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    format: 'iife',
    write: false,
    minify: true,
  });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>analyzer bench</title>');
    await page.addScriptTag({ content: out.outputFiles[0]!.text });
    console.log('the same in headless Chromium (median of 7 after 3 warm-up runs, wall time):');
    for (const size of [1_000, 10_000, 100_000]) {
      const times = await page.evaluate((n) => (window as unknown as { measure(n: number): number[] }).measure(n), size);
      console.log(
        `  ${String(size).padStart(7)} spans: ${times[3]!.toFixed(1).padStart(7)} ms (spread ${times[0]!.toFixed(1)}–${times[6]!.toFixed(1)})`,
      );
    }
  } finally {
    await browser.close();
  }
}

export async function run(): Promise<void> {
  speed();
  await speedInBrowser();
  if (process.env.ANALYZER_SKIP_MESH) return;
  const gt = await startGroundTruth(Number(process.env.MESH_SEED ?? 42));
  try {
    const t0 = performance.now();
    // ANALYZER_SAVE=<dir> keeps each state's traces as Jaeger JSON, to read the misses with npm run analyze.
    const saveDir = process.env.ANALYZER_SAVE;
    if (saveDir) mkdirSync(saveDir, { recursive: true });
    const save = saveDir
      ? (state: string, traces: JaegerTrace[]) =>
          writeFileSync(path.join(saveDir, `${state.replace(/\W+/g, '-')}.json`), JSON.stringify({ data: traces }))
      : undefined;
    const rows = await measureConfusion(gt, (count) => Math.ceil(perState / count), save);
    console.log(
      `\nconfusion table on the real mesh (MESH_SEED ${process.env.MESH_SEED ?? 42}; each hole alone open with its pattern, then all plugged with every pattern):`,
    );
    console.log(formatConfusion(rows));
    const traces = rows.reduce((n, r) => n + r.traces, 0);
    const ms = rows.reduce((n, r) => n + r.analysisMs, 0);
    const spans = rows.reduce((n, r) => n + r.spans, 0);
    console.log(
      `  ${traces} traces (${spans} spans) analysed in ${ms.toFixed(0)} ms (${(ms / traces).toFixed(2)} ms each, ${((ms / spans) * 100_000).toFixed(0)} ms per 100k spans); the run took ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
  } finally {
    await gt.close();
  }
  console.log(`  load average at the end: ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`);
}
