// The attendee gate on its own: identity checks, per-attendee and global limits with 429 + Retry-After, baggage, presenter bypass.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { createAttendeeGate, createGateCounters, publicAttendeeTag } from '../../join/server/attendeeGate.ts';
import { cleanNickname, parseAttendee } from '../../join/attendeeIdentity.ts';
import { AttendeeLimits, defaultAttendeeLimits, type AttendeeLimitSettings } from '../../join/server/attendeeLimits.ts';
import type { RateLimitedBody } from '../../model/audience.ts';
import { createLog } from '../../pkg/index.ts';
import { waitFor } from '../../devkit/waitFor.ts';

const TOKEN = 'gate-test-token';

/** A real express server with the gate in front of a handler that answers with the baggage it was given. */
async function gateServer(settings: Partial<AttendeeLimitSettings>, clock?: () => number) {
  const limits = new AttendeeLimits({ ...defaultAttendeeLimits, ...settings }, clock);
  const counters = createGateCounters();
  const app = express();
  // Requests wait on `hold` so tests can keep some in flight.
  let hold: Promise<void> = Promise.resolve();
  app.post('/demo', createAttendeeGate({ limits, presenterToken: TOKEN, counters, log: createLog('test', 'silent') }), async (req, res) => {
    await hold;
    res.json({ baggage: res.locals.baggage ?? null, body: req.body ?? null });
  });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/demo`;
  return {
    url,
    limits,
    counters,
    holdWith: (p: Promise<void>) => (hold = p),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function post(url: string, headers: Record<string, string>, body: unknown = { kind: 'normal', count: 1 }) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

describe('attendee identity', () => {
  test('nicknames fold accents and curly quotes, and anything else outside the safe charset is refused', () => {
    const ok = parseAttendee('abcdefgh12', '  Zoë   O\u2019Neil ');
    assert.deepEqual(ok, { ok: true, attendee: { id: 'abcdefgh12', name: "Zoe O'Neil" } });
    for (const bad of ['<b>x</b>', 'a\r\nuberctx-x: 1', 'x'.repeat(25), 'emoji 🎉', '100%']) {
      const r = parseAttendee('abcdefgh12', bad);
      assert.equal(r.ok, false, `nickname ${JSON.stringify(bad)} must be refused`);
    }
    assert.equal(cleanNickname('  Zoë 🎉 <script> '), 'Zoe script');
    assert.deepEqual(parseAttendee('abcdefgh12', '   '), { ok: true, attendee: { id: 'abcdefgh12', name: undefined } });
  });

  test('ids must be 8–64 characters of a URL-safe alphabet', () => {
    assert.equal(parseAttendee(undefined, undefined).ok, false);
    assert.equal(parseAttendee('short', undefined).ok, false);
    assert.equal(parseAttendee('has space in it', undefined).ok, false);
    assert.equal(parseAttendee('x'.repeat(65), undefined).ok, false);
    assert.equal(parseAttendee('Ab-_0123456789', undefined).ok, true);
  });
});

describe('attendee gate over HTTP', () => {
  let gate: Awaited<ReturnType<typeof gateServer>>;
  let fakeNow = 1_000_000;
  before(async () => {
    gate = await gateServer(
      { perAttendeeBurst: 3, perAttendeePerSecond: 2, globalBurst: 8, globalPerSecond: 4, maxInFlight: 100 },
      () => fakeNow,
    );
  });
  after(() => gate.close());

  test('a well-formed attendee gets header-safe baggage with a keyed tag of the id (never the id) and the nickname', async () => {
    const res = await post(gate.url, { 'x-attendee-id': 'attendee-0001', 'x-attendee-name': 'Zoë  B' });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { baggage: Record<string, string>; body: unknown };
    assert.deepEqual(body.baggage, { 'attendee-id': publicAttendeeTag('attendee-0001'), 'attendee-name': 'Zoe B' });
    assert.match(body.baggage['attendee-id']!, /^a-[0-9a-f]{12}$/);
    assert.notEqual(publicAttendeeTag('attendee-0001'), publicAttendeeTag('attendee-0002'));
    // The body stays readable for the demo API after the gate parsed it.
    assert.deepEqual(body.body, { kind: 'normal', count: 1 });
  });

  test('malformed attendee headers or bodies are a 400 with a reason, and counted', async () => {
    const before = gate.counters.rejected;
    const cases: [Record<string, string>, unknown, RegExp][] = [
      [{ 'x-attendee-id': 'no' }, { kind: 'normal', count: 1 }, /x-attendee-id must be/],
      [{ 'x-attendee-id': 'attendee-0002', 'x-attendee-name': '<img src=x>' }, { kind: 'normal' }, /nickname may hold only/],
      [{ 'x-attendee-id': 'attendee-0002' }, { kind: 'normal', count: 6 }, /at most 5 requests at once/],
    ];
    for (const [headers, body, reason] of cases) {
      const res = await post(gate.url, headers, body);
      assert.equal(res.status, 400);
      assert.match(((await res.json()) as { reason: string }).reason, reason);
    }
    const broken = await fetch(gate.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-attendee-id': 'attendee-0002' },
      body: '{"kind":',
    });
    assert.equal(broken.status, 400);
    assert.match(((await broken.json()) as { reason: string }).reason, /not valid JSON/);
    assert.equal(gate.counters.rejected, before + cases.length + 1);
  });

  test('one attendee past its burst gets 429 with a reason and Retry-After; it refills with time', async () => {
    fakeNow += 60_000;
    const who = { 'x-attendee-id': 'attendee-fast' };
    for (let i = 0; i < 3; i++) assert.equal((await post(gate.url, who)).status, 200, `request ${i + 1} of the burst`);
    const limited = await post(gate.url, who);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '1');
    const body = (await limited.json()) as RateLimitedBody;
    assert.equal(body.limit, 'attendee');
    assert.match(body.reason, /faster than about 2 per second/);
    // Someone else is not affected by this attendee's pace.
    assert.equal((await post(gate.url, { 'x-attendee-id': 'attendee-calm' })).status, 200);
    fakeNow += 500; // one token back at 2/s
    assert.equal((await post(gate.url, who)).status, 200);
    assert.equal((await post(gate.url, who)).status, 429);
  });

  test('the audience together is capped: many attendees at once hit the global bucket, each keeping its own tokens', async () => {
    fakeNow += 60_000;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await post(gate.url, { 'x-attendee-id': `crowd-member-${i}` })).status);
    assert.deepEqual(statuses, [...Array(8).fill(200), ...Array(4).fill(429)]);
    const res = await post(gate.url, { 'x-attendee-id': 'crowd-member-99' });
    assert.equal(res.status, 429);
    const body = (await res.json()) as RateLimitedBody;
    assert.equal(body.limit, 'everyone');
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    fakeNow += 250; // one global token back at 4/s
    assert.equal((await post(gate.url, { 'x-attendee-id': 'crowd-member-11' })).status, 200);
  });

  test('a caller without an attendee id (a script, curl) is an anonymous attendee, limited per address', async () => {
    fakeNow += 60_000;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await post(gate.url, {})).status);
    assert.equal(statuses[0], 200);
    assert.ok(statuses.includes(429), `one address shares one attendee's limit: ${statuses.join(',')}`);
  });

  test('requests carrying the presenter token are never limited and carry no attendee baggage', async () => {
    fakeNow += 60_000;
    for (let i = 0; i < 30; i++) {
      const res = await post(gate.url, { authorization: `Bearer ${TOKEN}` });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { baggage: unknown }).baggage, null);
    }
    const wrong = await post(gate.url, { authorization: 'Bearer not-the-token' });
    assert.equal(wrong.status, 200, 'a wrong token is just an attendee without an id');
    // Its anonymous id (from its address) is spent like any id, and spans show only its keyed tag.
    assert.match(((await wrong.json()) as { baggage: Record<string, string> }).baggage['attendee-id']!, /^a-[0-9a-f]{12}$/);
  });
});

test('at most maxInFlight attendee requests are inside the mesh at once; a slot frees when the request is answered, not when the phone hangs up', async () => {
  const gate = await gateServer({ maxInFlight: 2, globalBurst: 100, globalPerSecond: 100 });
  try {
    let release!: () => void;
    gate.holdWith(new Promise<void>((r) => (release = r)));
    const first = post(gate.url, { 'x-attendee-id': 'inflight-a' });
    // This phone gives up while its request is still being worked on.
    const quitter = new AbortController();
    const second = fetch(gate.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-attendee-id': 'inflight-b' },
      body: JSON.stringify({ kind: 'normal', count: 1 }),
      signal: quitter.signal,
    }).catch(() => 'aborted');
    await waitInFlight(gate.limits, 2);
    quitter.abort();
    assert.equal(await second, 'aborted');
    const third = await post(gate.url, { 'x-attendee-id': 'inflight-c' });
    assert.equal(third.status, 429, 'the abandoned request still occupies its slot');
    assert.equal(((await third.json()) as RateLimitedBody).limit, 'busy');
    release();
    assert.equal((await first).status, 200);
    await waitInFlight(gate.limits, 0);
    assert.equal((await post(gate.url, { 'x-attendee-id': 'inflight-c' })).status, 200);
  } finally {
    await gate.close();
  }
});

async function waitInFlight(limits: AttendeeLimits, n: number): Promise<void> {
  await waitFor(`${n} request(s) in flight`, () => limits.requestsInFlight === n);
}
