// `npm run bench mesh`: mesh throughput with tracing on vs JAEGER_DISABLED=true, and latency with holes open vs plugged.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createMesh, type Mesh, type RequestKind } from '../demo-app/index.ts';
import { createEmbeddedJaeger } from '../embedded-jaeger/index.ts';
import { createLog } from '../server/log.ts';

const log = createLog('bench', 'silent');
const throughputSeconds = Number(process.env.BENCH_SECONDS ?? 8);
const concurrency = 8;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(0)} ms`;

async function withMesh<T>(env: Record<string, string>, collectorEndpoint: string, work: (mesh: Mesh) => Promise<T>): Promise<T> {
  const mesh = createMesh({ collectorEndpoint, seed: 42, log, env });
  await mesh.start();
  try {
    await mesh.sendRequests('normal', 5); // warm the JIT and the keep-alive connections
    return await work(mesh);
  } finally {
    await mesh.stop();
  }
}

const setAll = async (mesh: Mesh, plugged: boolean) => {
  for (const h of mesh.holes()) await mesh.setHole(h.id, plugged);
};

/** CPU time (user + system, ms) the mesh's processes have used so far; undefined where /proc is missing. */
function meshCpuMs(mesh: Mesh): number | undefined {
  try {
    const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
    return mesh.processes().reduce((sum, p) => {
      const fields = readFileSync(`/proc/${p.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
    }, 0);
  } catch {
    return undefined;
  }
}

/**
 * Closed loop: `concurrency` clients, each sending its next order as soon as the last one answered.
 * Also CPU per order, which a busy machine disturbs far less than orders per second.
 */
async function throughput(mesh: Mesh): Promise<{ perSecond: number; errors: number; cpuMsPerOrder: number | undefined }> {
  const cpuBefore = meshCpuMs(mesh);
  const until = performance.now() + throughputSeconds * 1000;
  let done = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const [r] = await mesh.sendRequests('normal', 1);
        if (r.status === 200) done++;
        else errors++;
      }
    }),
  );
  const cpuAfter = meshCpuMs(mesh);
  const cpuMsPerOrder = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / done;
  return { perSecond: done / throughputSeconds, errors, cpuMsPerOrder };
}

async function latency(mesh: Mesh, kind: RequestKind) {
  const lone: number[] = [];
  for (let i = 0; i < 5; i++) lone.push((await mesh.sendRequests(kind, 1))[0].durationMs);
  const burst = await mesh.sendRequests(kind, 10);
  const b = burst.map((r) => r.durationMs);
  return { lone: median(lone), burstMedian: median(b), burstMax: Math.max(...b) };
}

export async function run(): Promise<void> {
  const jaeger = createEmbeddedJaeger({
    host: '127.0.0.1',
    udpCompactPort: 0,
    udpBinaryPort: 0,
    httpPort: 0,
    maxSpans: 2_000_000,
    maxTraces: 100_000,
    log,
  });
  await jaeger.start();
  const endpoint = `http://127.0.0.1:${jaeger.ports.http}/api/traces`;
  try {
    const traced = await withMesh({}, endpoint, async (mesh) => {
      const rows: [string, Awaited<ReturnType<typeof latency>>][] = [];
      await setAll(mesh, false);
      rows.push(['normal, holes open', await latency(mesh, 'normal')]);
      rows.push(['slow,   holes open', await latency(mesh, 'slow')]);
      await setAll(mesh, true);
      await mesh.sendRequests('slow', 1); // a warm cache, as on stage after the first request
      rows.push(['normal, all plugged', await latency(mesh, 'normal')]);
      rows.push(['slow,   all plugged', await latency(mesh, 'slow')]);
      console.log('latency (tracing on)          lone (median of 5)   burst of 10: median / max');
      for (const [label, r] of rows) console.log(`  ${label.padEnd(26)} ${ms(r.lone).padStart(10)}   ${ms(r.burstMedian).padStart(14)} / ${ms(r.burstMax)}`);
      const open = rows[0][1];
      const plugged = rows[2][1];
      console.log(`  open ÷ plugged (normal): lone ${(open.lone / plugged.lone).toFixed(1)}×, burst max ${(open.burstMax / plugged.burstMax).toFixed(1)}×`);
      const counts = await mesh.spanCounts();
      return { tput: await throughput(mesh), counts };
    });
    const spansPerOrder = traced.counts.reduce((n, c) => n + c.reported, 0);
    const untraced = await withMesh({ JAEGER_DISABLED: 'true' }, endpoint, async (mesh) => {
      await setAll(mesh, true);
      return throughput(mesh);
    });
    console.log(`throughput, all holes plugged, ${concurrency} concurrent clients, ${throughputSeconds} s each:`);
    const cpu = (x: number | undefined) => (x === undefined ? 'n/a' : `${x.toFixed(1)} ms`);
    console.log(`  tracing on:           ${traced.tput.perSecond.toFixed(1)} orders/s, mesh CPU ${cpu(traced.tput.cpuMsPerOrder)}/order (${traced.tput.errors} errors)`);
    console.log(`  JAEGER_DISABLED=true: ${untraced.perSecond.toFixed(1)} orders/s, mesh CPU ${cpu(untraced.cpuMsPerOrder)}/order (${untraced.errors} errors)`);
    console.log(`  throughput ratio on/off: ${(traced.tput.perSecond / untraced.perSecond).toFixed(2)}`);
    if (traced.tput.cpuMsPerOrder && untraced.cpuMsPerOrder) {
      console.log(`  CPU per order ratio on/off: ${(traced.tput.cpuMsPerOrder / untraced.cpuMsPerOrder).toFixed(2)}`);
    }
    const stats = jaeger.stats().http;
    console.log(`  embedded Jaeger: ${stats.stored} spans stored, ${stats.rejected} bodies rejected (${spansPerOrder} spans reported before the throughput run)`);
    console.log(`  load average at the end: ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores (figures above are only comparable on a quiet machine)`);
  } finally {
    await jaeger.stop();
  }
}
