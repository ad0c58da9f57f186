// `npm run bench liveFanout`: the live stream's fan-out to N open SSE clients over loopback — one tick's bytes framed once and written straight to each socket (embedded-jaeger/liveStream.ts) against Express's public res.write — alternating rounds.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import express, { type Response } from 'express';
import { httpChunk } from '../embedded-jaeger/liveStream.ts';
import { median, type LiveTraceEvent } from '../model/index.ts';

const CLIENTS = Number(process.env.FANOUT_CLIENTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const TICKS_PER_ROUND = 20;

/** One tick of the live stream: a handful of trace events of the real shape (model/liveEvent.ts), as the stream coalesces them. */
function tickPayload(tick: number): Buffer {
  const frames: string[] = [];
  for (let i = 0; i < 8; i++) {
    const traceID = (tick * 8 + i).toString(16).padStart(16, '0');
    const event: LiveTraceEvent = {
      traceID,
      spanCount: 40 + i,
      hasRoot: true,
      rootService: 'storefront',
      rootOperation: 'POST /orders',
      startTimeUs: 1_700_000_000_000_000 + tick * 1000,
      durationUs: 200_000 + i,
      error: false,
      services: ['storefront', 'orders', 'inventory', 'kitchen', 'menu', 'payments'],
    };
    frames.push(`event: trace\ndata: ${JSON.stringify(event)}\n\n`);
  }
  return Buffer.from(frames.join(''));
}

type Mode = 'public res.write' | 'framed once, socket.write';

/**
 * Writes one tick to every client; resolves with the time the event loop was held. res.write corks the
 * socket and writes on process.nextTick, so the clock stops at a nextTick queued after all of those.
 */
function fanOut(mode: Mode, clients: Response[], payload: Buffer): Promise<number> {
  const t0 = performance.now();
  if (mode === 'public res.write') {
    for (const res of clients) res.write(payload);
  } else {
    const framed = httpChunk(payload);
    for (const res of clients) res.socket?.write(framed);
  }
  return new Promise((resolve) => process.nextTick(() => resolve(performance.now() - t0)));
}

export async function run(): Promise<void> {
  const clients: Response[] = [];
  const app = express();
  app.get('/live', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': connected\n\n');
    clients.push(res);
  });
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  let received = 0;
  const requests: http.ClientRequest[] = [];
  await Promise.all(
    Array.from(
      { length: CLIENTS },
      () =>
        new Promise<void>((resolve, reject) => {
          const req = http.get({ host: '127.0.0.1', port, path: '/live', agent }, (res) => {
            res.on('data', (chunk: Buffer) => void (received += chunk.length));
            resolve();
          });
          req.on('error', reject);
          requests.push(req);
        }),
    ),
  );
  const settle = async (want: number) => {
    const deadline = Date.now() + 30_000;
    while (received < want) {
      if (Date.now() > deadline) throw new Error(`clients received ${received} of ${want} bytes`);
      await new Promise((r) => setImmediate(r));
    }
  };
  await settle(CLIENTS * ': connected\n\n'.length);

  const modes: Mode[] = ['public res.write', 'framed once, socket.write'];
  const loopMs: Record<Mode, number[]> = { 'public res.write': [], 'framed once, socket.write': [] };
  const deliveredMs: Record<Mode, number[]> = { 'public res.write': [], 'framed once, socket.write': [] };
  let tick = 0;
  // One untimed round of each, then alternate A B, B A, … so neither always goes first.
  for (let round = -1; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? modes : [...modes].reverse();
    for (const mode of order) {
      const loops: number[] = [];
      const t0 = performance.now();
      for (let k = 0; k < TICKS_PER_ROUND; k++) {
        const payload = tickPayload(tick++);
        const before = received;
        loops.push(await fanOut(mode, clients, payload));
        await settle(before + CLIENTS * payload.length);
      }
      if (round < 0) continue;
      loopMs[mode].push(median(loops));
      deliveredMs[mode].push((performance.now() - t0) / TICKS_PER_ROUND);
    }
  }

  const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
  console.log(
    `${CLIENTS} SSE clients on loopback, one tick = 8 trace events (${tickPayload(0).length} bytes); ${ROUNDS} alternating rounds of ${TICKS_PER_ROUND} ticks; median per round, then median (min–max) over rounds:`,
  );
  for (const mode of modes) {
    console.log(
      `  ${mode.padEnd(28)} event loop held (writes flushed) ${median(loopMs[mode]).toFixed(2)} ms (${spread(loopMs[mode])}) per tick; every client has the tick after ${median(deliveredMs[mode]).toFixed(1)} ms (${spread(deliveredMs[mode])})`,
    );
  }
  const ratio = median(loopMs['public res.write']) / median(loopMs['framed once, socket.write']);
  const perRound = loopMs['public res.write'].map((x, i) => x / loopMs['framed once, socket.write'][i]!);
  console.log(
    `  res.write holds the loop ${ratio.toFixed(2)}× as long as the framed write (per round ${spread(perRound)}); load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
  );

  for (const req of requests) req.destroy();
  for (const res of clients) res.destroy();
  agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
