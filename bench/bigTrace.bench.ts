// A 100k-span trace asked for four times at once, then four big searches at once: the event loop's longest hold and /healthz latency, ours (in slices, or kept bytes) against the same JSON sent in one piece, alternating rounds.
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

const FILLER_TRACES = 3000;

/** Many small traces of one service (20 spans, 8 attributes each), 50 traces a body: what a big search walks. */
function* fillerBodies(): Generator<Buffer> {
  const start = BigInt(Date.now() - 60_000) * 1_000_000n;
  for (let at = 0; at < FILLER_TRACES; at += 50) {
    const spans = [];
    for (let t = at; t < at + 50; t++) {
      const traceId = (t + 1).toString(16).padStart(32, 'f');
      for (let i = 0; i < 20; i++) {
        spans.push({
          traceId,
          spanId: (t * 32 + i + 1).toString(16).padStart(16, '0'),
          ...(i > 0 ? { parentSpanId: (t * 32 + 1).toString(16).padStart(16, '0') } : {}),
          name: `op ${i % 4}`,
          startTimeUnixNano: String(start + BigInt(t) * 1000n),
          endTimeUnixNano: String(start + BigInt(t) * 1000n + 500_000n),
          attributes: Array.from({ length: 8 }, (_, k) => ({
            key: `k${k}`,
            value: { stringValue: `a value long enough to weigh something ${k}` },
          })),
        });
      }
    }
    yield Buffer.from(
      JSON.stringify({
        resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'filler' } }] }, scopeSpans: [{ spans }] }],
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

/** GET, the whole body as text. */
function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) =>
    http.get(url, (res) => {
      const parts: Buffer[] = [];
      res
        .on('data', (c: Buffer) => parts.push(c))
        .on('end', () => resolve(Buffer.concat(parts).toString('utf8')))
        .on('error', reject);
    }),
  );
}

type Figures = { loopMax: number[]; healthMax: number[]; healthP50: number[]; wall: number[] };
const emptyFigures = (): Figures => ({ loopMax: [], healthMax: [], healthP50: [], wall: [] });
function record(into: Figures, one: { loopMax: number; healthMax: number; healthP50: number; wall: number }): void {
  into.loopMax.push(one.loopMax);
  into.healthMax.push(one.healthMax);
  into.healthP50.push(one.healthP50);
  into.wall.push(one.wall);
}

/** Four GETs of `url` at once while /healthz is probed back to back: the loop's longest hold, healthz latency, the four's wall time. */
async function fourAtOnce(deckUrl: string, url: string): Promise<{ loopMax: number; healthMax: number; healthP50: number; wall: number }> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  let running = true;
  const health: number[] = [];
  const probe = (async () => {
    while (running) {
      const t0 = performance.now();
      await get(`${deckUrl}/healthz`);
      health.push(performance.now() - t0);
    }
  })();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 4 }, () => get(url)));
  const wall = performance.now() - t0;
  running = false;
  await probe;
  loop.disable();
  return { loopMax: loop.max / 1e6, healthMax: Math.max(...health), healthP50: median(health), wall };
}

function printFigures(results: Record<string, Figures>): void {
  const f = (xs: number[]) => `${median(xs).toFixed(0).padStart(6)} [${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}]`;
  console.log(`median of ${ROUNDS} alternating rounds [min–max], ms:`);
  console.log(
    `  ${''.padEnd(28)} ${'loop held'.padStart(14)} ${'healthz max'.padStart(16)} ${'healthz p50'.padStart(16)} ${'4 answers'.padStart(16)}`,
  );
  for (const [name, x] of Object.entries(results))
    console.log(
      `  ${name.padEnd(28)} ${f(x.loopMax).padStart(14)} ${f(x.healthMax).padStart(16)} ${f(x.healthP50).padStart(16)} ${f(x.wall).padStart(16)}`,
    );
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
    const answer = await getText(ours);
    parsed = JSON.parse(answer);
    await new Promise<void>((r) => onePiece.listen(0, '127.0.0.1', r));
    const theirs = `http://127.0.0.1:${(onePiece.address() as AddressInfo).port}/`;
    console.log(
      `${SPANS} spans, ${(answer.length / 1048576).toFixed(1)} MiB of Jaeger JSON; 4 GETs at once from this machine, /healthz probed throughout`,
    );

    const results: Record<string, Figures> = {};
    for (let r = 0; r < ROUNDS; r++) {
      const order: [string, string][] = [
        ['ours, one rendering shared', ours],
        ['ours, kept bytes', ours],
        ['one piece (baseline)', theirs],
      ];
      for (const [name, url] of r % 2 === 0 ? order : order.reverse()) {
        // The trace grows by a span first, so its kept bytes are dropped and all four answers render it.
        if (name === 'ours, one rendering shared' && deck.jaeger.ingestOtlp(oneMoreSpan(r), true)) throw new Error('bench span refused');
        // Asked once first, so the four are sent the kept bytes.
        if (name === 'ours, kept bytes') await get(url);
        record((results[name] ??= emptyFigures()), await fourAtOnce(deck.url, url));
      }
    }
    printFigures(results);
    console.log(
      `(load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores; the baseline only stringifies, ours also renders the trace from the store)`,
    );

    // Four big searches at once (the figures test/hostile/hostileServer.test.ts leaves to this bench).
    for (const b of fillerBodies()) if (deck.jaeger.ingestOtlp(b, true)) throw new Error('bench filler refused');
    const search = `${deck.url}/api/traces?service=filler&limit=1500`;
    const found = await getText(search);
    parsed = JSON.parse(found);
    const hits = (parsed as { data: unknown[] }).data.length;
    console.log(
      `\nsearch: ${FILLER_TRACES} traces of 20 spans; ${hits} found, ${(found.length / 1048576).toFixed(1)} MiB an answer; 4 at once`,
    );
    const searches: Record<string, Figures> = {};
    for (let r = 0; r < ROUNDS; r++) {
      const order: [string, string][] = [
        ['ours, searched in slices', search],
        ['one piece (baseline)', theirs],
      ];
      for (const [name, url] of r % 2 === 0 ? order : order.reverse())
        record((searches[name] ??= emptyFigures()), await fourAtOnce(deck.url, url));
    }
    printFigures(searches);
  } finally {
    onePiece.close();
    await deck.close();
  }
}
