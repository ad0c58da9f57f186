// GET /api/live: one coalesced `trace` event per grown trace, heartbeats, clients cleaned up; and the onTrace hook.
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../devkit/waitFor.ts';
import { startHarness, type Harness } from './support/harness.ts';
import { sampleBatch } from './support/sampleBatch.ts';
import { encodeBinaryBatch } from '../../devkit/thriftrwCodec.ts';
import { parseLiveTraceEvent } from '../../model/liveEvent.ts';

interface SseClient {
  /** `raw` is the data line as sent; `data` its JSON. */
  events: { event: string; data: unknown; raw: string }[];
  comments: string[];
  close(): void;
}

function openSse(url: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, (res) => {
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/event-stream/);
      const client: SseClient = { events: [], comments: [], close: () => req.destroy() };
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          let event = 'message';
          let data = '';
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) client.comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (data) client.events.push({ event, data: JSON.parse(data), raw: data });
        }
      });
      res.on('error', () => {});
      resolve(client);
    });
    req.on('error', reject);
  });
}

describe('live stream', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ liveTickMs: 100, liveHeartbeatMs: 200 });
  });
  after(() => h.close());

  it('sends one trace event per tick for a burst of batches of one trace, with a summary', async () => {
    const sse = await openSse(`${h.url}/api/live`);
    const heard: string[] = [];
    const off = h.jaeger.onTrace((id) => heard.push(id));
    await waitFor('the client registered', () => sse.comments.some((c) => c.startsWith('connected')));
    const b = sampleBatch({ traceIdLow: 0x5151n, spans: 6, service: 'frontend' });
    // Six batches of one span each, in one synchronous burst (children first).
    for (const s of [...b.spans.slice(1), b.spans[0]!]) h.jaeger.ingest('http', encodeBinaryBatch({ ...b, spans: [s] }));
    const ev = await waitFor('a trace event', () => sse.events[0]);
    assert.equal(ev.event, 'trace');
    assert.deepEqual(ev.data, {
      traceID: '0000000000005151',
      spanCount: 6,
      hasRoot: true,
      rootService: 'frontend',
      rootOperation: 'GET /orders',
      startTimeUs: 1_700_000_000_000_000,
      durationUs: 5_000,
      error: false,
      services: ['frontend'],
    });
    // The slide's strict parser takes what the server sends, all of it.
    assert.deepEqual(parseLiveTraceEvent(ev.raw), ev.data);
    await waitFor('a heartbeat', () => sse.comments.includes('heartbeat'));
    assert.equal(sse.events.length, 1, 'the burst was coalesced into one event');
    assert.deepEqual(heard, ['0000000000005151']);
    // A later span of the same trace is a new event.
    h.jaeger.ingest('http', encodeBinaryBatch(sampleBatch({ traceIdLow: 0x5151n, spans: 1, firstSpanId: 50n, service: 'billing' })));
    const ev2 = await waitFor('a second event', () => sse.events[1]);
    const second = parseLiveTraceEvent(ev2.raw);
    assert.equal(second?.spanCount, 7);
    assert.deepEqual(second?.services, ['frontend', 'billing']);
    off();
    sse.close();
  });

  it('says whether the root is in: children first without it, then the root; a failed span marks the event', async () => {
    const sse = await openSse(`${h.url}/api/live`);
    await waitFor('the client registered', () => sse.comments.some((c) => c.startsWith('connected')));
    const b = sampleBatch({ traceIdLow: 0x5252n, spans: 3, service: 'frontend' });
    const failing = b.spans[2]!;
    failing.tags = failing.tags.map((t) => (t.key === 'error' ? { ...t, value: true } : t));
    h.jaeger.ingest('http', encodeBinaryBatch({ ...b, spans: b.spans.slice(1) }));
    const first = parseLiveTraceEvent((await waitFor('the children’s event', () => sse.events[0])).raw);
    assert.deepEqual(
      first && {
        spanCount: first.spanCount,
        hasRoot: first.hasRoot,
        rootService: first.rootService,
        rootOperation: first.rootOperation,
        error: first.error,
      },
      { spanCount: 2, hasRoot: false, rootService: '', rootOperation: '', error: true },
    );
    h.jaeger.ingest('http', encodeBinaryBatch({ ...b, spans: [b.spans[0]!] }));
    const second = parseLiveTraceEvent((await waitFor('the root’s event', () => sse.events[1])).raw);
    assert.deepEqual(second && [second.spanCount, second.hasRoot, second.rootOperation], [3, true, 'GET /orders']);
    sse.close();
  });

  it('an HTTP/1.0 client gets the events unframed, an HTTP/1.1 client in chunks', async () => {
    const raw = (version: string) =>
      new Promise<{ text: string; close: () => void }>((resolve, reject) => {
        const socket = net.connect(Number(new URL(h.url).port), '127.0.0.1', () =>
          socket.write(`GET /api/live ${version}\r\nHost: x\r\n\r\n`),
        );
        const got = { text: '', close: () => socket.destroy() };
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => void (got.text += chunk));
        socket.on('error', reject);
        resolve(got);
      });
    const old = await raw('HTTP/1.0');
    const chunked = await raw('HTTP/1.1');
    await waitFor('both connected', () => old.text.includes('connected') && chunked.text.includes('connected'));
    h.jaeger.ingest('http', encodeBinaryBatch(sampleBatch({ traceIdLow: 0x7171n })));
    await waitFor('both hear the trace', () => old.text.includes('0000000000007171') && chunked.text.includes('0000000000007171'));
    assert.doesNotMatch(old.text, /transfer-encoding/i);
    assert.match(
      old.text,
      /\r\n\r\nretry: 2000\n[\s\S]*\n\nevent: trace\ndata: \{"traceID":"0000000000007171"/,
      'HTTP/1.0: the events as they are',
    );
    assert.match(chunked.text, /transfer-encoding: chunked/i);
    assert.match(
      chunked.text,
      /\r\n[0-9a-f]+\r\nevent: trace\ndata: \{"traceID":"0000000000007171"/,
      'HTTP/1.1: the tick in its own chunk',
    );
    old.close();
    chunked.close();
  });

  it('forgets clients that disconnect', async () => {
    const clients = await Promise.all([openSse(`${h.url}/api/live`), openSse(`${h.url}/api/live`)]);
    await waitFor('both connected', () => clients.every((c) => c.comments.length > 0));
    assert.equal(h.jaeger.stats().live.clients, 2);
    for (const c of clients) c.close();
    await waitFor('the server let go of both', () => h.jaeger.stats().live.clients === 0);
    const fresh = await openSse(`${h.url}/api/live`);
    h.jaeger.ingest('http', encodeBinaryBatch(sampleBatch({ traceIdLow: 0x6161n })));
    await waitFor('the fresh client hears it', () => fresh.events.length === 1);
    assert.equal(clients[0]!.events.length, 0);
    fresh.close();
  });
});
