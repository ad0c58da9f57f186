// Faults pushed as they happen: a killed service is named within 1 s, a frozen (SIGSTOP) one is found hung and restarted, a failed order says why.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import express from 'express';
import { createDemoApi, type ServiceStateEvent } from '../../demo-app/index.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { byOperation, errorSpans } from './support/meshSpans.ts';
import { startMeshUnderTest, type MeshUnderTest } from './support/meshUnderTest.ts';

let m: MeshUnderTest;
let api: http.Server;
let base: string;
before(async () => {
  // Quick probes so a frozen service is found in about two seconds.
  m = await startMeshUnderTest(3, {}, { healthIntervalMs: 300, probeTimeoutMs: 600 });
  const app = express();
  app.use(createDemoApi({ mesh: m.mesh, presenterToken: 'test-token', attendeeGate: (_req, _res, next) => next() }));
  api = http.createServer(app);
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});
after(async () => {
  api?.closeAllConnections();
  api?.close();
  await m?.close();
});

/** Reads `service` events from GET /api/mesh/events as they arrive. */
async function meshEvents() {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/mesh/events`, { signal: controller.signal });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const events: (ServiceStateEvent & { receivedAt: number })[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      const reader = res.body!.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const frame = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = /^event: service\ndata: (.*)$/m.exec(frame);
          if (data) events.push({ ...(JSON.parse(data[1]!) as ServiceStateEvent), receivedAt: Date.now() });
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  return { events, close: () => controller.abort() };
}

test('a killed service: a `service` event names it within 1 s, and it comes back', async () => {
  const stream = await meshEvents();
  try {
    await waitFor('the current states on connect', () => stream.events.length >= 6);
    assert.deepEqual(
      stream.events.slice(0, 6).map((e) => e.state),
      Array(6).fill('healthy'),
    );
    const victim = m.mesh.processes().find((p) => p.name === 'inventory')!;
    const killedAt = Date.now();
    process.kill(victim.pid!, 'SIGKILL');
    const crashed = await waitFor('a crashed event', () => stream.events.find((e) => e.name === 'inventory' && e.state === 'crashed'), {
      timeoutMs: 5_000,
    });
    assert.ok(crashed.receivedAt - killedAt < 1_000, `named ${crashed.receivedAt - killedAt} ms after the kill`);
    assert.match(crashed.reason ?? '', /SIGKILL/);
    await waitFor(
      'inventory healthy again',
      () => stream.events.find((e) => e.name === 'inventory' && e.state === 'healthy' && e.at > crashed.at),
      { timeoutMs: 20_000 },
    );
    assert.ok(stream.events.some((e) => e.name === 'inventory' && e.state === 'restarting'));
  } finally {
    stream.close();
  }
});

test('a frozen service (SIGSTOP) is found hung, killed and restarted; the order that met it says so in words and in its trace', async () => {
  const stream = await meshEvents();
  const victim = m.mesh.processes().find((p) => p.name === 'kitchen')!;
  try {
    process.kill(victim.pid!, 'SIGSTOP');
    const [failed] = await m.mesh.sendRequests('normal', 1);
    assert.ok(failed, 'one request, one result');
    assert.notEqual(failed.status, 200);
    assert.match(
      failed.error ?? '',
      /^kitchen (did not answer within \d+(\.\d+)? s|dropped the connection mid-answer|is not running)/,
      failed.error,
    );
    const hung = await waitFor('a hung event', () => stream.events.find((e) => e.name === 'kitchen' && e.state === 'hung'), {
      timeoutMs: 10_000,
    });
    assert.match(hung.reason ?? '', /did not answer \/healthz/);
    await waitFor(
      'kitchen restarted',
      () => {
        const p = m.mesh.processes().find((x) => x.name === 'kitchen')!;
        return p.state === 'healthy' && p.pid !== victim.pid && p;
      },
      { timeoutMs: 20_000 },
    );
    assert.throws(() => process.kill(victim.pid!, 0), /ESRCH/, 'the frozen process is gone');

    await m.mesh.spanCounts();
    const spans = await waitFor('the failed trace', () => {
      const t = m.capture.trace(failed.traceID);
      return byOperation(t, 'storefront', 'POST /order').length === 1 && t;
    });
    const toKitchen = byOperation(spans, 'storefront', 'POST /brew');
    assert.equal(errorSpans(toKitchen).length, 1, 'the call to kitchen is the error span');
    assert.match(String(toKitchen[0]!.logs.find((l) => l.fields.event === 'error')?.fields.message), /kitchen/);

    const [again] = await m.mesh.sendRequests('normal', 1);
    assert.ok(again, 'one request, one result');
    assert.equal(again.status, 200, 'the restarted kitchen serves the next order');
    assert.equal(again.error, undefined);
  } finally {
    try {
      process.kill(victim.pid!, 'SIGCONT');
    } catch {
      // already gone, as it should be
    }
    stream.close();
  }
});
