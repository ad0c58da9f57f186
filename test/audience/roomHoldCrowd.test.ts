// No attendee request is lost across the presenter's measuring hold and a plug: each is answered, or refused with a reason.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import type { AudienceStats, RateLimitedBody, RoomHoldEnd } from '../../model/audience.ts';
import { testConfig } from '../../server/config.ts';
import { startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../pkg/index.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { call, callAsBrowser, ClosedKeptAliveConnection, errorKind, type Reply } from '../../scripts/wire.ts';

const presenter = { authorization: 'Bearer test-presenter-token', 'content-type': 'application/json' };
let server: DeckServer;

before(async () => {
  server = await startDeckServer(testConfig(), { log: createLog('test', 'silent') });
});
after(async () => {
  await server?.close();
});

const stats = async () => (await (await fetch(`${server.url}/api/audience/stats`)).json()) as AudienceStats;

/** What one attendee request came to: run, refused with a reason the phone shows, or lost (anything else, a 503 included: the mesh must stay up through a plug). */
type Outcome = { ran: true } | { refused: string } | { lost: string };

function outcomeOf(r: Reply): Outcome {
  try {
    const body = JSON.parse(r.body) as Partial<RateLimitedBody>;
    if (r.status === 200 && Array.isArray(body)) return { ran: true };
    if (r.status === 429 && typeof body.limit === 'string' && typeof body.reason === 'string' && body.reason.length > 0)
      return { refused: body.limit };
  } catch {
    // not JSON: lost below
  }
  return { lost: `${r.status} ${r.body.slice(0, 80)}` };
}

/** A room of phones on one Wi-Fi: each attendee's browser keeps its connections alive, and a request leaves every `everyMs`. */
function crowd(everyMs: number, attendees: number) {
  const pool = new http.Agent({ keepAlive: true });
  const outcomes: Promise<Outcome>[] = [];
  let resent = 0;
  let n = 0;
  const timer = setInterval(() => {
    const id = `crowd-attendee-${n++ % attendees}`;
    outcomes.push(
      callAsBrowser(
        new URL('/api/demo/requests', server.url),
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-attendee-id': id },
          body: JSON.stringify({ kind: n % 10 === 0 ? 'slow' : 'normal', count: 1 }),
          agent: pool,
          timeoutMs: 30_000,
        },
        () => resent++,
      ).then(outcomeOf, (e: unknown) => ({ lost: `network ${errorKind(e)}` })),
    );
  }, everyMs);
  return {
    get sent() {
      return outcomes.length;
    },
    get resent() {
      return resent;
    },
    stopSending(): void {
      clearInterval(timer);
    },
    /** Every request's outcome, once each has one (a request's own timeout bounds the wait). */
    async outcomes(): Promise<Outcome[]> {
      const all = await Promise.all(outcomes);
      pool.destroy();
      return all;
    },
  };
}

test('a crowd sending through a hold, a plug and the release: every request runs or is refused with a reason', async (t) => {
  const room = crowd(40, 40);
  let ended: RoomHoldEnd;
  try {
    await waitFor('the crowd filling the mesh', async () => (await stats()).inFlight >= 4, { timeoutMs: 20_000 });
    const hold = await fetch(`${server.url}/api/audience/hold`, {
      method: 'POST',
      headers: presenter,
      body: JSON.stringify({ ms: 8_000 }),
    });
    assert.equal(hold.status, 200);
    // While held: the presenter plugs a hole and measures; the crowd keeps sending and queues.
    const plug = await fetch(`${server.url}/api/holes/missing-cache`, { method: 'PUT', headers: presenter, body: '{"plugged":true}' });
    assert.equal(plug.status, 200);
    const measured = await fetch(`${server.url}/api/demo/requests`, {
      method: 'POST',
      headers: presenter,
      body: '{"kind":"slow","count":2}',
    });
    assert.equal(measured.status, 200);
    // Until the queue is full and turns requests away: both ways a held request can go are taken.
    await waitFor('the waiting queue full, refusing newcomers with the reason', async () => (await stats()).limitedBy.measuring >= 3, {
      timeoutMs: 20_000,
    });
    ended = (await (await fetch(`${server.url}/api/audience/hold`, { method: 'DELETE', headers: presenter })).json()) as RoomHoldEnd;
    // The release: the held calls run first, then the crowd goes on as before (the hole opened again, as the next hole's
    // proof starts from the talk's state).
    await waitFor('the held calls run', async () => (await stats()).hold.waiting === 0, { timeoutMs: 30_000 });
    const sentAtRelease = room.sent;
    await fetch(`${server.url}/api/holes/missing-cache`, { method: 'PUT', headers: presenter, body: '{"plugged":false}' });
    await waitFor('the crowd sending on after the release', () => room.sent >= sentAtRelease + 100, { timeoutMs: 30_000 });
  } finally {
    room.stopSending();
    await fetch(`${server.url}/api/audience/hold`, { method: 'DELETE', headers: presenter });
  }
  const outcomes = await room.outcomes();
  const ran = outcomes.filter((o) => 'ran' in o).length;
  const refused = outcomes.filter((o) => 'refused' in o);
  const lost = outcomes.filter((o): o is { lost: string } => 'lost' in o).map((o) => o.lost);
  const s = await stats();
  const figures = `sent ${outcomes.length}, ran ${ran}, refused ${refused.length}, lost ${lost.length}, resent ${room.resent}; held ${s.hold.held}, ran after ${s.hold.ranAfter}`;
  t.diagnostic(figures);
  assert.deepEqual(lost, [], figures);
  assert.equal(outcomes.length, ran + refused.length, figures);
  // The hold was really in the way: calls waited and then ran, and the crowd met its limits.
  assert.ok(ended!.heldCalls >= 10 && s.hold.ranAfter >= 10 && s.limitedBy.measuring >= 3, figures);
  assert.ok(ran >= 20 && refused.length >= 1, figures);
});

test('as a browser does, a request cut off on a kept-alive connection the server had closed is sent once more on a new one', async () => {
  // A server that answers one request per connection and closes it, unanswered, when a second one comes on it:
  // what a keep-alive timeout does when it fires just as the pool reuses the connection.
  let answered = 0;
  const closer = http.createServer((req, res) => {
    req.resume();
    if (req.socket.bytesWritten > 0) return req.socket.destroy();
    answered++;
    req.on('end', () => res.end('[]'));
  });
  await new Promise<void>((r) => closer.listen(0, '127.0.0.1', r));
  const url = new URL(`http://127.0.0.1:${(closer.address() as { port: number }).port}/`);
  const pool = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    assert.equal((await call(url, { method: 'POST', body: '{}', agent: pool })).status, 200);
    // Plain: the second request on the reused connection is cut off, and says so.
    await assert.rejects(call(url, { method: 'POST', body: '{}', agent: pool }), ClosedKeptAliveConnection);
    assert.equal((await call(url, { method: 'POST', body: '{}', agent: pool })).status, 200);
    let resent = 0;
    const r = await callAsBrowser(url, { method: 'POST', body: '{}', agent: pool }, () => resent++);
    assert.equal(r.status, 200);
    assert.equal(resent, 1);
    assert.equal(answered, 3, 'each request was read and answered once, the cut-off ones never');
  } finally {
    pool.destroy();
    closer.close();
  }
});
