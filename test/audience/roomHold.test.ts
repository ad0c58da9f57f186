// The presenter's measuring hold over real HTTP: presenter only, in-flight requests drain first, new ones wait and then run, bounded in time and queue, phones told.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import express from 'express';
import { createAudience, type Audience } from '../../join/server/index.ts';
import type { AudienceStats, RateLimitedBody, RoomHoldEnd, RoomHoldStart } from '../../model/audience.ts';
import { createLog } from '../../pkg/index.ts';
import { waitFor } from '../../devkit/waitFor.ts';

const TOKEN = 'hold-test-token';
const presenter = { authorization: `Bearer ${TOKEN}` };
let audience: Audience;
let server: http.Server;
let base = '';
/** Requests the demo handler has started, and the gate each waits on before answering. */
let started = 0;
let gateOpen: Promise<void> = Promise.resolve();
let openGate = () => {};
const closeGate = () => (gateOpen = new Promise<void>((r) => (openGate = r)));

before(async () => {
  const app = express();
  audience = createAudience({
    config: { presenterToken: TOKEN, publicUrl: 'http://127.0.0.1/join', host: '127.0.0.1' },
    log: createLog('test', 'silent'),
    port: () => 0,
    limits: { maxInFlight: 2, globalBurst: 1000, globalPerSecond: 1000, perAttendeeBurst: 100, perAttendeePerSecond: 100 },
    hold: { maxHoldMs: 3_000, maxHeld: 3, drainMaxMs: 2_000 },
  });
  app.post('/demo', audience.gate, async (_req, res) => {
    started++;
    await gateOpen;
    res.json({ ok: true });
  });
  app.use(audience.router);
  server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await audience.stop();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const attendee = (n: number) =>
  fetch(`${base}/demo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-attendee-id': `attendee-hold-${n}` },
    body: JSON.stringify({ kind: 'normal', count: 1 }),
  });
const startHold = (ms: number, headers: Record<string, string> = presenter) =>
  fetch(`${base}/api/audience/hold`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ ms }),
  });
const endHold = async () =>
  (await (await fetch(`${base}/api/audience/hold`, { method: 'DELETE', headers: presenter })).json()) as RoomHoldEnd;
const stats = async () => (await (await fetch(`${base}/api/audience/stats`)).json()) as AudienceStats;

test('only the presenter token starts or ends a hold', async () => {
  assert.equal((await startHold(1000, {})).status, 401);
  assert.equal((await startHold(1000, { authorization: 'Bearer wrong' })).status, 401);
  assert.equal((await fetch(`${base}/api/audience/hold`, { method: 'DELETE' })).status, 401);
  assert.equal((await startHold(-5)).status, 400);
  assert.equal((await stats()).hold.active, false);
});

test('in-flight attendee requests finish before the presenter measures; new ones wait, then run; phones are told', async () => {
  // A phone's presence stream, to see what it is told.
  const events: string[] = [];
  const presence = http.get(`${base}/api/audience/presence?attendee=attendee-hold-phone`, (res) =>
    res.on('data', (c: Buffer) => events.push(c.toString())),
  );
  await waitFor('the presence stream', async () => events.length > 0);

  closeGate();
  const inFlight = [attendee(1), attendee(2)];
  await waitFor('two attendee requests in the mesh', async () => started === 2);
  let holdAnswered = false;
  const hold = startHold(2_500).then(async (r) => {
    holdAnswered = true;
    return (await r.json()) as RoomHoldStart;
  });
  await waitFor(
    'the phones told the presenter measures',
    async () => events.join('').includes('event: measuring') && events.join('').includes('"until":1'),
  );
  assert.equal(holdAnswered, false, 'the hold waits for the requests already in the mesh');
  const waiting = [attendee(3), attendee(4)];
  await waitFor('two calls waiting', async () => (await stats()).hold.waiting === 2);
  openGate();
  const drained = await hold;
  assert.equal(drained.inFlightAtStart, 2);
  assert.equal(drained.inFlightLeft, 0);
  for (const r of await Promise.all(inFlight)) assert.equal(r.status, 200);
  assert.equal(started, 2, 'nothing new entered the mesh while the presenter measures');

  const ended = await endHold();
  assert.equal(ended.heldCalls, 2);
  for (const r of await Promise.all(waiting)) assert.equal(r.status, 200, 'each waiting call ran once the hold ended');
  assert.equal(started, 4);
  await waitFor('the phones told it is over', async () => events.join('').includes('"until":null'));
  presence.destroy();
});

test('the queue is bounded: past it a call is refused with the reason, and nothing is lost', async () => {
  await (await startHold(2_500)).json();
  const calls = Array.from({ length: 6 }, (_, i) => attendee(10 + i));
  await waitFor('three waiting', async () => (await stats()).hold.waiting === 3);
  await endHold();
  const answers = await Promise.all(calls);
  const ok = answers.filter((r) => r.status === 200).length;
  const refused = answers.filter((r) => r.status === 429);
  assert.equal(ok, 3);
  assert.equal(ok + refused.length, calls.length, 'sent = ok + refused');
  for (const r of refused) {
    const body = (await r.json()) as RateLimitedBody;
    assert.equal(body.limit, 'measuring');
    assert.match(body.reason, /presenter is measuring/);
    assert.ok(Number(r.headers.get('retry-after')) >= 1);
  }
});

test('a hold the presenter never ends ends by itself, and the waiting calls run', async () => {
  await (await startHold(60_000)).json(); // asks for more than the bound (3 s here)
  const waiting = attendee(20);
  await waitFor('one waiting', async () => (await stats()).hold.waiting === 1);
  const r = await waiting;
  assert.equal(r.status, 200);
  assert.equal((await stats()).hold.active, false);
});

test('a call held past its longest wait is answered with the reason while the hold is still on: nothing hangs', async () => {
  const app = express();
  const short = createAudience({
    config: { presenterToken: TOKEN, publicUrl: 'http://127.0.0.1/join', host: '127.0.0.1' },
    log: createLog('test', 'silent'),
    port: () => 0,
    hold: { maxHoldMs: 10_000, maxWaitMs: 300 },
  });
  app.post('/demo', short.gate, (_req, res) => void res.json({ ok: true }));
  app.use(short.router);
  const srv = http.createServer(app);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const at = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  try {
    const started = await fetch(`${at}/api/audience/hold`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...presenter },
      body: JSON.stringify({ ms: 10_000 }),
    });
    assert.equal(started.status, 200);
    const r = await fetch(`${at}/demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-attendee-id': 'attendee-overdue' },
      body: '{"kind":"normal"}',
    });
    assert.equal(r.status, 429);
    const body = (await r.json()) as RateLimitedBody;
    assert.equal(body.limit, 'measuring');
    assert.match(body.reason, /waited too long/);
    // Answered while the hold is still on: at its own deadline, not at the end of the hold.
    assert.equal(short.stats().hold.active, true, 'the hold itself goes on');
  } finally {
    await short.stop();
    srv.closeAllConnections();
    await new Promise<void>((r) => srv.close(() => r()));
  }
});
