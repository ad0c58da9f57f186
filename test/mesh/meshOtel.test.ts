// The migration, live: kitchen runs the OpenTelemetry SDK between jaeger-client services, and one trace crosses both with every link, baggage and door intact.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { kitchenApi } from '../../demo-app/kitchen/api.ts';
import type { CollectorStatsSnapshot } from '../../model/index.ts';
import type { JaegerEnvelope, JaegerTrace } from '../../model/jaegerJson.ts';
import { testConfig } from '../../server/config.ts';
import { startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../pkg/index.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { childrenOf, fromJaegerTrace, rootsOf, type MeshSpan } from './support/meshSpans.ts';

let server: DeckServer;
before(async () => {
  server = await startDeckServer(testConfig(), { log: createLog('test', 'silent') });
});
after(() => server?.close());

const otelService = kitchenApi.service;
const api = (path: string) => fetch(`${server.url}${path}`);
const stats = async () => (await (await api('/api/collector/stats')).json()) as CollectorStatsSnapshot;
/** Every span every service finished has been accepted by the collector. */
const allReported = async () => {
  const counts = await server.mesh!.spanCounts();
  return counts.every((c) => c.finished === c.reported && c.failed === 0 && c.dropped === 0);
};
const storedTrace = async (traceID: string): Promise<JaegerTrace | undefined> => {
  const res = await api(`/api/traces/${traceID}`);
  if (res.status !== 200) return undefined;
  return ((await res.json()) as JaegerEnvelope<JaegerTrace[]>).data[0];
};
/** The trace once every service's spans are in: whole, with its root. */
const wholeTrace = (traceID: string) =>
  waitFor(`trace ${traceID} whole in the store`, async () => {
    if (!(await allReported())) return false;
    const trace = await storedTrace(traceID);
    return trace && rootsOf(fromJaegerTrace(trace)).length === 1 && trace;
  });
const processTags = (trace: JaegerTrace, service: string) => {
  const procs = Object.values(trace.processes).filter((p) => p.serviceName === service);
  assert.equal(procs.length, 1, `${service} reports as one process`);
  return Object.fromEntries(procs[0]!.tags.map((t) => [t.key, t.value]));
};

test("a normal order's trace crosses jaeger-client and OpenTelemetry services both ways, baggage included, and the OTLP door counts the OTel spans", async () => {
  const before = await stats();
  const [r] = await server.mesh!.sendRequests('normal', 1, { baggage: { 'attendee-id': 'attendee-0042' } });
  assert.ok(r, 'one request, one result');
  assert.equal(r.status, 200);
  const trace = await wholeTrace(r.traceID);
  const after = await stats();
  const spans = fromJaegerTrace(trace);
  const otel = spans.filter((s) => s.service === otelService);
  const jaeger = spans.filter((s) => s.service !== otelService);
  assert.ok(otel.length >= 3 && jaeger.length >= 15, `${otel.length} OTel spans, ${jaeger.length} jaeger-client spans`);

  // Each side's process says which library made its spans.
  const kitchen = processTags(trace, otelService);
  assert.equal(kitchen['telemetry.sdk.name'], 'opentelemetry');
  assert.equal(kitchen['telemetry.sdk.language'], 'nodejs');
  assert.match(String(kitchen['telemetry.sdk.version']), /^\d+\.\d+\.\d+/);
  assert.equal(kitchen['jaeger.version'], undefined);
  assert.match(String(processTags(trace, 'storefront')['jaeger.version']), /^Node-/);
  assert.equal(processTags(trace, 'menu')['telemetry.sdk.name'], undefined);

  const byId = new Map(spans.map((s) => [s.spanID, s]));
  // jaeger-client → OpenTelemetry: storefront's call to kitchen is the parent of kitchen's server span.
  const brewCall = spans.find(
    (s) => s.service === 'storefront' && s.tags['span.kind'] === 'client' && s.tags['peer.service'] === otelService,
  );
  assert.ok(brewCall, 'storefront calls kitchen');
  const kitchenServers = childrenOf(spans, brewCall).filter((s) => s.service === otelService);
  assert.equal(kitchenServers.length, 1, "kitchen's server span is the child of storefront's call");
  assert.equal(kitchenServers[0]!.tags['span.kind'], 'server');
  // OpenTelemetry → jaeger-client: each of kitchen's calls to menu is the parent of one menu server span.
  const menuCalls = otel.filter((s) => s.tags['span.kind'] === 'client' && s.tags['peer.service'] === 'menu');
  assert.ok(menuCalls.length >= 1, 'kitchen calls menu');
  for (const call of menuCalls) {
    const served = childrenOf(spans, call).filter((s) => s.service === 'menu' && s.tags['span.kind'] === 'server');
    assert.equal(served.length, 1, `${call.operation} leads to one menu server span`);
  }
  // And inside kitchen every span hangs from a span in the trace: no link lost on either side.
  for (const s of otel) assert.ok(byId.has(s.parentSpanID), `${s.operation} has its parent in the trace`);
  assert.equal(rootsOf(spans).length, 1);

  // The attendee's baggage crossed into OpenTelemetry and back out to jaeger-client.
  for (const s of spans) assert.equal(s.tags['baggage.attendee-id'], 'attendee-0042', `${s.service} ${s.operation} carries the attendee`);

  // The collector counted kitchen's spans at its OTLP door and everyone else's at the Thrift one.
  assert.equal(after.otlp.spans - before.otlp.spans, otel.length, 'OTLP door: exactly the OTel spans');
  assert.equal(after.http.spans - before.http.spans, jaeger.length, 'Thrift over HTTP: exactly the jaeger-client spans');
  assert.equal(after.otlp.rejected, before.otlp.rejected);
});

test('kitchen reads W3C traceparent and baggage too, and hands both on to jaeger-client as uber-trace-id and uberctx-*', async () => {
  const port = server.mesh!.processes().find((p) => p.name === otelService)?.port;
  assert.ok(port, 'kitchen is listening');
  const traceID = `4bf92f3577b34da6a3ce929d0e0e${(process.pid % 0xffff).toString(16).padStart(4, '0')}`;
  const callerSpan = '00f067aa0ba902b7';
  const res = await fetch(`http://127.0.0.1:${port}${kitchenApi.brew.route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceID}-${callerSpan}-01`, baggage: 'attendee-id=w3c-7' },
    body: JSON.stringify({ orderId: 'w3c', drinks: ['latte', 'mocha'] }),
  });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('x-trace-id'), traceID, 'the caller’s 128-bit trace id is kept');
  const trace = await waitFor('the W3C trace in the store', async () => {
    if (!(await allReported())) return false;
    const t = await storedTrace(traceID);
    return t?.spans.some((s) => t.processes[s.processID]?.serviceName === 'menu') && t;
  });
  const spans: MeshSpan[] = fromJaegerTrace(trace);
  const entry = spans.find((s) => s.service === otelService && s.tags['span.kind'] === 'server');
  assert.equal(entry?.parentSpanID, callerSpan, "kitchen's server span is the child of the traceparent's span");
  const menu = spans.filter((s) => s.service === 'menu');
  assert.ok(menu.length >= 2, 'menu (jaeger-client) joined the same 128-bit trace');
  const byId = new Map(spans.map((s) => [s.spanID, s]));
  for (const s of menu.filter((m) => m.tags['span.kind'] === 'server')) assert.equal(byId.get(s.parentSpanID)?.service, otelService);
  for (const s of spans) assert.equal(s.tags['baggage.attendee-id'], 'w3c-7', `${s.service} ${s.operation} carries the W3C baggage`);
});
