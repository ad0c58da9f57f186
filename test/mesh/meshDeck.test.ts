// The mesh inside the deck server: demo API contract, every reported span stored by the embedded Jaeger, SIGKILL recovery.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DemoRequestResult } from '../../demo-app/index.ts';
import type { JaegerEnvelope, JaegerTrace } from '../../model/jaegerJson.ts';
import { testConfig } from '../../server/config.ts';
import { startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../pkg/index.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { byOperation, errorSpans, firstRoot, fromJaegerTrace, rootsOf } from './support/meshSpans.ts';

let server: DeckServer;
const presenter = { authorization: 'Bearer test-presenter-token', 'content-type': 'application/json' };

before(async () => {
  server = await startDeckServer(testConfig(), { log: createLog('test', 'silent') });
});
after(() => server?.close());

const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
const demoRequests = async (body: unknown, headers: Record<string, string> = presenter) =>
  api('/api/demo/requests', { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
const storedTrace = async (traceID: string) => {
  const res = await api(`/api/traces/${traceID}`);
  if (res.status !== 200) return undefined;
  const [trace] = ((await res.json()) as JaegerEnvelope<JaegerTrace[]>).data;
  return trace && fromJaegerTrace(trace);
};
const totals = async () => {
  const counts = await server.mesh!.spanCounts();
  return {
    finished: counts.reduce((n, c) => n + c.finished, 0),
    reported: counts.reduce((n, c) => n + c.reported, 0),
    lost: counts.reduce((n, c) => n + c.failed + c.dropped, 0),
  };
};

test('GET/PUT /api/holes: listed, switched only with the presenter token, bad ids and bodies refused with reasons', async () => {
  const holes = (await (await api('/api/holes')).json()) as { id: string; title: string; plugged: boolean }[];
  assert.deepEqual(
    holes.map((h) => h.id),
    ['lock-contention', 'n-plus-one', 'flaky-dependency', 'worker-pool', 'missing-cache'],
  );
  assert.ok(holes.every((h) => h.plugged === false && h.title.length > 0));

  const put = (id: string, body: string, headers: Record<string, string> = presenter) =>
    api(`/api/holes/${id}`, { method: 'PUT', headers, body });
  const noToken = await put('n-plus-one', '{"plugged":true}', { 'content-type': 'application/json' });
  assert.equal(noToken.status, 401);
  assert.match(((await noToken.json()) as { error: string }).error, /presenter token/);
  assert.equal((await put('n-plus-one', '{"plugged":true}', { ...presenter, authorization: 'Bearer wrong' })).status, 401);
  const unknown = await put('no-such-hole', '{"plugged":true}');
  assert.equal(unknown.status, 404);
  assert.match(((await unknown.json()) as { error: string }).error, /no-such-hole/);
  for (const bad of ['{"plugged":"yes"}', '{}', 'not json']) {
    const res = await put('n-plus-one', bad);
    assert.equal(res.status, 400, bad);
    assert.ok(((await res.json()) as { error: string }).error.length > 0);
  }
  const ok = await put('n-plus-one', '{"plugged":true}');
  assert.deepEqual(await ok.json(), { id: 'n-plus-one', title: holes[1]!.title, plugged: true });
  const after = (await (await api('/api/holes')).json()) as { id: string; plugged: boolean }[];
  assert.equal(after.find((h) => h.id === 'n-plus-one')?.plugged, true);

  // The switch reached the orders service: the next trace reserves stock in one batch call.
  const [r] = (await (await demoRequests({ kind: 'normal', count: 1 })).json()) as DemoRequestResult[];
  assert.ok(r, 'one request, one result');
  const spans = await waitFor('the trace in the store', () =>
    storedTrace(r.traceID).then((t) => t && rootsOf(t).length === 1 && t.length > 20 && t),
  );
  assert.equal(byOperation(spans, 'orders', 'POST /stock/reserve').length, 1);
  await put('n-plus-one', '{"plugged":false}');
});

test('POST /api/demo/requests refuses bad input with a reason', async () => {
  for (const body of [
    { kind: 'fast', count: 1 },
    { kind: 'normal', count: 0 },
    { kind: 'normal', count: 51 },
    { kind: 'slow', count: 1.5 },
    '[1,2',
  ]) {
    const res = await demoRequests(body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.ok(((await res.json()) as { error: string }).error.length > 0);
  }
});

test('a burst of 50 concurrent requests: every span the services reported (Thrift and OTLP) is stored by the embedded Jaeger', async (t) => {
  // One pooled connection would queue all 50 for many seconds; the other holes stay open for a busy trace.
  await server.mesh!.setHole('lock-contention', true);
  const before = await totals();
  // jaeger-client's spans come in at the Thrift-over-HTTP door, kitchen's (OpenTelemetry) at the OTLP one.
  const storedNow = () => server.jaeger.stats().http.stored + server.jaeger.stats().otlp.stored;
  const storedBefore = storedNow();
  const res = await demoRequests({ kind: 'normal', count: 50 });
  assert.equal(res.status, 200);
  const results = (await res.json()) as DemoRequestResult[];
  assert.equal(results.length, 50);
  assert.ok(
    results.every((r) => /^[0-9a-f]{16,32}$/.test(r.traceID)),
    JSON.stringify(results.filter((r) => !r.traceID)),
  );
  assert.equal(new Set(results.map((r) => r.traceID)).size, 50);

  // A request whose caller gave up (its deadline passed in the burst) is still worked on, and its spans end later:
  // settled once nothing is left unreported and every trace is whole (the last such span ends within 15 s).
  const settled = await waitFor(
    'every finished span to be reported and stored, and every trace whole',
    async () => {
      const now = await totals();
      const reported = now.reported - before.reported;
      if (now.finished !== now.reported || storedNow() - storedBefore !== reported) return false;
      for (const r of results) {
        const spans = await storedTrace(r.traceID);
        if (!spans || rootsOf(spans).length !== 1) return false;
      }
      return { now, reported };
    },
    { timeoutMs: 25_000, intervalMs: 200 },
  );
  assert.equal(settled.now.lost, 0, 'no span failed or dropped in any service');
  // And span by span: the 50 traces hold exactly the spans the services reported.
  let inTraces = 0;
  for (const r of results) {
    const spans = await storedTrace(r.traceID);
    assert.ok(
      spans && rootsOf(spans).length === 1,
      `trace ${r.traceID} is whole: roots ${JSON.stringify(spans && rootsOf(spans).map((x) => [x.service, x.operation, x.parentSpanID, x.references]))}`,
    );
    inTraces += spans.length;
  }
  assert.equal(inTraces, settled.reported);
  t.diagnostic(
    `burst of 50: ${results.filter((r) => r.status === 200).length} answered 200, ${settled.reported} spans reported by the services, ${inTraces} stored in the 50 traces`,
  );
  assert.equal(server.jaeger.stats().http.rejected, 0);
  assert.equal(server.jaeger.stats().otlp.rejected, 0);
  await server.mesh!.setHole('lock-contention', false);
});

test('SIGKILL of a service under load: error spans, no hang, and the service is back within seconds', async () => {
  // A switch set before the crash must survive it: the restarted orders gets the current switches at start.
  await server.mesh!.setHole('n-plus-one', true);
  const victim = server.mesh!.processes().find((p) => p.name === 'orders')!;
  assert.ok(victim.pid);
  const load = (async () => {
    const all: DemoRequestResult[] = [];
    for (let round = 0; round < 4; round++) {
      const res = await demoRequests({ kind: 'normal', count: 5 });
      const body = (await res.json()) as DemoRequestResult[];
      assert.equal(res.status, 200, JSON.stringify(body));
      all.push(...body);
    }
    return all;
  })();
  // Kill it while requests are in flight, as a crash would.
  await waitFor('orders to be busy', async () => (await totals()).finished > 0);
  process.kill(victim.pid, 'SIGKILL');
  const results = await load;
  assert.equal(results.length, 20, 'every request answered');
  const failed = results.filter((r) => r.status !== 200);
  assert.ok(failed.length > 0, 'some requests met the dead service');

  // A failed request's trace says where it broke: an error span on the call to orders.
  const broken = failed.find((r) => r.traceID);
  assert.ok(broken, 'a failed request still names its trace');
  const spans = await waitFor('the failed trace', () =>
    storedTrace(broken.traceID).then((t) => t && rootsOf(t).some((s) => s.operation === 'POST /order') && t),
  );
  const toOrders = byOperation(spans, 'storefront', 'POST /orders');
  assert.ok(errorSpans(toOrders).length >= 1, 'the call to orders is an error span');
  assert.ok(toOrders.some((s) => s.logs.some((l) => l.fields.event === 'error' && String(l.fields.message).length > 0)));
  assert.equal(firstRoot(spans).tags.error, true);

  const back = await waitFor(
    'orders restarted and /healthz green',
    async () => {
      const res = await api('/healthz');
      const p = server.mesh!.processes().find((x) => x.name === 'orders')!;
      return res.status === 200 && p.state === 'healthy' && p.pid !== victim.pid && p;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  assert.notEqual(back.port, undefined);
  const [again] = (await (await demoRequests({ kind: 'normal', count: 1 })).json()) as DemoRequestResult[];
  assert.ok(again, 'one request, one result');
  assert.equal(again.status, 200, 'peers learnt the restarted service’s new address');
  const fresh = await waitFor('the new trace', () =>
    storedTrace(again.traceID).then((t) => t && rootsOf(t).some((s) => s.operation === 'POST /order') && t),
  );
  assert.equal(byOperation(fresh, 'orders', 'POST /stock/reserve').length, 1, 'the restarted orders still has N+1 plugged');
  assert.equal(byOperation(fresh, 'orders', 'POST /stock/:item/reserve').length, 0);
  await server.mesh!.setHole('n-plus-one', false);
});

test('with the mesh down, /healthz is 503 and demo requests answer 503 with a reason', async () => {
  const pids = server.mesh!.processes().map((p) => p.pid!);
  await server.mesh!.stop();
  for (const pid of pids) assert.throws(() => process.kill(pid, 0), /ESRCH/, `process ${pid} is gone`);
  const health = await api('/healthz');
  assert.equal(health.status, 503);
  const body = (await health.json()) as { services: { name: string; state: string }[] };
  assert.ok(body.services.every((s) => s.state === 'stopped'));
  const res = await demoRequests({ kind: 'normal', count: 1 });
  assert.equal(res.status, 503);
  assert.match(((await res.json()) as { error: string }).error, /mesh is down/);
});
