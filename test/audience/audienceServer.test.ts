// Audience routes on the real deck server (no mesh needed): join URL and QR, presence counting, stats, server stats.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { AudienceStats, JoinInfo } from '../../model/audience.ts';
import { lanIPv4, resolveJoinUrl } from '../../join/server/joinUrl.ts';
import type { ServerStats } from '../../server/serverStats.ts';
import { summarizeTrace } from '../../join/browser/traceSummary.ts';
import type { JaegerTrace } from '../../model/jaegerJson.ts';
import { testConfig } from '../../server/config.ts';
import { startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../pkg/index.ts';
import { waitFor } from '../../devkit/waitFor.ts';

const iface = (address: string, internal = false) => ({
  address,
  netmask: '255.255.255.0',
  family: 'IPv4' as const,
  mac: '00:00:00:00:00:00',
  internal,
  cidr: null,
});

describe('join URL', () => {
  test('PUBLIC_URL wins; a bare origin gets /join, a full URL is kept', () => {
    assert.equal(resolveJoinUrl({ publicUrl: 'https://talk.example.org', host: '0.0.0.0', port: 8080 }), 'https://talk.example.org/join');
    assert.equal(resolveJoinUrl({ publicUrl: 'https://talk.example.org/', host: '0.0.0.0', port: 8080 }), 'https://talk.example.org/join');
    assert.equal(resolveJoinUrl({ publicUrl: 'https://x.example/deck/join', host: '0.0.0.0', port: 1 }), 'https://x.example/deck/join');
  });

  test('binding all interfaces uses the first physical LAN IPv4 with the real port; none → localhost', () => {
    const interfaces = {
      lo: [iface('127.0.0.1', true)],
      docker0: [iface('172.17.0.1')],
      wlan0: [iface('169.254.3.4'), iface('192.168.1.20')],
    };
    assert.equal(lanIPv4(interfaces), '192.168.1.20');
    assert.equal(resolveJoinUrl({ publicUrl: undefined, host: '0.0.0.0', port: 43210, interfaces }), 'http://192.168.1.20:43210/join');
    assert.equal(
      resolveJoinUrl({ publicUrl: undefined, host: '0.0.0.0', port: 8080, interfaces: { lo: [iface('127.0.0.1', true)] } }),
      'http://localhost:8080/join',
    );
    assert.equal(resolveJoinUrl({ publicUrl: undefined, host: '127.0.0.1', port: 8080, interfaces }), 'http://localhost:8080/join');
    assert.equal(resolveJoinUrl({ publicUrl: undefined, host: '10.0.0.7', port: 9, interfaces }), 'http://10.0.0.7:9/join');
  });
});

test('self time: a span minus the union of its children, ranked per service and operation', () => {
  const span = (spanID: string, parent: string | undefined, processID: string, op: string, start: number, duration: number) => ({
    traceID: 't',
    spanID,
    operationName: op,
    references: parent ? [{ refType: 'CHILD_OF' as const, traceID: 't', spanID: parent }] : [],
    startTime: start,
    duration,
    tags: [],
    logs: [],
    processID,
    warnings: null,
  });
  const trace: JaegerTrace = {
    traceID: 't',
    processes: { p1: { serviceName: 'storefront', tags: [] }, p2: { serviceName: 'inventory', tags: [] } },
    warnings: null,
    spans: [
      span('a', undefined, 'p1', 'GET /order', 0, 100_000),
      // Two overlapping children cover 10–60 ms of the root: its self time is 50 ms.
      span('b', 'a', 'p2', 'reserve', 10_000, 30_000),
      span('c', 'a', 'p2', 'reserve', 30_000, 30_000),
      // A grandchild of b, half outside b's own interval.
      span('d', 'b', 'p2', 'lock wait', 35_000, 20_000),
    ],
  };
  const s = summarizeTrace(trace);
  assert.equal(s.spans, 4);
  assert.equal(s.services, 2);
  assert.equal(s.durationMs, 100);
  assert.deepEqual(
    s.top.map((t) => [t.service, t.operation, t.selfMs, t.spans]),
    [
      // b: 30 ms minus the 5 ms of d inside it = 25; plus c's 30 ms.
      ['inventory', 'reserve', 55, 2],
      ['storefront', 'GET /order', 50, 1],
      ['inventory', 'lock wait', 20, 1],
    ],
  );
});

describe('audience routes on the deck server', () => {
  let server: DeckServer;
  before(async () => {
    server = await startDeckServer(testConfig({ meshEnabled: false }), { log: createLog('test', 'silent') });
  });
  after(() => server.close());

  const stats = async () => (await (await fetch(`${server.url}/api/audience/stats`)).json()) as AudienceStats;

  test('join-info gives the join URL and a server-made SVG QR code', async () => {
    const res = await fetch(`${server.url}/api/audience/join-info`);
    assert.equal(res.status, 200);
    const info = (await res.json()) as JoinInfo;
    assert.equal(info.url, server.audience.joinUrl());
    assert.equal(info.url, `http://localhost:${server.port}/join`);
    assert.match(info.qrSvg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox="0 0 \d+ \d+"/);
    assert.doesNotMatch(info.qrSvg, /<script|href|on\w+=/i);
  });

  test('attendees connected counts distinct ids holding a presence stream; a bad id is a 400', async () => {
    const open: http.ClientRequest[] = [];
    const firstEvents: string[] = [];
    const connect = (id: string) =>
      new Promise<void>((resolve, reject) => {
        const req = http.get(`${server.url}/api/audience/presence?attendee=${id}`, (res) => {
          assert.equal(res.statusCode, 200);
          assert.match(res.headers['content-type'] ?? '', /text\/event-stream/);
          res.setEncoding('utf8');
          res.once('data', (chunk: string) => {
            firstEvents.push(chunk);
            resolve();
          });
        });
        req.on('error', reject);
        open.push(req);
      });
    try {
      await connect('attendee-aaaa');
      await connect('attendee-aaaa'); // a second tab of the same phone
      await connect('attendee-bbbb');
      await waitFor('two attendees, three streams', async () => {
        const s = await stats();
        return s.attendeesConnected === 2 && s.presenceStreams === 3;
      });
      assert.match(firstEvents[0] ?? '(no stream opened)', /event: count\ndata: 1\n/);
      open.shift()!.destroy();
      await waitFor('one tab closed, both attendees still here', async () => (await stats()).presenceStreams === 2);
      assert.equal((await stats()).attendeesConnected, 2);
      for (const r of open.splice(0)) r.destroy();
      await waitFor('everyone gone', async () => (await stats()).attendeesConnected === 0);
    } finally {
      for (const r of open) r.destroy();
    }
    const bad = await fetch(`${server.url}/api/audience/presence?attendee=%3Cx%3E`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { reason: string }).reason, /attendee query parameter/);
  });

  test('server stats (loopback) report CPU, memory and event-loop delay of the server and its process tree', async () => {
    const res = await fetch(`${server.url}/api/server/stats`);
    assert.equal(res.status, 200);
    const s = (await res.json()) as ServerStats;
    assert.ok(s.rssBytes > 10_000_000, 'rss of a node process');
    assert.ok(s.cpuPercent >= 0);
    assert.ok(s.tree && s.tree.processes >= 1 && s.tree.rssBytes >= s.rssBytes);
    assert.equal(typeof s.eventLoopDelayMs.p99, 'number');
  });
});
