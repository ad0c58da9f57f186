// A fresh process that fills a store and prints its memory growth beside the store's byte count (one JSON line), so the test runner's own heap does not blur RSS.
// Run: node --import tsx test/jaeger/support/fillChild.ts [maxBytes, 0 = none] [spans]
import fs from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { createEmbeddedJaeger } from '../../../embedded-jaeger/index.ts';
import { createLog } from '../../../pkg/index.ts';
import { fillStore } from './storeFill.ts';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

/** After collecting, once RSS has settled: V8 and its array buffer sweeper give pages back on threads of their own. */
async function settled() {
  let last = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 40; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 50));
    const rss = process.memoryUsage().rss;
    if (Math.abs(last - rss) < 256 * 1024) break;
    last = rss;
  }
  const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.physical_space_size ?? 0;
  return { ...process.memoryUsage(), newSpace };
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
const before = await settled();
await fillStore(j, spans);
const unsettledRss = process.memoryUsage().rss;
const after = await settled();
/** The kernel's high-water mark of RSS (Linux), in bytes. */
const peakRss = Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
const grew = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof typeof before]]));
process.stdout.write(
  `${JSON.stringify({ store: j.stats().store, before, after, grew, peakRssGrew: peakRss - before.rss, unsettledRssGrew: unsettledRss - before.rss })}\n`,
);
