// A fresh process that fills a store and prints its memory growth beside the store's byte count (one JSON line), so the test runner's own heap does not blur RSS.
import v8 from 'node:v8';
import vm from 'node:vm';
import { createEmbeddedJaeger } from '../../../embedded-jaeger/index.ts';
import { createLog } from '../../../pkg/index.ts';
import { fillStore } from './storeFill.ts';
import { smaps } from '/tmp/bytes/smaps.ts';
import { rollup } from '/tmp/bytes/roll.ts';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

/** After collecting, once RSS has settled: V8 and the array buffer sweeper give pages back on threads of their own. */
async function memory() {
  let last = Infinity;
  for (let i = 0; i < 40; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
    const rss = process.memoryUsage().rss;
    if (Math.abs(last - rss) < 256 * 1024) break;
    last = rss;
  }
  return process.memoryUsage();
}

const maxBytes = Number(process.argv[2]) || undefined;
const spans = Number(process.argv[3]) || 200_000;
const j = createEmbeddedJaeger({
  host: '127.0.0.1',
  udpCompactPort: 0,
  udpBinaryPort: 0,
  httpPort: 0,
  maxSpans: 10_000_000,
  maxTraces: 10_000_000,
  maxBytes,
  liveTickMs: 1,
  log: createLog('test', 'silent'),
});
const before = await memory();
const newSpace = () => v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')!.physical_space_size;
const newSpace0 = newSpace();
const sm0 = smaps();
const t0 = performance.now();
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
await fillStore(j, spans);
clearInterval(sampler);
const fillMs = performance.now() - t0;
await new Promise((r) => setTimeout(r, 2));
const noGc = process.memoryUsage();
const after = await memory();
if (process.env.SPACES) for (const sp of v8.getHeapSpaceStatistics()) console.error(sp.space_name, (sp.space_size/1048576).toFixed(1), (sp.space_used_size/1048576).toFixed(1), (sp.physical_space_size/1048576).toFixed(1));
const sm1 = smaps();
if (process.env.SMAPS) console.error(rollup());
if (process.env.SMAPS) for (const k of new Set([...Object.keys(sm0), ...Object.keys(sm1)])) console.error(k, ((sm1[k] ?? 0) / 1048576).toFixed(1), (((sm1[k] ?? 0) - (sm0[k] ?? 0)) / 1048576).toFixed(1));
const grew = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof typeof before]]));
process.stdout.write(`${JSON.stringify({ store: j.stats().store, before, after, grew, noGcRssGrew: noGc.rss - before.rss, noGcHeapTotal: noGc.heapTotal - before.heapTotal, peakRssGrew: Math.max(peakRss, after.rss) - before.rss, fillMs, newSpace: newSpace() - newSpace0 })}\n`);
