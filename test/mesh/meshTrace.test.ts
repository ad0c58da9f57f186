// One request through the mesh gives one trace shaped like the call graph, and each hole, plugged, reshapes it.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { normalOrderSize, slowOrderSize } from '../../demo-app/catalog.ts';
import {
  byOperation,
  childrenOf,
  endUs,
  errorSpans,
  firstRoot,
  isSequential,
  logMessages,
  maxOverlap,
  rootsOf,
  serviceCalls,
  serviceDepth,
} from './support/meshSpans.ts';
import { startMeshUnderTest, type MeshUnderTest } from './support/meshUnderTest.ts';

let m: MeshUnderTest;
before(async () => {
  // Spans leave only when a test asks (admin flush) or at SIGTERM: the last test relies on that.
  m = await startMeshUnderTest(7, { JAEGER_REPORTER_FLUSH_INTERVAL: '60000' });
});
after(() => m?.close());

test('one request gives one trace whose span tree matches the call graph', async () => {
  const [result] = await m.traces('normal', 1, { 'attendee-id': 'attendee-0042', 'attendee-name': 'Ada' });
  assert.ok(result, 'one request, one result');
  assert.equal(result.status, 200);
  const spans = result.spans;

  assert.equal(new Set(spans.map((s) => s.traceID)).size, 1, 'one trace id');
  const roots = rootsOf(spans);
  assert.equal(roots.length, 1, 'one root');
  assert.equal(roots[0]!.service, 'storefront');
  assert.equal(roots[0]!.operation, 'POST /order');
  assert.ok(spans.length >= 20 && spans.length <= 60, `span count ${spans.length} in 20..60`);
  assert.deepEqual([...new Set(spans.map((s) => s.service))].sort(), ['inventory', 'kitchen', 'menu', 'orders', 'payments', 'storefront']);

  assert.deepEqual(
    [...serviceCalls(spans)].sort(),
    [
      'kitchen→menu',
      'orders→inventory',
      'storefront→inventory',
      'storefront→kitchen',
      'storefront→menu',
      'storefront→orders',
      'storefront→payments',
    ].sort(),
  );
  // Every client span leads to exactly one server span in the service it names.
  for (const client of spans.filter((s) => s.tags['span.kind'] === 'client' && !s.tags['db.type'])) {
    const servers = childrenOf(spans, client).filter((c) => c.tags['span.kind'] === 'server');
    assert.equal(servers.length, 1, `${client.operation} has one server span`);
    assert.equal(servers[0]!.service, client.tags['peer.service']);
    if (client.tags.error !== true) assert.match(String(servers[0]!.tags['http.status_code']), /^20[01]$/);
  }
  assert.ok(serviceDepth(spans).length >= 4, `deep fan-out: ${serviceDepth(spans).join(' → ')}`);

  // Parallel: menu prices and inventory availability overlap; sequential: orders only after both.
  const [prices] = byOperation(spans, 'storefront', 'POST /prices');
  const [availability] = byOperation(spans, 'storefront', 'GET /availability');
  const [orders] = byOperation(spans, 'storefront', 'POST /orders');
  assert.ok(prices && availability && orders, 'storefront calls menu, inventory and orders');
  assert.ok(prices.startUs < endUs(availability) && availability.startUs < endUs(prices), 'menu and inventory in parallel');
  assert.ok(orders.startUs >= Math.max(endUs(prices), endUs(availability)), 'orders after both');

  const dbSpans = spans.filter((s) => s.tags['db.type']);
  assert.ok(dbSpans.length >= 5);
  for (const s of dbSpans) {
    assert.ok(String(s.tags['peer.service']).match(/-(db|cache)$/), `${s.operation} names its store`);
    assert.ok(String(s.tags['db.statement']).length > 0);
  }
  for (const s of spans) {
    assert.equal(s.tags['baggage.attendee-id'], 'attendee-0042', `${s.service} ${s.operation} carries the attendee`);
    assert.equal(s.tags['baggage.attendee-name'], 'Ada');
  }
  // jaeger-client alone would give whole milliseconds; the precise clock gives microseconds.
  assert.ok(spans.some((s) => s.startUs % 1000 !== 0) && spans.some((s) => s.durationUs % 1000 !== 0));
});

describe('each hole, plugged, changes the next trace as designed', () => {
  afterEach(() => m.openAll());

  test('lock contention: concurrent orders wait behind one connection; plugged, nobody waits', async () => {
    const waitsIn = (all: { spans: import('./support/meshSpans.ts').MeshSpan[] }[]) =>
      all.flatMap((r) => byOperation(r.spans, 'orders', 'orders-db acquire connection'));
    const open = waitsIn(await m.traces('normal', 4));
    assert.ok(open.every((s) => s.tags['pool.size'] === 1));
    assert.ok(
      logMessages(open).some((msg) => /^waiting behind [1-9]/.test(msg)),
      'someone waited behind another order',
    );
    assert.ok(
      open.some((s) => Number(s.tags['pool.waited_behind']) >= 2),
      'a queue, not just a pair',
    );

    await m.mesh.setHole('lock-contention', true);
    const plugged = waitsIn(await m.traces('normal', 4));
    assert.ok(plugged.every((s) => s.tags['pool.size'] === 16 && s.tags['pool.waited_behind'] === 0));
    assert.ok(!logMessages(plugged).some((msg) => msg.startsWith('waiting behind')));
  });

  test('N+1: one sequential call per item becomes one batch call', async () => {
    const open = await m.trace('normal');
    const perItem = byOperation(open, 'orders', 'POST /stock/:item/reserve');
    assert.equal(perItem.length, normalOrderSize);
    assert.ok(isSequential(perItem), 'each reservation waits for the one before');
    assert.equal(byOperation(open, 'orders', 'POST /stock/reserve').length, 0);

    await m.mesh.setHole('n-plus-one', true);
    const plugged = await m.trace('normal');
    assert.equal(byOperation(plugged, 'orders', 'POST /stock/:item/reserve').length, 0);
    assert.equal(byOperation(plugged, 'orders', 'POST /stock/reserve').length, 1);
    assert.ok(plugged.length < open.length);
  });

  test('flaky dependency: timed-out tries are error spans with retry logs; plugged, one clean call', async () => {
    const open = await m.trace('slow');
    const tries = byOperation(open, 'storefront', 'POST /charge');
    assert.equal(tries.length, 3, 'two timeouts, then success');
    const failed = errorSpans(tries);
    assert.equal(failed.length, 2);
    for (const f of failed) {
      const errorLog = f.logs.find((l) => l.fields.event === 'error');
      assert.match(String(errorLog?.fields.message), /timed out after 250 ms/);
    }
    const root = firstRoot(open);
    assert.equal(logMessages([root]).filter((msg) => msg.startsWith('payments attempt')).length, 2);
    assert.equal(root.tags['payments.attempts'], 3);

    await m.mesh.setHole('flaky-dependency', true);
    const plugged = await m.trace('slow');
    assert.equal(byOperation(plugged, 'storefront', 'POST /charge').length, 1);
    assert.deepEqual(errorSpans(plugged), []);
  });

  test('undersized worker pool: drinks brew one after another; plugged, all at once', async () => {
    const open = await m.trace('slow');
    const brews = byOperation(open, 'kitchen', /^brew /);
    assert.equal(brews.length, slowOrderSize);
    assert.ok(isSequential(brews), 'one barista: a staircase');
    assert.ok(logMessages(open).some((msg) => /waits for a barista \(\d+ ahead\)/.test(msg)));

    await m.mesh.setHole('worker-pool', true);
    const plugged = await m.trace('slow');
    const parallel = byOperation(plugged, 'kitchen', /^brew /);
    assert.equal(parallel.length, slowOrderSize);
    assert.equal(maxOverlap(parallel), slowOrderSize, 'every drink at once');
  });

  test('missing cache: every lookup hits the database; plugged, repeats come from the cache', async () => {
    const lookups = 2 * slowOrderSize; // a price and a recipe per drink
    const open = await m.trace('slow');
    assert.equal(byOperation(open, 'menu', /^menu-db /).length, lookups);
    assert.equal(byOperation(open, 'menu', /^menu-cache /).length, 0);

    await m.mesh.setHole('missing-cache', true);
    const plugged = await m.trace('slow');
    const distinct = new Set(byOperation(plugged, 'kitchen', /^brew /).map((s) => s.operation)).size;
    assert.equal(byOperation(plugged, 'menu', /^menu-db /).length, distinct, 'one load per distinct drink');
    const gets = byOperation(plugged, 'menu', 'menu-cache GET');
    assert.equal(gets.length, lookups);
    assert.equal(gets.filter((s) => s.tags['cache.hit'] === true).length, lookups - distinct);
  });

  test('all holes plugged: the same slow order finishes sooner', async () => {
    const rootUs = async () => firstRoot(await m.trace('slow')).durationUs;
    const open = await rootUs();
    await m.plugAll();
    await m.trace('slow'); // fills the cache, as a second request on stage would find it
    const plugged = await rootUs();
    assert.ok(plugged < open, `plugged ${plugged} µs < open ${open} µs`);
  });
});

test('on SIGTERM every service flushes its buffered spans before exiting', async () => {
  const [r] = await m.mesh.sendRequests('normal', 1);
  assert.ok(r, 'one request, one result');
  assert.equal(r.status, 200);
  assert.equal(m.capture.trace(r.traceID).length, 0, 'JAEGER_REPORTER_FLUSH_INTERVAL=60000 holds the spans back');
  await m.mesh.stop();
  const spans = m.capture.trace(r.traceID);
  assert.equal(rootsOf(spans).length, 1);
  assert.equal(rootsOf(spans)[0]!.operation, 'POST /order');
  assert.equal(new Set(spans.map((s) => s.service)).size, 6);
  assert.ok(spans.length >= 20);
});
