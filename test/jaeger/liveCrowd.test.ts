// /api/live under a room of phones: 600 streams on the real deck server all hear a trace, /healthz keeps answering, the next one gets a clear 503.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { testConfig } from '../../server/config.ts';
import { startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../pkg/index.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { postBatch, startHarness } from './support/harness.ts';
import { sampleBatch } from './support/sampleBatch.ts';
import { encodeBinaryBatch } from '../../devkit/thriftrwCodec.ts';

const CROWD = 600;

/** A phone's stream, reduced to what this test checks: its status and the trace ids it heard. */
interface Phone {
  status: number;
  heard: Set<string>;
  close(): void;
}

function connect(url: string): Promise<Phone> {
  return new Promise((resolve, reject) => {
    // Each phone has its own connection, as in the room.
    const req = http.get(url, { agent: false }, (res) => {
      const phone: Phone = { status: res.statusCode ?? 0, heard: new Set(), close: () => req.destroy() };
      let tail = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        tail += chunk;
        for (const m of tail.matchAll(/"traceID":"([0-9a-f]+)"/g)) phone.heard.add(m[1]!);
        tail = tail.slice(tail.lastIndexOf('\n\n') + 1);
      });
      res.on('error', () => {});
      resolve(phone);
    });
    req.on('error', reject);
  });
}

async function healthz(url: string): Promise<number> {
  const r = await fetch(`${url}/healthz`);
  await r.arrayBuffer();
  return r.status;
}

describe('live stream with a crowd', () => {
  let deck: DeckServer;
  const phones: Phone[] = [];
  before(async () => {
    deck = await startDeckServer(testConfig({ meshEnabled: false, liveMaxClients: CROWD }), { log: createLog('test', 'silent') });
  });
  after(async () => {
    for (const p of phones) p.close();
    await deck.close();
  });

  it(`delivers a trace to all ${CROWD} streams while /healthz answers, and refuses stream ${CROWD + 1} with the reason`, async () => {
    for (let i = 0; i < CROWD; i += 100) {
      phones.push(...(await Promise.all(Array.from({ length: 100 }, () => connect(`${deck.url}/api/live`)))));
      assert.equal(await healthz(deck.url), 200, `/healthz answers with ${phones.length} streams open`);
    }
    assert.deepEqual(new Set(phones.map((p) => p.status)), new Set([200]));
    await waitFor('the server counts every stream', () => deck.jaeger.stats().live.clients === CROWD);

    const extra = await fetch(`${deck.url}/api/live`);
    assert.equal(extra.status, 503);
    assert.match(((await extra.json()) as { error: string }).error, /live stream full: 600 clients connected, the limit is 600/);
    assert.equal(deck.jaeger.stats().live.refused, 1);

    // Two traces in one tick arrive as one write per stream; every phone must still hear both.
    const collector = `http://127.0.0.1:${deck.jaeger.ports.http}/api/traces`;
    for (const low of [0x7a11n, 0x7a12n])
      assert.equal((await postBatch(collector, encodeBinaryBatch(sampleBatch({ traceIdLow: low, spans: 5 })))).status, 202);
    await waitFor(
      `all ${CROWD} streams heard both traces`,
      async () => {
        assert.equal(await healthz(deck.url), 200);
        return phones.every((p) => p.heard.has('0000000000007a11') && p.heard.has('0000000000007a12'));
      },
      { timeoutMs: 20_000 },
    );
    assert.equal(deck.jaeger.stats().live.droppedSlow, 0);

    // Phones leaving free their places.
    for (const p of phones.splice(0, 100)) p.close();
    await waitFor('the server let go of 100 streams', () => deck.jaeger.stats().live.clients === CROWD - 100);
    const again = await connect(`${deck.url}/api/live`);
    phones.push(again);
    assert.equal(again.status, 200);
  });
});

describe('live stream with a phone that stops reading', () => {
  it('drops that stream once its unsent backlog is full, and keeps serving the others', async () => {
    const h = await startHarness({ liveTickMs: 10 });
    const reader = await connect(`${h.url}/api/live`);
    // A raw client that sends its request and never reads a byte: the server's writes pile up.
    const { port } = new URL(h.url);
    const stalled = net.connect(Number(port), '127.0.0.1');
    stalled.pause();
    let closedByServer = false;
    stalled.on('close', () => (closedByServer = true));
    stalled.on('error', () => {});
    stalled.write('GET /api/live HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n');
    try {
      await waitFor('both streams registered', () => h.jaeger.stats().live.clients === 2);
      // Grow traces until the stalled stream's backlog (kernel buffers + 256 KiB) overflows.
      let low = 0x10000n;
      await waitFor(
        'the stalled stream was dropped',
        async () => {
          for (let i = 0; i < 200; i++) h.jaeger.ingest('http', encodeBinaryBatch(sampleBatch({ traceIdLow: low++, spans: 1 })));
          await new Promise((r) => setImmediate(r));
          return h.jaeger.stats().live.droppedSlow === 1;
        },
        { timeoutMs: 30_000 },
      );
      assert.equal(h.jaeger.stats().live.clients, 1, 'the reading stream stays');
      // Reading again drains what the kernel held, then meets the server's close.
      stalled.resume();
      await waitFor('the server closed the stalled connection', () => closedByServer);
      const last = (low - 1n).toString(16).padStart(16, '0');
      await waitFor('the reading stream hears the newest trace', () => reader.heard.has(last));
    } finally {
      reader.close();
      stalled.destroy();
      await h.close();
    }
  });
});
