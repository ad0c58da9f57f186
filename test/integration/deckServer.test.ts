// The deck server starts on ephemeral ports, answers /healthz, serves the deck and says clearly when a port is taken.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { testConfig } from '../../server/config.ts';
import { startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../pkg/index.ts';
import { PortInUseError } from '../../pkg/index.ts';
import { LIVE_SERVER_META } from '../../server/staticDeck.ts';

const log = createLog('test', 'silent');
let server: DeckServer;

before(async () => {
  server = await startDeckServer(testConfig({ meshEnabled: false }), { log });
});
after(() => server.close());

test('GET /healthz answers 200', async () => {
  const res = await fetch(`${server.url}/healthz`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { services: unknown[] };
  assert.ok(Array.isArray(body.services));
});

test('the deck is served at / and marked as served live (static hosts lack the mark)', async () => {
  const res = await fetch(`${server.url}/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/html/);
  assert.ok((await res.text()).includes(LIVE_SERVER_META));
  const gz = await fetch(`${server.url}/`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gz.headers.get('content-encoding'), 'gzip', 'the deck is sent compressed to phones on a slow network');
  const join = await fetch(`${server.url}/join`);
  assert.equal(join.status, 200);
  assert.ok((await join.text()).includes(LIVE_SERVER_META));
});

test('an unknown API path is a JSON 404', async () => {
  const res = await fetch(`${server.url}/api/nope`);
  assert.equal(res.status, 404);
  assert.ok(((await res.json()) as { error: string }).error);
});

test('a taken port is a one-line error naming the port and PORT', async () => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as net.AddressInfo).port;
  try {
    await assert.rejects(startDeckServer(testConfig({ port, meshEnabled: false }), { log }), (e: unknown) => {
      assert.ok(e instanceof PortInUseError);
      assert.match(e.message, new RegExp(`port ${port}.*PORT`));
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  } finally {
    blocker.close();
  }
});
