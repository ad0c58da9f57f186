// `npm run loadtest -- --url URL --attendees N --rate R --duration S`: a crowd of simulated attendees against a running deck server.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { agent, getJson, openStream, request, REQUEST_TIMEOUT_MS, resent, type Stream } from './loadtest/http.ts';
import { parseOptions, usage } from './loadtest/options.ts';
import type { ServerStats } from '../server/index.ts';
import { ascending, quantile, type AudienceStats, type CollectorStatsSnapshot, type RateLimitedBody } from '../model/index.ts';

// ── Measuring ───────────────────────────────────────────────────────────────

const percentile = (sorted: number[], p: number) => quantile(sorted, p / 100);

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const mib = (bytes: number) => `${fmt(bytes / 1048576)} MiB`;
const firstTen = (ms: number[]) =>
  ms
    .slice(0, 10)
    .map((x) => fmt(x))
    .join(', ');

interface Results {
  sent: number;
  ok: number;
  latencies: number[];
  serverDurations: number[];
  errors: Map<string, number>;
  traceIDs: string[];
  badStatuses: number;
}

function countError(results: Results, kind: string): void {
  results.errors.set(kind, (results.errors.get(kind) ?? 0) + 1);
}

/** Spans over the Jaeger Thrift doors (the mesh reports over HTTP; no load-test traffic arrives over OTLP). */
function collectorTotals(s: CollectorStatsSnapshot | undefined): { received: number; stored: number; rejected: number } | undefined {
  if (!s) return undefined;
  let received = 0;
  let stored = 0;
  let rejected = 0;
  for (const c of [s.udpCompact, s.udpBinary, s.http]) {
    received += c.spans;
    stored += c.stored;
    rejected += c.rejected;
  }
  return { received, stored, rejected };
}

type MeshSpans = { name: string; finished: number; reported: number; failed: number; dropped: number }[];

function meshTotals(m: MeshSpans | undefined): { finished: number; reported: number; failed: number; dropped: number } | undefined {
  if (!m) return undefined;
  return m.reduce(
    (a, s) => ({
      finished: a.finished + s.finished,
      reported: a.reported + s.reported,
      failed: a.failed + s.failed,
      dropped: a.dropped + s.dropped,
    }),
    { finished: 0, reported: 0, failed: 0, dropped: 0 },
  );
}

// ── The run ─────────────────────────────────────────────────────────────────

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const base = opts.url;
  const auth: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
  const run = Date.now().toString(36);

  const health = await getJson<{ ok: boolean; services: unknown[] }>(base, '/healthz');
  if (!(await getJson<AudienceStats>(base, '/api/audience/stats')))
    usage(`no deck server answers at ${base.origin} (start it with npm start)`);
  if (!health?.ok) console.warn('warning: /healthz does not report a healthy mesh; demo requests will fail');

  const meshBefore = meshTotals((await getJson<{ meshSpans?: MeshSpans }>(base, '/api/server/stats?spans=1', auth))?.meshSpans);
  const collectorBefore = collectorTotals(await getJson<CollectorStatsSnapshot>(base, '/api/collector/stats'));

  console.log(`loadtest: ${opts.attendees} attendees, ${opts.rate} req/s for ${opts.duration} s against ${base.origin} (run ${run})`);

  // Attendees arrive in waves, as a room does after the QR code appears.
  const presence: Stream[] = [];
  const live: Stream[] = [];
  const ids = Array.from({ length: opts.attendees }, (_, i) => `lt-${run}-${i}`);
  for (let i = 0; i < ids.length; i += 50) {
    const wave = ids.slice(i, i + 50);
    presence.push(...(await Promise.all(wave.map((id) => openStream(new URL(`/api/audience/presence?attendee=${id}`, base))))));
    const liveWave = wave.slice(0, Math.max(0, opts.live - live.length));
    live.push(...(await Promise.all(liveWave.map(() => openStream(new URL('/api/live', base))))));
  }
  const liveRefused = live.filter((s) => s.status !== 200).length;
  const presenceRefused = presence.filter((s) => s.status !== 200).length;
  let connected = 0;
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    connected = (await getJson<AudienceStats>(base, '/api/audience/stats'))?.attendeesConnected ?? 0;
    if (connected >= opts.attendees - presenceRefused) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  console.log(
    `connected: ${connected} attendees on presence (${presenceRefused} refused), ` +
      `${live.length - liveRefused}/${live.length} live streams open (${liveRefused} refused)`,
  );

  // Open loop: requests leave on schedule whether or not earlier ones came back, so a slow server shows as latency.
  const results: Results = { sent: 0, ok: 0, latencies: [], serverDurations: [], errors: new Map(), traceIDs: [], badStatuses: 0 };
  const inFlight = new Set<Promise<void>>();
  const samples: { server?: ServerStats; audience?: AudienceStats; at: number }[] = [];
  const total = Math.round(opts.rate * opts.duration);
  const started = performance.now();
  const clientCpuBefore = process.cpuUsage();
  // The client's own stalls, so that a slow answer can be told from a slow client.
  const clientLoop = monitorEventLoopDelay({ resolution: 10 });
  clientLoop.enable();

  const sendOne = (n: number) => {
    const attendee = n % opts.attendees;
    const kind = (n * 0.618034) % 1 < opts.slowShare ? 'slow' : 'normal';
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-attendee-id': ids[attendee]! }; // attendee < opts.attendees, ids' length
    if (attendee % 3 === 0) headers['x-attendee-name'] = `Load ${attendee}`;
    const t0 = performance.now();
    results.sent++;
    const p = request(new URL('/api/demo/requests', base), { method: 'POST', headers, body: JSON.stringify({ kind, count: 1 }) })
      .then((r) => {
        if (r.status === 200) {
          results.ok++;
          results.latencies.push(performance.now() - t0);
          for (const d of JSON.parse(r.body) as { traceID: string; durationMs: number; status: number }[]) {
            results.traceIDs.push(d.traceID);
            results.serverDurations.push(d.durationMs);
            if (d.status >= 500) results.badStatuses++;
          }
        } else if (r.status === 429) {
          countError(results, `429 ${(JSON.parse(r.body) as RateLimitedBody).limit}`);
        } else {
          countError(results, `${r.status}`);
        }
      })
      .catch((e: Error) => countError(results, `network ${(e as NodeJS.ErrnoException).code ?? e.message}`))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const presenterLatencies: number[] = [];
  const presenterProbe = opts.token
    ? setInterval(() => {
        const t0 = performance.now();
        void request(new URL('/api/demo/requests', base), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...auth },
          body: JSON.stringify({ kind: 'normal', count: 1 }),
          ownConnection: true,
        })
          .then((r) => r.status === 200 && presenterLatencies.push(performance.now() - t0))
          .catch(() => undefined);
      }, 5000)
    : undefined;

  const sampler = setInterval(() => {
    void Promise.all([getJson<ServerStats>(base, '/api/server/stats', auth), getJson<AudienceStats>(base, '/api/audience/stats')]).then(
      ([server, audience]) => {
        const at = (performance.now() - started) / 1000;
        samples.push({ server, audience, at });
        const limited = [...results.errors].filter(([k]) => k.startsWith('429')).reduce((a, [, v]) => a + v, 0);
        console.log(
          `  t=${fmt(at)}s sent ${results.sent} ok ${results.ok} 429 ${limited} in flight ${inFlight.size}` +
            ` | server cpu ${fmt(server?.cpuPercent ?? NaN)}% tree ${fmt(server?.tree?.cpuPercent ?? NaN)}%` +
            ` loop p99 ${fmt(server?.eventLoopDelayMs.p99 ?? NaN, 1)} ms | ${audience?.requestsPerSecond ?? '–'} req/s admitted`,
        );
      },
    );
  }, 5000);

  // SIGINT ends the sending early and still reports (a bench stops the crowd when its own work is done).
  let stopped = false;
  process.once('SIGINT', () => (stopped = true));
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * opts.rate) + 1);
      while (next < due && !stopped) sendOne(next++);
      if (next >= total || stopped) {
        clearInterval(tick);
        resolve();
      }
    }, 5);
  });
  const sendSeconds = (performance.now() - started) / 1000;
  await Promise.race([Promise.all(inFlight), new Promise((r) => setTimeout(r, REQUEST_TIMEOUT_MS + 1000))]);
  clearInterval(sampler);
  clearInterval(presenterProbe);
  clientLoop.disable();
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const clientSeconds = (performance.now() - started) / 1000;

  // Spans trail the requests by a flush interval or two: wait until the store stops growing.
  let collectorAfter = collectorTotals(await getJson<CollectorStatsSnapshot>(base, '/api/collector/stats'));
  for (let stable = 0, deadline = Date.now() + 20_000; stable < 3 && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 500));
    const now = collectorTotals(await getJson<CollectorStatsSnapshot>(base, '/api/collector/stats'));
    stable = now && collectorAfter && now.stored === collectorAfter.stored ? stable + 1 : 0;
    collectorAfter = now;
  }
  const meshAfter = meshTotals((await getJson<{ meshSpans?: MeshSpans }>(base, '/api/server/stats?spans=1', auth))?.meshSpans);

  // Every trace an attendee was promised must be findable.
  const sample = results.traceIDs.filter((_, i) => i % Math.max(1, Math.floor(results.traceIDs.length / 300)) === 0);
  let found = 0;
  for (const id of sample) if ((await request(new URL(`/api/traces/${id}`, base)).catch(() => undefined))?.status === 200) found++;

  const presenceLost = presence.filter((s) => s.status === 200 && s.lost).length;
  const liveLost = live.filter((s) => s.status === 200 && s.lost).length;
  const liveEvents = live.reduce((a, s) => a + s.events, 0);
  const liveBytes = live.reduce((a, s) => a + s.bytes, 0);
  const finalAudience = await getJson<AudienceStats>(base, '/api/audience/stats');
  for (const s of [...presence, ...live]) s.close();
  agent.destroy();

  // ── Report ──
  const lat = ascending(results.latencies);
  const srv = ascending(results.serverDurations);
  const probe = ascending(presenterLatencies);
  const errors = [...results.errors].sort();
  const limited = errors.filter(([k]) => k.startsWith('429')).reduce((a, [, v]) => a + v, 0);
  const other = errors.filter(([k]) => !k.startsWith('429')).reduce((a, [, v]) => a + v, 0);
  const serverSamples = samples.map((s) => s.server).filter((s): s is ServerStats => Boolean(s));
  const stat = (f: (s: ServerStats) => number | undefined) => {
    const v = serverSamples.map(f).filter((x): x is number => typeof x === 'number');
    return { mean: v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN, peak: v.length ? Math.max(...v) : NaN };
  };
  const cpu = stat((s) => s.cpuPercent);
  const tree = stat((s) => s.tree?.cpuPercent);
  const rss = stat((s) => s.rssBytes);
  const treeRss = stat((s) => s.tree?.rssBytes);
  const loopP99 = stat((s) => s.eventLoopDelayMs.p99);
  const loopMax = stat((s) => s.eventLoopDelayMs.max);
  const cores = serverSamples[0]?.cores ?? NaN;

  const lines = [
    '',
    `== loadtest: ${opts.attendees} attendees, ${opts.rate} req/s × ${opts.duration} s (${fmt(opts.slowShare * 100)}% slow) ==`,
    `requests   sent ${results.sent} in ${fmt(sendSeconds, 1)} s (${fmt(results.sent / sendSeconds, 1)}/s); ok ${results.ok}; ` +
      `rate-limited ${limited}; other errors ${other}` +
      (errors.length ? ` [${errors.map(([k, v]) => `${k}: ${v}`).join(', ')}]` : '') +
      `; resent ${resent.idleMs.length} (cut off on a kept-alive connection the server had closed, sent again on a new one as a browser does` +
      (resent.idleMs.length
        ? `: those connections had been idle ${firstTen(resent.idleMs)} ms; cut ${firstTen(resent.afterMs)} ms after sending)`
        : ')'),
    `latency    client p50 ${fmt(percentile(lat, 50))} ms, p95 ${fmt(percentile(lat, 95))} ms, p99 ${fmt(percentile(lat, 99))} ms, max ${fmt(lat.at(-1) ?? NaN)} ms` +
      ` | mesh-measured p50 ${fmt(percentile(srv, 50))} ms, p99 ${fmt(percentile(srv, 99))} ms; traces with status ≥ 500: ${results.badStatuses}`,
    opts.token
      ? `presenter  ${presenterLatencies.length} probe requests (one per 5 s, never limited): p50 ${fmt(percentile(probe, 50))} ms, max ${fmt(probe.at(-1) ?? NaN)} ms`
      : 'presenter  no --token given: presenter latency not probed',
    `attendees  ${connected} connected on presence at start, ${finalAudience?.attendeesConnected ?? '–'} at end before closing; ` +
      `presence streams lost ${presenceLost}`,
    `live       ${live.length - liveRefused} /api/live streams (${liveRefused} refused), lost ${liveLost}; ` +
      `${liveEvents} trace events received (${mib(liveBytes)})`,
    collectorBefore && collectorAfter
      ? `spans      collector received +${collectorAfter.received - collectorBefore.received}, stored +${collectorAfter.stored - collectorBefore.stored}, rejected batches +${collectorAfter.rejected - collectorBefore.rejected}` +
        (meshBefore && meshAfter
          ? ` | mesh finished +${meshAfter.finished - meshBefore.finished}, reported +${meshAfter.reported - meshBefore.reported}, failed +${meshAfter.failed - meshBefore.failed}, dropped +${meshAfter.dropped - meshBefore.dropped}`
          : ' | mesh counters not exposed')
      : 'spans      /api/collector/stats not available',
    `traces     ${found}/${sample.length} sampled trace ids found in the query API`,
    `server     deck process cpu mean ${fmt(cpu.mean)}% peak ${fmt(cpu.peak)}% (100% = one core); with the mesh mean ${fmt(tree.mean)}% peak ${fmt(tree.peak)}% of ${cores * 100}%` +
      `; rss deck peak ${mib(rss.peak)}, with mesh peak ${mib(treeRss.peak)}; event-loop delay p99 mean ${fmt(loopP99.mean, 1)} ms, worst max ${fmt(loopMax.peak, 1)} ms`,
    `client     this load generator used ${fmt(((clientCpu.user + clientCpu.system) / 1e6 / clientSeconds) * 100)}% cpu (it shares the machine); ` +
      `its event-loop delay p99 ${fmt(clientLoop.percentile(99) / 1e6, 1)} ms, max ${fmt(clientLoop.max / 1e6, 1)} ms`,
  ];
  console.log(lines.join('\n'));
}

main().catch((e: unknown) => {
  console.error(`loadtest failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
