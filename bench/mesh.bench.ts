// `npm run bench mesh`: tracing overhead (ours vs jaeger-client's reporter vs kitchen on jaeger-client instead of OpenTelemetry vs JAEGER_DISABLED, which turns off both) in alternating rounds, span order, holes open vs plugged.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { createMesh, type Mesh, type RequestKind } from '../demo-app/index.ts';
import { median, type JaegerTrace } from '../model/index.ts';
import { createLog } from '../pkg/index.ts';
import { settledTraces, startQueryableJaeger } from '../devkit/index.ts';

const log = createLog('bench', 'silent');
const roundSeconds = Number(process.env.BENCH_SECONDS ?? 4);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const concurrency = 8;
/** Extra flush intervals of our reporter to compare, e.g. BENCH_FLUSH_SWEEP=25,100. */
const sweep = (process.env.BENCH_FLUSH_SWEEP ?? '').split(',').filter(Boolean).map(Number);

const ms = (x: number) => `${x.toFixed(0)} ms`;
const spread = (xs: number[], digits = 2) =>
  `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

const setAll = async (mesh: Mesh, plugged: boolean) => {
  for (const h of mesh.holes()) await mesh.setHole(h.id, plugged);
};

/** CPU time (user + system, ms) the mesh's processes have used so far; undefined where /proc is missing. */
function meshCpuMs(mesh: Mesh): number | undefined {
  try {
    return mesh.processes().reduce((sum, p) => {
      const fields = readFileSync(`/proc/${p.pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
      if (!fields) throw new Error(`/proc/${p.pid}/stat has no ") " after the command name`); // read as "no figure"
      return sum + (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ 100: a tick is 10 ms
    }, 0);
  } catch {
    return undefined;
  }
}

/** One request's result: the mesh answers each request it is sent, so a missing one stops the bench. */
async function sendOne(mesh: Mesh, kind: RequestKind) {
  const [r] = await mesh.sendRequests(kind, 1);
  if (!r) throw new Error(`the mesh answered no ${kind} request`);
  return r;
}

/** Closed loop: `concurrency` clients, each sending its next order as soon as the last one answered. */
async function throughput(mesh: Mesh, seconds: number) {
  const cpuBefore = meshCpuMs(mesh);
  const started = performance.now();
  const until = started + seconds * 1000;
  let done = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const r = await sendOne(mesh, 'normal');
        if (r.status === 200) done++;
        else errors++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = meshCpuMs(mesh);
  return {
    perSecond: done / elapsed,
    errors,
    cpuMsPerOrder: cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / done,
  };
}

async function latency(mesh: Mesh, kind: RequestKind) {
  const lone: number[] = [];
  for (let i = 0; i < 5; i++) lone.push((await sendOne(mesh, kind)).durationMs);
  const b = (await mesh.sendRequests(kind, 10)).map((r) => r.durationMs);
  return { lone: median(lone), burstMedian: median(b), burstMax: Math.max(...b) };
}

interface Variant {
  name: string;
  env: Record<string, string>;
  traced: boolean;
  mesh?: Mesh;
  perSecond: number[];
  cpu: number[];
  errors: number;
}

/** The worst CHILD_OF child outside its parent over the traces (µs); FOLLOWS_FROM children may outlive theirs. */
function worstStray(traces: JaegerTrace[]) {
  let early = 0;
  let late = 0;
  let pairs = 0;
  let earlyPair = '';
  let latePair = '';
  const name = (t: JaegerTrace, s: JaegerTrace['spans'][number]) => `${t.processes[s.processID]?.serviceName} ${s.operationName}`;
  for (const t of traces) {
    const byId = new Map(t.spans.map((s) => [s.spanID, s]));
    for (const s of t.spans) {
      const ref = s.references.find((r) => r.refType === 'CHILD_OF');
      const p = ref && byId.get(ref.spanID);
      if (!p) continue;
      pairs++;
      const e = p.startTime - s.startTime;
      const l = s.startTime + s.duration - (p.startTime + p.duration);
      if (e > early) [early, earlyPair] = [e, `${name(t, s)} in ${name(t, p)}`];
      if (l > late) [late, latePair] = [l, `${name(t, s)} in ${name(t, p)}`];
    }
  }
  return { early, late, pairs, earlyPair, latePair };
}

/** Time from a request's answer until its trace is whole in the store (every span its services reported). */
async function timeToWholeTrace(mesh: Mesh, trace: (id: string) => Promise<JaegerTrace | undefined>, samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const r = await sendOne(mesh, 'normal');
    const answered = performance.now();
    const seen: { at: number; n: number }[] = [];
    while (performance.now() - answered < 600) {
      seen.push({ at: performance.now() - answered, n: (await trace(r.traceID))?.spans.length ?? 0 });
      await new Promise((res) => setTimeout(res, 3));
    }
    const whole = (await trace(r.traceID))?.spans.length ?? 0;
    out.push(seen.find((s) => s.n === whole)?.at ?? 600);
  }
  return out;
}

export async function run(): Promise<void> {
  const j = await startQueryableJaeger({ maxSpans: 2_000_000, maxTraces: 100_000, log });
  const variants: Variant[] = [
    { name: 'traced, our reporter', env: {}, traced: true, perSecond: [], cpu: [], errors: 0 },
    { name: 'traced, jaeger-client reporter', env: { MESH_REPORTER: 'jaeger-client' }, traced: true, perSecond: [], cpu: [], errors: 0 },
    {
      name: 'traced, kitchen on jaeger-client',
      env: { MESH_TRACING_SDK: 'jaeger-client' },
      traced: true,
      perSecond: [],
      cpu: [],
      errors: 0,
    },
    { name: 'JAEGER_DISABLED=true', env: { JAEGER_DISABLED: 'true' }, traced: false, perSecond: [], cpu: [], errors: 0 },
    ...sweep.map((f) => ({
      name: `traced, our reporter, ${f} ms`,
      env: { JAEGER_REPORTER_FLUSH_INTERVAL: String(f) },
      traced: true,
      perSecond: [],
      cpu: [],
      errors: 0,
    })),
  ];
  try {
    for (const v of variants) {
      v.mesh = createMesh({ collectorEndpoint: j.collectorUrl, seed: 42, log, env: v.env });
      await v.mesh.start();
    }
    const main = variants[0]!.mesh!; // the first variant: the mesh as the talk runs it, started just above

    // Holes open vs plugged, and span order, on the mesh as the talk runs it.
    const normalOpen = await latency(main, 'normal');
    const slowOpen = await latency(main, 'slow');
    for (const v of variants) await setAll(v.mesh!, true);
    await main.sendRequests('slow', 1); // a warm cache, as on stage after the first request
    const normalPlugged = await latency(main, 'normal');
    const slowPlugged = await latency(main, 'slow');
    const rows = [
      ['normal, holes open', normalOpen],
      ['slow,   holes open', slowOpen],
      ['normal, all plugged', normalPlugged],
      ['slow,   all plugged', slowPlugged],
    ] as const;
    console.log('latency (tracing on)          lone (median of 5)   burst of 10: median / max');
    for (const [label, r] of rows)
      console.log(`  ${label.padEnd(26)} ${ms(r.lone).padStart(10)}   ${ms(r.burstMedian).padStart(14)} / ${ms(r.burstMax)}`);
    console.log(
      `  open ÷ plugged (normal): lone ${(normalOpen.lone / normalPlugged.lone).toFixed(1)}×, burst max ${(normalOpen.burstMax / normalPlugged.burstMax).toFixed(1)}×`,
    );

    // Span order over 200 traces: singles and bursts, holes open and plugged.
    const ids: string[] = [];
    await setAll(main, false);
    for (let i = 0; i < 40; i++) ids.push(...(await main.sendRequests(i % 4 === 0 ? 'slow' : 'normal', 1)).map((r) => r.traceID));
    for (let i = 0; i < 6; i++) ids.push(...(await main.sendRequests('normal', 10)).map((r) => r.traceID));
    await setAll(main, true);
    for (let i = 0; i < 40; i++) ids.push(...(await main.sendRequests(i % 4 === 0 ? 'slow' : 'normal', 1)).map((r) => r.traceID));
    for (let i = 0; i < 6; i++) ids.push(...(await main.sendRequests('normal', 10)).map((r) => r.traceID));
    const traces = await settledTraces(main, j.trace, ids);
    const stray = worstStray(traces);
    console.log(
      `span order over ${traces.length} traces (${stray.pairs} CHILD_OF pairs): worst child start before its parent ${stray.early} µs${stray.earlyPair ? ` (${stray.earlyPair})` : ''}, worst child end after its parent ${stray.late} µs${stray.latePair ? ` (${stray.latePair})` : ''}`,
    );

    // Request answered → trace whole in the store, per traced variant.
    for (const v of variants.filter((x) => x.traced)) {
      const t = await timeToWholeTrace(v.mesh!, j.trace, 15);
      console.log(
        `  answer → whole trace in the store, ${v.name}: median ${ms(median(t))}, max ${ms(Math.max(...t))} (15 normal orders; the slide adds its 50 ms live tick)`,
      );
    }

    // Throughput, all holes plugged, in alternating rounds so a busy machine hits every variant alike.
    for (const v of variants) await v.mesh!.sendRequests('normal', 10); // warm
    for (let r = 0; r < rounds; r++) {
      for (const v of variants) {
        const t = await throughput(v.mesh!, roundSeconds);
        v.perSecond.push(t.perSecond);
        if (t.cpuMsPerOrder !== undefined) v.cpu.push(t.cpuMsPerOrder);
        v.errors += t.errors;
      }
    }
    console.log(
      `throughput, all holes plugged, ${concurrency} concurrent clients, ${rounds} alternating rounds of ${roundSeconds} s: median (min–max)`,
    );
    for (const v of variants) {
      console.log(
        `  ${v.name.padEnd(34)} ${spread(v.perSecond, 1)} orders/s, mesh CPU ${v.cpu.length ? spread(v.cpu, 1) : 'n/a'} ms/order, ${v.errors} errors`,
      );
    }
    const off = variants.find((v) => !v.traced)!;
    for (const v of variants.filter((x) => x.traced)) {
      // Every variant ran every round, so perSecond[i] is round i on both sides; cpu only where both read /proc as often.
      const ratios = v.perSecond.map((x, i) => x / off.perSecond[i]!);
      const cpu = v.cpu.length === off.cpu.length && v.cpu.length ? v.cpu.map((x, i) => x / off.cpu[i]!) : [];
      console.log(
        `  ratio traced/untraced, ${v.name}: throughput ${spread(ratios)}${cpu.length ? `, CPU per order ${spread(cpu)}` : ''} (per round, median (min–max))`,
      );
    }
    const stats = j.jaeger.store.stats();
    console.log(`  embedded Jaeger store: ${JSON.stringify(stats)}`);
    console.log(
      `  load average at the end: ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores (figures are only comparable on a quiet machine)`,
    );
  } finally {
    await Promise.all(variants.map((v) => v.mesh?.stop()));
    await j.close();
  }
}
