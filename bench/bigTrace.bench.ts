// A 100k-span trace asked for four times at once: the event loop's longest hold and /healthz latency, rendered in slices or sent from kept bytes (ours) against the same JSON sent in one piece, alternating rounds.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startDeckServer, testConfig } from '../server/index.ts';
import { createLog } from '../pkg/index.ts';
import { median } from '../model/index.ts';

const SPANS = 100_000;
const ROUNDS = 3;
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

/** The trace over OTLP/JSON, 2,000 spans a body, 6 attributes a span, a wide tree. */
function* bodies(): Generator<Buffer> {
  const start = BigInt(Date.now() - 60_000) * 1_000_000n;
  for (let at = 0; at < SPANS; at += 2000) {
    const spans = [];
    for (let i = at; i < Math.min(SPANS, at + 2000); i++) {
      spans.push({
        traceId: TRACE_ID,
        spanId: (i + 1).toString(16).padStart(16, '0'),
        ...(i > 0 ? { parentSpanId: (Math.floor((i - 1) / 4) + 1).toString(16).padStart(16, '0') } : {}),
        name: `step ${i % 7}`,
        kind: 2,
        startTimeUnixNano: String(start + BigInt(i) * 10_000n),
        endTimeUnixNano: String(start + BigInt(i) * 10_000n + 5_000_000n),
        attributes: Array.from({ length: 6 }, (_, k) => ({ key: `k${k}`, value: { stringValue: `value ${k} of span ${i}` } })),
      });
    }
    const service = `svc-${(at / 2000) % 3}`;
    yield Buffer.from(
      JSON.stringify({
        resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans }] }],
      }),
    );
  }
}

/** One more span of the trace (a new id per round). */
function oneMoreSpan(round: number): Buffer {
  const ns = String(BigInt(Date.now() - 30_000) * 1_000_000n);
  const span = {
    traceId: TRACE_ID,
    spanId: (0xfff000 + round).toString(16).padStart(16, '0'),
    parentSpanId: '0000000000000001',
    name: 'late',
    startTimeUnixNano: ns,
    endTimeUnixNano: ns,
  };
  return Buffer.from(
    JSON.stringify({
      resourceSpans: [
        { resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc-0' } }] }, scopeSpans: [{ spans: [span] }] },
      ],
    }),
  );
}

/** GET, body counted and dropped; resolves with the bytes. */
function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let n = 0;
        res.on('data', (c: Buffer) => (n += c.length));
        res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`HTTP ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

export async function run(): Promise<void> {
  const deck = await startDeckServer(testConfig({ meshEnabled: false }), { log: createLog('bench', 'silent') });
  // The same answer in one piece, on the same event loop: what one JSON.stringify of the whole costs.
  let parsed: unknown;
  const onePiece = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(parsed));
  });
  try {
    for (const b of bodies()) if (deck.jaeger.ingestOtlp(b, true)) throw new Error('bench fill refused');
    const ours = `${deck.url}/api/traces/${TRACE_ID}`;
    const answer = await new Promise<string>((resolve, reject) =>
      http.get(ours, (res) => {
        const parts: Buffer[] = [];
        res
          .on('data', (c: Buffer) => parts.push(c))
          .on('end', () => resolve(Buffer.concat(parts).toString('utf8')))
          .on('error', reject);
      }),
    );
    parsed = JSON.parse(answer);
    await new Promise<void>((r) => onePiece.listen(0, '127.0.0.1', r));
    const theirs = `http://127.0.0.1:${(onePiece.address() as AddressInfo).port}/`;
    console.log(
      `${SPANS} spans, ${(answer.length / 1048576).toFixed(1)} MiB of Jaeger JSON; 4 GETs at once from this machine, /healthz probed throughout`,
    );

    const results: Record<string, { loopMax: number[]; healthMax: number[]; healthP50: number[]; wall: number[] }> = {};
    for (let r = 0; r < ROUNDS; r++) {
      const order: [string, string][] = [
        ['ours, rendered in slices', ours],
        ['ours, kept bytes', ours],
        ['one piece (baseline)', theirs],
      ];
      for (const [name, url] of r % 2 === 0 ? order : order.reverse()) {
        // The trace grows by a span first, so its kept bytes are dropped and all four answers render it.
        if (name === 'ours, rendered in slices' && deck.jaeger.ingestOtlp(oneMoreSpan(r), true)) throw new Error('bench span refused');
        // Asked once first, so the four are sent the kept bytes.
        if (name === 'ours, kept bytes') await get(url);
        const loop = monitorEventLoopDelay({ resolution: 5 });
        loop.enable();
        let running = true;
        const health: number[] = [];
        const probe = (async () => {
          while (running) {
            const t0 = performance.now();
            await get(`${deck.url}/healthz`);
            health.push(performance.now() - t0);
          }
        })();
        const t0 = performance.now();
        await Promise.all(Array.from({ length: 4 }, () => get(url)));
        const wall = performance.now() - t0;
        running = false;
        await probe;
        loop.disable();
        const into = (results[name] ??= { loopMax: [], healthMax: [], healthP50: [], wall: [] });
        into.loopMax.push(loop.max / 1e6);
        into.healthMax.push(Math.max(...health));
        into.healthP50.push(median(health));
        into.wall.push(wall);
      }
    }
    const f = (xs: number[]) => `${median(xs).toFixed(0).padStart(6)} [${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}]`;
    console.log(`median of ${ROUNDS} alternating rounds [min–max], ms:`);
    console.log(
      `  ${''.padEnd(28)} ${'loop held'.padStart(14)} ${'healthz max'.padStart(16)} ${'healthz p50'.padStart(16)} ${'4 answers'.padStart(16)}`,
    );
    for (const [name, x] of Object.entries(results))
      console.log(
        `  ${name.padEnd(28)} ${f(x.loopMax).padStart(14)} ${f(x.healthMax).padStart(16)} ${f(x.healthP50).padStart(16)} ${f(x.wall).padStart(16)}`,
      );
    console.log(
      `(load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores; the baseline only stringifies, ours also renders the trace from the store)`,
    );
  } finally {
    onePiece.close();
    await deck.close();
  }
}
