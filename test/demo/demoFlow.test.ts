// The Demo slide's flow machine on its own: a scripted trace source and a simulated clock drive every path and timeout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createActor, SimulatedClock } from 'xstate';
import type { JaegerTrace } from '../../model/jaegerJson.ts';
import { createDemoFlowMachine, defaultTiming, memoryOf, type DemoFlowActor } from '../../slides/live/demoFlow.ts';
import {
  SourceError,
  type DemoRequestResult,
  type MeshHealth,
  type StreamHandlers,
  type TraceSource,
} from '../../slides/live/traceSource.ts';

interface Deferred<T> {
  resolve(v: T): void;
  reject(e: unknown): void;
}

/** A trace source whose every answer the test gives by hand, recording what the machine asked. */
function scriptedSource() {
  const health: Deferred<MeshHealth>[] = [];
  const sends: ({ kind: string; count: number } & Deferred<DemoRequestResult[]>)[] = [];
  const fetches: ({ traceID: string } & Deferred<JaegerTrace | null>)[] = [];
  const streams: { handlers: StreamHandlers; closed: boolean }[] = [];
  const prefetches: string[] = [];
  const source: TraceSource = {
    kind: 'live',
    health: () => new Promise((resolve, reject) => health.push({ resolve, reject })),
    sendRequests: (kind, count) => new Promise((resolve, reject) => sends.push({ kind, count, resolve, reject })),
    fetchTrace: (traceID) => new Promise((resolve, reject) => fetches.push({ traceID, resolve, reject })),
    prefetchTrace: (traceID) => prefetches.push(traceID),
    openStream: (handlers) => {
      const s = { handlers, closed: false };
      streams.push(s);
      return () => {
        s.closed = true;
      };
    },
    holes: async () => [],
    setHole: async (id, plugged) => ({ id, title: id, plugged }),
  };
  return { source, health, sends, fetches, streams, prefetches, lastStream: () => streams[streams.length - 1]! };
}

function trace(traceID: string, startMs: number, durationMs = 100, spans = 1): JaegerTrace {
  return {
    traceID,
    processes: { p1: { serviceName: 'frontend', tags: [] } },
    warnings: null,
    spans: Array.from({ length: spans }, (_, i) => ({
      traceID,
      spanID: `${traceID}-${i}`,
      operationName: 'GET /',
      references: [],
      startTime: startMs * 1000,
      duration: durationMs * 1000,
      tags: [],
      logs: [],
      processID: 'p1',
      warnings: null,
    })),
  };
}

const flush = () => new Promise((r) => setImmediate(r));
const UP: MeshHealth = { state: 'up', services: [{ name: 'frontend', state: 'healthy' }] };

async function started(opts: { followForeign?: boolean; resume?: ReturnType<typeof memoryOf> } = {}) {
  const clock = new SimulatedClock();
  clock.set(1_000_000);
  const s = scriptedSource();
  const actor: DemoFlowActor = createActor(createDemoFlowMachine(s.source), {
    clock,
    input: { now: () => clock.now(), followForeign: opts.followForeign, resume: opts.resume },
  });
  actor.start();
  s.health[0]!.resolve(UP);
  s.lastStream().handlers.onOpen();
  await flush();
  return { ...s, clock, actor, ctx: () => actor.getSnapshot().context };
}

function requestState(actor: DemoFlowActor): unknown {
  return (actor.getSnapshot().value as Record<string, unknown>).request;
}

test('a click goes requesting → awaiting trace → showing once the stream announces the trace', async () => {
  const t = await started();
  assert.deepEqual(t.actor.getSnapshot().value, { health: 'up', stream: { live: 'open' }, request: 'idle' });
  t.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  assert.equal(requestState(t.actor), 'requesting');
  assert.deepEqual({ kind: t.sends[0]!.kind, count: t.sends[0]!.count }, { kind: 'normal', count: 1 });
  t.sends[0]!.resolve([{ traceID: 'aa', durationMs: 120, status: 200 }]);
  await flush();
  assert.deepEqual(requestState(t.actor), { awaitingTrace: 'waiting' });
  assert.equal(t.fetches.length, 0, 'no polling: nothing fetched before the stream says so');
  assert.deepEqual(t.prefetches, [], 'no early fetch outside a request under way');
  t.lastStream().handlers.onTrace({ traceID: 'aa' });
  assert.deepEqual(requestState(t.actor), { awaitingTrace: 'fetching' });
  assert.equal(t.fetches[0]!.traceID, 'aa');
  t.fetches[0]!.resolve(trace('aa', 1_000_000));
  await flush();
  assert.equal(t.ctx().trace?.traceID, 'aa');
  assert.equal(t.ctx().shownOrigin, 'ours');
  assert.deepEqual(
    t.ctx().recent.map((p) => [p.traceID, p.durationMs, p.origin]),
    [['aa', 120, 'ours']],
  );
  t.actor.stop();
});

test('a trace announced before the request answered is fetched as soon as the answer names it', async () => {
  const t = await started();
  t.actor.send({ type: 'SEND', kind: 'slow', count: 3 });
  t.lastStream().handlers.onTrace({ traceID: 'b2' });
  t.sends[0]!.resolve([
    { traceID: 'b1', durationMs: 300, status: 200 },
    { traceID: 'b2', durationMs: 900, status: 200 },
    { traceID: 'b3', durationMs: 500, status: 200 },
  ]);
  await flush();
  assert.deepEqual(requestState(t.actor), { awaitingTrace: 'fetching' });
  assert.equal(t.fetches[0]!.traceID, 'b2', 'the slowest of the burst is the one shown');
  assert.deepEqual(t.prefetches, ['b2'], 'announced while the request was under way: fetched early');
  t.actor.stop();
});

test('a request the mesh never answers fails after the request timeout, not before', async () => {
  const t = await started();
  t.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  t.clock.increment(defaultTiming.requestTimeoutMs - 1);
  assert.equal(requestState(t.actor), 'requesting');
  t.clock.increment(1);
  assert.equal(requestState(t.actor), 'failed');
  assert.match(t.ctx().error ?? '', /did not answer within 20 s/);
  t.actor.stop();
});

test('a trace that never arrives fails after the trace timeout; the next click starts afresh', async () => {
  const t = await started();
  t.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  t.sends[0]!.resolve([{ traceID: 'cc', durationMs: 50, status: 200 }]);
  await flush();
  t.clock.increment(defaultTiming.traceTimeoutMs - 1);
  assert.deepEqual(requestState(t.actor), { awaitingTrace: 'waiting' });
  t.clock.increment(1);
  assert.equal(requestState(t.actor), 'failed');
  assert.match(t.ctx().error ?? '', /trace did not arrive within 10 s/);
  t.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  assert.equal(requestState(t.actor), 'requesting');
  assert.equal(t.ctx().error, null);
  t.actor.stop();
});

test('a store that does not know the trace yet sends the flow back to waiting for the next arrival', async () => {
  const t = await started();
  t.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  t.sends[0]!.resolve([{ traceID: 'dd', durationMs: 50, status: 200 }]);
  await flush();
  t.lastStream().handlers.onTrace({ traceID: 'dd' });
  t.fetches[0]!.resolve(null);
  await flush();
  assert.deepEqual(requestState(t.actor), { awaitingTrace: 'waiting' });
  assert.equal(t.fetches.length, 1, 'no busy loop on a known-but-missing trace');
  t.lastStream().handlers.onTrace({ traceID: 'dd' });
  assert.equal(t.fetches.length, 2);
  t.actor.stop();
});

test('an unreachable mesh: the request fails, health is re-checked, polled while down, and the flow recovers by itself', async () => {
  const t = await started();
  t.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  t.sends[0]!.reject(new SourceError("Can't reach the deck server (sending a request).", true));
  await flush();
  assert.equal(requestState(t.actor), 'failed');
  assert.equal(t.health.length, 2, 'a failed request triggers a health check at once');
  t.health[1]!.resolve({ state: 'down', reason: 'Mesh services down: inventory (crashed).', services: [] });
  await flush();
  assert.equal((t.actor.getSnapshot().value as Record<string, unknown>).health, 'down');
  assert.equal(t.ctx().mesh?.state, 'down');
  t.clock.increment(defaultTiming.healthPollMs - 1);
  assert.equal(t.health.length, 2);
  t.clock.increment(1);
  assert.equal(t.health.length, 3, '/healthz is polled while down');
  t.health[2]!.resolve(UP);
  await flush();
  assert.equal((t.actor.getSnapshot().value as Record<string, unknown>).health, 'up');
  assert.equal(requestState(t.actor), 'idle', 'the error clears once the mesh is back');
  assert.equal(t.ctx().error, null);
  t.actor.stop();
});

test('a server with the mesh switched off is offline and stays quiet', async () => {
  const clock = new SimulatedClock();
  const s = scriptedSource();
  const actor = createActor(createDemoFlowMachine(s.source), { clock, input: {} });
  actor.start();
  s.health[0]!.resolve({ state: 'offline', reason: 'The demo mesh is switched off on this server (MESH=off).' });
  await flush();
  assert.equal((actor.getSnapshot().value as Record<string, unknown>).health, 'offline');
  clock.increment(60_000);
  assert.equal(s.health.length, 1, 'no polling of a mesh that is not there');
  actor.stop();
});

test('the live stream reconnects with a doubling backoff and resets it once open', async () => {
  const t = await started();
  assert.equal(t.streams.length, 1);
  t.lastStream().handlers.onError('The live trace stream dropped.');
  assert.ok(t.streams[0]!.closed);
  assert.equal(t.ctx().streamProblem, 'The live trace stream dropped.');
  t.clock.increment(499);
  assert.equal(t.streams.length, 1);
  t.clock.increment(1);
  assert.equal(t.streams.length, 2, 'first retry after 500 ms');
  t.lastStream().handlers.onError('The live trace stream dropped.');
  t.clock.increment(999);
  assert.equal(t.streams.length, 2);
  t.clock.increment(1);
  assert.equal(t.streams.length, 3, 'second retry after 1 s');
  t.lastStream().handlers.onOpen();
  assert.equal(t.ctx().streamAttempts, 0);
  assert.equal(t.ctx().streamProblem, null);
  t.lastStream().handlers.onError('again');
  t.clock.increment(500);
  assert.equal(t.streams.length, 4, 'backoff starts over after a good connection');
  t.actor.stop();
  assert.ok(t.lastStream().closed, 'stopping the flow closes the stream');
});

test('a stream that never opens counts as failed after the connect timeout', async () => {
  const clock = new SimulatedClock();
  const s = scriptedSource();
  const actor = createActor(createDemoFlowMachine(s.source), { clock, input: {} });
  actor.start();
  clock.increment(defaultTiming.streamConnectTimeoutMs);
  assert.deepEqual((actor.getSnapshot().value as Record<string, unknown>).stream, 'retrying');
  assert.ok(s.streams[0]!.closed);
  actor.stop();
});

test('when the stream comes back while a trace is awaited, the flow looks it up once', async () => {
  const t = await started();
  t.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  t.sends[0]!.resolve([{ traceID: 'ee', durationMs: 50, status: 200 }]);
  await flush();
  t.lastStream().handlers.onError('dropped');
  t.clock.increment(500);
  t.lastStream().handlers.onOpen();
  assert.equal(t.fetches[0]?.traceID, 'ee');
  t.actor.stop();
});

test("attendees' traces are shown as they arrive, but not sooner than the dwell time after the last one", async () => {
  const t = await started();
  t.lastStream().handlers.onTrace({ traceID: 'f1' });
  assert.equal(requestState(t.actor), 'following');
  t.fetches[0]!.resolve(trace('f1', 1_000_000, 80));
  await flush();
  assert.equal(t.ctx().trace?.traceID, 'f1');
  assert.equal(t.ctx().shownOrigin, 'foreign');
  assert.deepEqual(t.ctx().recent.map((p) => [p.traceID, p.durationMs, p.origin]), [['f1', 80, 'foreign']]);
  t.lastStream().handlers.onTrace({ traceID: 'f2' });
  assert.equal(t.fetches.length, 1, 'the shown trace dwells');
  t.clock.increment(defaultTiming.dwellMs);
  assert.equal(t.fetches[1]?.traceID, 'f2');
  t.actor.stop();
});

test('late spans of our own burst are not mistaken for attendees, and more spans of the shown trace refresh it', async () => {
  const t = await started();
  t.actor.send({ type: 'SEND', kind: 'slow', count: 2 });
  t.sends[0]!.resolve([
    { traceID: 'g1', durationMs: 900, status: 200 },
    { traceID: 'g2', durationMs: 300, status: 200 },
  ]);
  await flush();
  t.lastStream().handlers.onTrace({ traceID: 'g1' });
  t.fetches[0]!.resolve(trace('g1', 1_000_000, 900, 3));
  await flush();
  t.clock.increment(defaultTiming.dwellMs);
  t.lastStream().handlers.onTrace({ traceID: 'g2' });
  assert.equal(t.fetches.length, 1, 'g2 is ours: no switch');
  t.lastStream().handlers.onTrace({ traceID: 'g1' });
  assert.equal(t.fetches[1]?.traceID, 'g1');
  t.lastStream().handlers.onTrace({ traceID: 'g1' });
  t.fetches[1]!.resolve(trace('g1', 1_000_000, 900, 5));
  await flush();
  assert.equal(t.ctx().trace?.spans.length, 5);
  assert.equal(t.fetches[2]?.traceID, 'g1', 'an arrival during a refresh triggers one more');
  t.fetches[2]!.resolve(trace('g1', 1_000_000, 900, 6));
  await flush();
  assert.equal(t.ctx().trace?.spans.length, 6);
  assert.equal(t.fetches.length, 3);
  t.actor.stop();
});

test('a hole switch pairs the last trace before it with the first trace that started after it', async () => {
  const t = await started({ followForeign: false });
  t.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  t.sends[0]!.resolve([{ traceID: 'h1', durationMs: 700, status: 200 }]);
  await flush();
  t.lastStream().handlers.onTrace({ traceID: 'h1' });
  t.fetches[0]!.resolve(trace('h1', 1_000_000, 700));
  await flush();
  t.actor.send({ type: 'HOLE_SWITCHED', holeId: 'lock', title: 'Lock contention', plugged: true, at: 1_005_000 });
  assert.equal(t.ctx().comparison?.before?.traceID, 'h1');
  assert.equal(t.ctx().comparison?.after, null);
  t.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  t.sends[1]!.resolve([{ traceID: 'h2', durationMs: 90, status: 200 }]);
  await flush();
  t.lastStream().handlers.onTrace({ traceID: 'h2' });
  t.fetches[1]!.resolve(trace('h2', 1_006_000, 90));
  await flush();
  assert.equal(t.ctx().comparison?.after?.traceID, 'h2');
  assert.deepEqual(t.ctx().switches.map((s) => [s.holeId, s.plugged]), [['lock', true]]);
  t.actor.send({ type: 'DISMISS_COMPARISON' });
  assert.equal(t.ctx().comparison, null);
  t.actor.stop();
});

test('a request the mesh could not start (no trace id) fails at once instead of waiting for a trace', async () => {
  const t = await started();
  t.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  t.sends[0]!.resolve([{ traceID: '', durationMs: 3, status: 502 }]);
  await flush();
  assert.equal(requestState(t.actor), 'failed');
  assert.match(t.ctx().error ?? '', /status 502/);
  t.actor.stop();
});

test('coming back to the slide resumes with the last trace and chart, and no request in flight', async () => {
  const first = await started();
  first.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  first.sends[0]!.resolve([{ traceID: 'r1', durationMs: 40, status: 200 }]);
  await flush();
  first.lastStream().handlers.onTrace({ traceID: 'r1' });
  first.fetches[0]!.resolve(trace('r1', 1_000_000, 40));
  await flush();
  const memory = memoryOf(first.ctx());
  first.actor.stop();

  const again = await started({ resume: memory });
  assert.deepEqual(requestState(again.actor), { showing: { refresh: 'idle', follow: 'dwelling' } });
  assert.equal(again.ctx().trace?.traceID, 'r1');
  assert.deepEqual(again.ctx().recent.map((p) => p.traceID), ['r1']);
  assert.equal(again.sends.length, 0);
  again.lastStream().handlers.onTrace({ traceID: 'r1' });
  assert.equal(again.fetches[0]?.traceID, 'r1', 'late spans of the resumed trace still refresh it');
  again.actor.stop();
});
