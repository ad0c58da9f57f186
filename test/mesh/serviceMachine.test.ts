// The supervisor's per-service machine on its own: restarts with growing backoff on a simulated clock, gives up, stops.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import {
  ProcessStoppedError,
  restartBackoffMs,
  serviceMachine,
  serviceStateOf,
  type ProbeInput,
  type ServiceMachineInput,
} from '../../demo-app/supervisor/serviceMachine.ts';

function harness(input: Partial<ServiceMachineInput> = {}) {
  const clock = new SimulatedClock();
  const calls: string[] = [];
  /** What the next health probes answer, in order; an empty script answers ok. */
  const probes: ('ok' | 'no answer' | 'stopped')[] = [];
  const actor = createActor(
    serviceMachine.provide({
      actions: {
        spawnProcess: () => void calls.push('spawn'),
        killProcess: () => void calls.push('kill'),
        stopProcess: () => void calls.push('stop'),
      },
      actors: {
        probeHealth: fromPromise<void, ProbeInput>(async () => {
          calls.push('probe');
          const next = probes.shift();
          if (next === 'no answer') throw new Error('timeout');
          if (next === 'stopped') throw new ProcessStoppedError('process 1 is stopped');
        }),
      },
    }),
    { clock, input: { name: 'orders', ...input } },
  );
  const states: string[] = [];
  actor.subscribe((s) => {
    if (states[states.length - 1] !== serviceStateOf(s)) states.push(serviceStateOf(s));
  });
  actor.start();
  return { clock, calls, probes, actor, states, state: () => serviceStateOf(actor.getSnapshot()) };
}

test('starting → healthy → crashed → restarting after backoff → healthy', () => {
  const h = harness();
  assert.equal(h.state(), 'starting');
  assert.deepEqual(h.calls, ['spawn']);
  h.actor.send({ type: 'READY', port: 4100 });
  assert.equal(h.state(), 'healthy');
  assert.equal(h.actor.getSnapshot().context.port, 4100);

  h.actor.send({ type: 'EXITED', reason: 'killed by SIGKILL' });
  assert.equal(h.state(), 'crashed');
  assert.equal(h.actor.getSnapshot().context.lastExit, 'killed by SIGKILL');
  assert.equal(h.actor.getSnapshot().context.port, undefined);

  h.clock.increment(restartBackoffMs(1) - 1);
  assert.equal(h.state(), 'crashed', 'still backing off');
  h.clock.increment(1);
  assert.equal(h.state(), 'restarting');
  assert.deepEqual(h.calls, ['spawn', 'kill', 'spawn']);
  h.actor.send({ type: 'READY', port: 4200 });
  assert.equal(h.state(), 'healthy');
  assert.equal(h.actor.getSnapshot().context.restarts, 1);
  assert.deepEqual(h.states, ['starting', 'healthy', 'crashed', 'restarting', 'healthy']);
});

test('each failed restart in a row doubles the backoff, and a healthy run resets it', () => {
  const h = harness();
  const waits: number[] = [];
  for (let i = 0; i < 4; i++) {
    h.actor.send({ type: 'EXITED', reason: 'exited with code 1' });
    let waited = 0;
    while (h.state() === 'crashed') {
      h.clock.increment(10);
      waited += 10;
    }
    waits.push(waited);
  }
  assert.deepEqual(waits, [100, 200, 400, 800]);
  h.actor.send({ type: 'READY', port: 1 });
  h.actor.send({ type: 'EXITED', reason: 'exited with code 1' });
  h.clock.increment(100);
  assert.equal(h.state(), 'restarting', 'back to the shortest backoff after a healthy run');
  assert.equal(restartBackoffMs(50), 5_000, 'capped');
});

test('health probes run inside the machine; unanswered ones in a row mean hung: killed, then restarted', async () => {
  const h = harness({ maxHealthFailures: 2, healthIntervalMs: 1_000 });
  const settle = () => new Promise((r) => setImmediate(r));
  const probe = async () => {
    h.clock.increment(1_000);
    await settle();
  };
  h.actor.send({ type: 'READY', port: 1 });
  h.probes.push('no answer', 'ok', 'no answer');
  await probe();
  await probe();
  await probe();
  assert.equal(h.state(), 'healthy', 'one miss, an answer, one miss: still healthy');
  assert.equal(h.calls.filter((c) => c === 'probe').length, 3, 'one probe per interval, no timer of its own');
  h.probes.push('no answer');
  await probe();
  assert.equal(h.state(), 'hung');
  assert.match(h.actor.getSnapshot().context.lastExit ?? '', /did not answer \/healthz within 2 s, 2 times in a row/);
  assert.deepEqual(
    h.calls.filter((c) => c !== 'probe'),
    ['spawn', 'kill'],
    'a hung process is killed, not left behind',
  );
  h.clock.increment(restartBackoffMs(1));
  assert.equal(h.state(), 'restarting');
  h.actor.send({ type: 'READY', port: 2 });
  assert.deepEqual(h.states, ['starting', 'healthy', 'hung', 'restarting', 'healthy']);
});

test('a busy service gets several probes; a stopped one is hung at the first unanswered probe', async () => {
  const settle = () => new Promise((r) => setImmediate(r));
  const busy = harness();
  busy.actor.send({ type: 'READY', port: 1 });
  for (let i = 0; i < 4; i++) {
    busy.probes.push('no answer');
    busy.clock.increment(1_000);
    await settle();
  }
  assert.equal(busy.state(), 'healthy', 'four slow answers in a row are not yet a hang');
  const stopped = harness();
  stopped.actor.send({ type: 'READY', port: 1 });
  stopped.probes.push('stopped');
  stopped.clock.increment(1_000);
  await settle();
  assert.equal(stopped.state(), 'hung');
  assert.match(stopped.actor.getSnapshot().context.lastExit ?? '', /the process is stopped/);
});

test('a start that never reports a port times out into crashed', () => {
  const h = harness({ startTimeoutMs: 5_000 });
  h.clock.increment(4_999);
  assert.equal(h.state(), 'starting');
  h.clock.increment(1);
  assert.equal(h.state(), 'crashed');
  assert.match(h.actor.getSnapshot().context.lastExit ?? '', /did not report a port/);
});

test('after too many failed restarts in a row it stays crashed', () => {
  const h = harness({ maxRestarts: 2 });
  for (let i = 0; i < 3; i++) {
    h.actor.send({ type: 'EXITED', reason: 'exited with code 1' });
    h.clock.increment(10_000);
  }
  assert.equal(h.state(), 'crashed');
  h.clock.increment(60_000);
  assert.equal(h.state(), 'crashed', 'gave up');
  assert.equal(h.calls.filter((c) => c === 'spawn').length, 3);
});

test('STOP from any state ends in stopped, stopping the process exactly once', () => {
  for (const prepare of [
    () => {},
    (a: ReturnType<typeof harness>) => a.actor.send({ type: 'READY', port: 1 }),
    (a: ReturnType<typeof harness>) => a.actor.send({ type: 'EXITED', reason: 'x' }),
  ]) {
    const h = harness();
    prepare(h);
    h.actor.send({ type: 'STOP' });
    assert.equal(h.state(), 'stopped');
    assert.equal(h.calls.filter((c) => c === 'stop').length, 1);
    h.clock.increment(60_000);
    assert.equal(h.calls.filter((c) => c === 'spawn').length, 1, 'no restart after stop');
  }
});
