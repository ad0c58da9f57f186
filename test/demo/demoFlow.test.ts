// The Demo slide's flow machines on their own: a scripted trace source and a simulated clock drive the parent and its children.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createActor, SimulatedClock, type SnapshotFrom } from 'xstate';
import type { JaegerSpan, JaegerTrace } from '../../model/jaegerJson.ts';
import { holeCatalog } from '../../model/holes.ts';
import type { crowdDwellMachine } from '../../slides/live/crowdDwell.ts';
import { createDemoFlowMachine, defaultTiming, reusableBefore, type DemoFlowActor } from '../../slides/live/demoFlow.ts';
import { judgePlug, sideOf } from '../../slides/live/proofVerdict.ts';
import { hasRoot } from '../../model/traceFacts.ts';
import type {
  DemoRequestResult,
  MeshEventHandlers,
  MeshHealth,
  StreamHandlers,
  TraceArrival,
  TraceSource,
} from '../../slides/live/traceSource.ts';

const counts = new Map<string, number>();
/** The /api/live event of a trace that has just grown by a span; its root is in unless told otherwise. */
function arrival(traceID: string, hasRoot = true, spanCount = (counts.get(traceID) ?? 0) + 1): TraceArrival {
  counts.set(traceID, spanCount);
  const root = hasRoot ? { rootService: 'storefront', rootOperation: 'GET /order' } : { rootService: '', rootOperation: '' };
  return { traceID, spanCount, hasRoot, ...root, startTimeUs: 1_000_000, durationUs: 1000, error: false, services: ['storefront'] };
}

interface Deferred<T> {
  resolve(v: T): void;
  reject(e: unknown): void;
}

/** A trace source whose every answer the test gives by hand, recording what the machines asked. */
function scriptedSource() {
  const health: Deferred<MeshHealth>[] = [];
  const sends: ({ kind: string; count: number } & Deferred<DemoRequestResult[]>)[] = [];
  const fetches: ({ traceID: string } & Deferred<JaegerTrace | null>)[] = [];
  const streams: { handlers: StreamHandlers; closed: boolean }[] = [];
  const meshStreams: { handlers: MeshEventHandlers; closed: boolean }[] = [];
  const source: TraceSource = {
    kind: 'live',
    health: () => new Promise((resolve, reject) => health.push({ resolve, reject })),
    sendRequests: (kind, count) => new Promise((resolve, reject) => sends.push({ kind, count, resolve, reject })),
    fetchTrace: (traceID) => new Promise((resolve, reject) => fetches.push({ traceID, resolve, reject })),
    openStream: (handlers) => {
      const s = { handlers, closed: false };
      streams.push(s);
      return () => void (s.closed = true);
    },
    openMeshEvents: (handlers) => {
      const s = { handlers, closed: false };
      meshStreams.push(s);
      return () => void (s.closed = true);
    },
    findings: async () => null,
    holes: async () => [],
    setHole: async (id, plugged) => ({ id, title: id, plugged }),
  };
  return { source, health, sends, fetches, streams, meshStreams, stream: () => streams[streams.length - 1]! };
}

function span(
  traceID: string,
  id: string,
  startMs: number,
  durationMs: number,
  parent?: string,
  tags: JaegerSpan['tags'] = [],
): JaegerSpan {
  return {
    traceID,
    spanID: id,
    operationName: 'op',
    references: parent ? [{ refType: 'CHILD_OF', traceID, spanID: parent }] : [],
    startTime: startMs * 1000,
    duration: durationMs * 1000,
    tags,
    logs: [],
    processID: 'p1',
    warnings: null,
  };
}

/** A root of `durationMs` with one child; `partial` leaves the root out (it lands last). */
function trace(traceID: string, durationMs: number, partial = false, tags: JaegerSpan['tags'] = []): JaegerTrace {
  const spans = [span(traceID, `${traceID}-c`, 1_000_010, durationMs / 2, `${traceID}-r`)];
  if (!partial) spans.unshift(span(traceID, `${traceID}-r`, 1_000_000, durationMs, undefined, tags));
  return { traceID, spans, processes: { p1: { serviceName: 'frontend', tags: [] } }, warnings: null };
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
const UP: MeshHealth = {
  state: 'up',
  services: [
    { name: 'frontend', state: 'healthy' },
    { name: 'payments', state: 'healthy' },
  ],
};

async function started() {
  const clock = new SimulatedClock();
  clock.set(1_000_000);
  const s = scriptedSource();
  const actor: DemoFlowActor = createActor(createDemoFlowMachine(s.source), { clock, input: { now: () => clock.now() } });
  actor.start();
  actor.send({ type: 'ENTER' });
  s.health[0]!.resolve(UP);
  s.stream().handlers.onOpen();
  await flush();
  /** The attendee trace the dwell child keeps for the main view's next turn. */
  const waiting = () =>
    (actor.getSnapshot().children.dwell?.getSnapshot() as SnapshotFrom<typeof crowdDwellMachine> | undefined)?.context.waiting?.traceID;
  return { ...s, clock, actor, ctx: () => actor.getSnapshot().context, waiting };
}

async function showOurs(t: Awaited<ReturnType<typeof started>>, id: string, ms: number) {
  t.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  t.sends[t.sends.length - 1]!.resolve([{ traceID: id, durationMs: ms, status: 200 }]);
  await flush();
  t.stream().handlers.onTrace(arrival(id));
  t.fetches[t.fetches.length - 1]!.resolve(trace(id, ms));
  await flush();
}

test('a press is sent, its trace fetched once the stream names it, and pinned on the stage', async () => {
  const t = await started();
  t.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  assert.deepEqual({ kind: t.sends[0]!.kind, count: t.sends[0]!.count }, { kind: 'normal', count: 1 });
  t.sends[0]!.resolve([{ traceID: 'aa', durationMs: 120, status: 200 }]);
  await flush();
  assert.equal(t.fetches.length, 0, 'no polling: nothing fetched before the stream says so');
  t.stream().handlers.onTrace(arrival('aa'));
  assert.equal(t.fetches[0]!.traceID, 'aa');
  t.fetches[0]!.resolve(trace('aa', 100));
  await flush();
  assert.equal(t.ctx().stage.trace?.traceID, 'aa');
  assert.equal(t.ctx().stage.pinned, true);
  assert.deepEqual(
    t.ctx().points.map((p) => [p.traceID, p.durationMs, p.origin]),
    [['aa', 100, 'ours']],
    'the chart point is the trace’s duration',
  );
  t.actor.stop();
});

test('attendee traffic never replaces a pinned trace; it goes to the crowd lane with its final duration', async () => {
  const t = await started();
  await showOurs(t, 'mine', 200);
  for (let i = 0; i < 10; i++) t.stream().handlers.onTrace(arrival(`att${i}`));
  t.clock.increment(defaultTiming.crowdSettleMs);
  await flush();
  const asked = t.fetches.filter((f) => f.traceID.startsWith('att'));
  assert.equal(asked.length, 8, 'the crowd lane fetches in bounded batches');
  for (const [i, f] of asked.entries()) f.resolve(trace(f.traceID, 1000 + i));
  await flush();
  assert.equal(t.ctx().stage.trace?.traceID, 'mine', 'the presenter keeps the stage');
  assert.equal(t.ctx().crowd.length, 8);
  t.clock.increment(defaultTiming.crowdSettleMs);
  await flush();
  for (const f of t.fetches.filter((x) => x.traceID.startsWith('att')).slice(8)) f.resolve(trace(f.traceID, 1500));
  await flush();
  assert.equal(t.ctx().crowd.length, 10);
  // A trace whose root is not in yet, or that did not grow since it was fetched, is not fetched at all.
  const before = t.fetches.length;
  t.stream().handlers.onTrace(arrival('rootless', false));
  t.stream().handlers.onTrace(arrival('att0', true, counts.get('att0')));
  t.clock.increment(defaultTiming.crowdSettleMs);
  await flush();
  assert.equal(t.fetches.length, before, 'no fetch to learn whether the root came, none for a trace that did not grow');
  assert.equal(t.ctx().stage.trace?.traceID, 'mine');
  t.actor.send({ type: 'UNPIN' });
  t.stream().handlers.onTrace(arrival('late'));
  t.clock.increment(defaultTiming.crowdSettleMs);
  await flush();
  t.fetches[t.fetches.length - 1]!.resolve(trace('late', 300, false, [{ key: 'baggage.attendee-name', type: 'string', value: 'Ada' }]));
  await flush();
  assert.equal(t.ctx().stage.trace?.traceID, 'late', 'unpinned, the audience’s next trace takes the stage');
  assert.equal(t.ctx().stage.origin, 'crowd');
  t.actor.stop();
});

test('unpinned, the main view follows the newest attendee: an older trace growing late does not take it back', async () => {
  const t = await started();
  let answered = 0;
  /** Answers every fetch not answered yet with the trace it asked for; `grown` ids get one more span's worth of time. */
  /** Traces whose request started a minute before the others (a hung call's spans arriving late). */
  const startedEarly = new Set(['stale', 'stale2']);
  const answerFetches = async (grown: string[] = []) => {
    for (const f of t.fetches.slice(answered)) {
      const got = trace(f.traceID, grown.includes(f.traceID) ? 900 : 500);
      if (startedEarly.has(f.traceID)) for (const sp of got.spans) sp.startTime -= 60_000_000;
      f.resolve(got);
    }
    answered = t.fetches.length;
    await flush();
  };
  const arrive = async (...ids: string[]) => {
    for (const id of ids) t.stream().handlers.onTrace(arrival(id));
    t.clock.increment(defaultTiming.crowdSettleMs);
    await flush();
  };
  await arrive('older', 'newer');
  await answerFetches();
  assert.equal(t.ctx().stage.trace?.traceID, 'older', 'the first of the batch is shown');
  assert.equal(t.waiting(), 'newer');
  // The shown trace grows while it dwells: it is refreshed in place; the newer one still waits its turn.
  await arrive('older');
  await answerFetches(['older']);
  assert.equal(t.waiting(), 'newer', 'an update of a trace already seen does not push the newer one out');
  await arrive('stale');
  await answerFetches();
  assert.equal(t.waiting(), 'newer', 'a request that started earlier but arrives later does not push the newer one out');
  t.clock.increment(defaultTiming.dwellMs);
  await flush();
  assert.equal(t.ctx().stage.trace?.traceID, 'newer');
  // After the dwell, the older trace grows once more: it is updated in the crowd lane, not brought back.
  t.clock.increment(defaultTiming.dwellMs);
  await arrive('older');
  await answerFetches(['older']);
  assert.equal(t.ctx().stage.trace?.traceID, 'newer', 'the newest attendee keeps the main view');
  await arrive('stale2');
  await answerFetches();
  assert.equal(t.ctx().stage.trace?.traceID, 'newer', 'a request that started before the one shown does not replace it');
  assert.equal(t.ctx().crowd.find((c) => c.traceID === 'older')?.durationMs, 900, 'the lane shows the older trace as it grew');
  t.actor.stop();
});

test('a pushed service event names the service at once; leaving stops the streams and keeps the story', async () => {
  const t = await started();
  await showOurs(t, 'kept', 90);
  t.meshStreams[0]!.handlers.onService({ name: 'payments', state: 'crashed', reason: 'exited with code 1', at: 0 });
  assert.equal(t.ctx().mesh?.state, 'down');
  assert.match((t.ctx().mesh as { reason: string }).reason, /payments crashed \(exited with code 1\)/);
  t.meshStreams[0]!.handlers.onService({ name: 'payments', state: 'healthy', at: 0 });
  assert.equal(t.ctx().mesh?.state, 'up');
  t.actor.send({ type: 'LEAVE' });
  assert.ok(t.stream().closed && t.meshStreams[0]!.closed, 'no stream left open off the slide');
  t.actor.send({ type: 'ENTER' });
  assert.equal(t.ctx().stage.trace?.traceID, 'kept');
  assert.equal(t.streams.length, 2, 'the stream reopens on the way back');
  t.actor.stop();
});

test('a request that failed says why in words and points at the failing span', async () => {
  const t = await started();
  t.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  t.sends[0]!.resolve([{ traceID: 'ff', durationMs: 2100, status: 502, error: 'payments did not answer within 2 s' }]);
  await flush();
  t.stream().handlers.onTrace(arrival('ff'));
  const failed = trace('ff', 2100);
  failed.spans[1]!.tags.push({ key: 'error', type: 'bool', value: true });
  t.fetches[0]!.resolve(failed);
  await flush();
  assert.match(t.ctx().stage.failure ?? '', /payments did not answer within 2 s/);
  assert.equal(t.ctx().stage.failureSpan, 'ff-c');
  t.actor.stop();
});

test('a request the mesh never answers fails after the request timeout, not before', async () => {
  const t = await started();
  t.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  t.clock.increment(defaultTiming.requestTimeoutMs - 1);
  assert.equal(t.ctx().error, null);
  t.clock.increment(1);
  await flush();
  assert.match(t.ctx().error ?? '', /did not answer within 20 s/);
  t.actor.stop();
});

test('a trace is whole once its earliest span is a root and no span points at a missing parent', () => {
  assert.equal(hasRoot(trace('w', 10)), true);
  assert.equal(hasRoot(trace('p', 10, true)), false);
  const orphan = trace('o', 10, true);
  orphan.spans.push(span('o', 'late', 1_000_050, 1)); // a parentless span that started late is not the root
  assert.equal(hasRoot(orphan), false);
});

test('a plug is judged on medians with the spread as noise; a small or overlapping gain is "no measurable difference"', () => {
  const hole = holeCatalog.find((h) => h.id === 'n-plus-one')!;
  const side = (ms: number[]) =>
    sideOf(
      ms.map((m, i) => trace(`t${m}-${i}`, m)),
      false,
    );
  const clear = judgePlug(hole, side([380, 400, 420]), side([150, 152, 160]));
  assert.equal(clear.verdict, 'faster');
  assert.match(clear.headline, /400 ms → 152 ms, 62% less time/);
  const noisy = judgePlug(hole, side([380, 400, 420]), side([370, 390, 430]));
  assert.equal(noisy.verdict, 'same');
  assert.match(noisy.headline, /no measurable difference/);
  assert.match(noisy.suggestion ?? '', /3 slow requests one after another, after 1 slow to warm up/);
  const slower = judgePlug(hole, side([380, 400, 420]), side([500, 520, 540]));
  assert.equal(slower.verdict, 'same', 'never announced as a slowdown');
});

test('recent requests are reused as "before" only when they match the pattern, the switches and are warm', () => {
  const cache = holeCatalog.find((h) => h.id === 'missing-cache')!;
  const s = (traceID: string, sinceSwitch: number, kind: 'normal' | 'slow' = cache.pattern.kind) => ({
    traceID,
    kind,
    burst: 1,
    holes: '',
    sinceSwitch,
    at: 1000,
  });
  assert.deepEqual(reusableBefore(cache, [s('a', 0), s('b', 1), s('c', 2)], '', 2000), ['b', 'c'], 'the cold first one is left out');
  assert.deepEqual(reusableBefore(cache, [s('a', 1), s('b', 2)], 'n-plus-one', 2000), [], 'other switches: not like for like');
  assert.deepEqual(reusableBefore(cache, [s('a', 1)], '', 2000), [], 'not enough samples: the slide sends the pattern');
});

test('after Send the stage waits for our request: an attendee trace arriving meanwhile goes to the lane, not the main view', async () => {
  const t = await started();
  // The live event in its fullest shape (extra fields are ignored where the event is only an id).
  const arrive = (traceID: string) =>
    t.stream().handlers.onTrace({
      traceID,
      spanCount: 2,
      hasRoot: true,
      rootService: 'storefront',
      rootOperation: 'POST /order',
      startTimeUs: 1_000_000_000,
      durationUs: 1000,
      error: false,
      services: ['storefront'],
    } as Parameters<StreamHandlers['onTrace']>[0]);
  // Unpinned, an attendee is on the stage.
  arrive('att-before');
  t.clock.increment(defaultTiming.crowdSettleMs);
  await flush();
  t.fetches[t.fetches.length - 1]!.resolve(trace('att-before', 400));
  await flush();
  assert.equal(t.ctx().stage.trace?.traceID, 'att-before');
  t.clock.increment(defaultTiming.dwellMs);
  t.actor.send({ type: 'SEND', kind: 'normal', count: 1 });
  assert.equal(t.ctx().stage.trace, null, 'the stage is cleared for ours (the slide says it waits for it)');
  arrive('att-during');
  t.clock.increment(defaultTiming.crowdSettleMs);
  await flush();
  for (const f of t.fetches.filter((f) => f.traceID === 'att-during')) f.resolve(trace('att-during', 500));
  await flush();
  assert.equal(t.ctx().stage.trace, null, 'no attendee trace takes the stage while ours is on its way');
  assert.ok(
    t.ctx().crowd.some((c) => c.traceID === 'att-during'),
    'it is in the crowd lane',
  );
  t.sends[t.sends.length - 1]!.resolve([{ traceID: 'mine', durationMs: 200, status: 200 }]);
  await flush();
  arrive('mine');
  for (const f of t.fetches.filter((f) => f.traceID === 'mine')) f.resolve(trace('mine', 200));
  await flush();
  assert.equal(t.ctx().stage.trace?.traceID, 'mine');
  t.actor.stop();
});

test('an attendee trace that waited while the stage was pinned takes it once the presenter unpins', async () => {
  const t = await started();
  for (const id of ['first', 'second']) t.stream().handlers.onTrace(arrival(id));
  t.clock.increment(defaultTiming.crowdSettleMs);
  await flush();
  for (const f of t.fetches) f.resolve(trace(f.traceID, 400));
  await flush();
  assert.equal(t.ctx().stage.trace?.traceID, 'first');
  assert.equal(t.waiting(), 'second');
  t.actor.send({ type: 'PIN' });
  t.clock.increment(defaultTiming.dwellMs);
  await flush();
  assert.equal(t.ctx().stage.trace?.traceID, 'first', 'pinned: the dwell ends, the waiting trace still waits');
  assert.equal(t.waiting(), 'second');
  t.actor.send({ type: 'UNPIN' });
  assert.equal(t.ctx().stage.trace?.traceID, 'second', 'unpinned: its turn comes at once');
  t.actor.stop();
});
