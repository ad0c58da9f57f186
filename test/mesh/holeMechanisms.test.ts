// The hole mechanisms on their own: the pool queues FIFO and resizes live, the worker pool caps concurrency, retries abort stalls.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createConnectionPool } from '../../demo-app/holes/connectionPool.ts';
import { AttemptTimeout, withRetries } from '../../demo-app/holes/retryingCall.ts';
import { createWorkerPool } from '../../demo-app/holes/workerPool.ts';

test('a pool of one hands its connection over in arrival order and says how many were ahead', async () => {
  const pool = createConnectionPool(1);
  const first = await pool.acquire();
  assert.equal(first.waitedBehind, 0);
  const order: string[] = [];
  const second = pool.acquire().then((a) => (order.push('second'), a));
  const third = pool.acquire().then((a) => (order.push('third'), a));
  assert.equal(pool.waiting, 2);
  first.connection.release();
  const s = await second;
  assert.equal(s.waitedBehind, 1);
  assert.equal(pool.waiting, 1, 'the third still waits: one connection');
  s.connection.release();
  const t = await third;
  assert.equal(t.waitedBehind, 2);
  assert.deepEqual(order, ['second', 'third']);
  t.connection.release();
  t.connection.release(); // a double release must not mint a second connection
  const a = await pool.acquire();
  const b = pool.acquire();
  assert.equal(pool.waiting, 1);
  a.connection.release();
  (await b).connection.release();
});

test('growing the pool wakes every waiter at once', async () => {
  const pool = createConnectionPool(1);
  const held = await pool.acquire();
  const waiters = [pool.acquire(), pool.acquire(), pool.acquire()];
  assert.equal(pool.waiting, 3);
  pool.resize(4);
  assert.equal(pool.waiting, 0);
  for (const w of await Promise.all(waiters)) w.connection.release();
  held.connection.release();
});

test('the worker pool runs at most `size` tasks at once and reports the queue', async () => {
  const pool = createWorkerPool(2);
  let running = 0;
  let peak = 0;
  const queued: number[] = [];
  const gates: (() => void)[] = [];
  const task = () =>
    new Promise<void>((resolve) => {
      running++;
      peak = Math.max(peak, running);
      gates.push(() => {
        running--;
        resolve();
      });
    });
  const all = Promise.all(Array.from({ length: 5 }, () => pool.run(task, (ahead) => queued.push(ahead))));
  assert.equal(running, 2);
  assert.deepEqual(queued, [1, 2, 3]);
  while (gates.length) {
    gates.shift()!();
    await new Promise((r) => setImmediate(r));
  }
  await all;
  assert.equal(peak, 2);
});

test('retries abort a stalled attempt at its deadline and succeed on a later try', async () => {
  const seen: { n: number; aborted: boolean }[] = [];
  const retried: unknown[] = [];
  const result = await withRetries(
    { attempts: 3, timeoutMs: 20, backoffMs: 1 },
    (n, signal) =>
      new Promise<string>((resolve, reject) => {
        if (n === 3) return resolve('charged');
        // A stalled dependency: answers only when aborted.
        signal.addEventListener('abort', () => {
          seen.push({ n, aborted: signal.aborted });
          reject(signal.reason);
        });
      }),
    (_n, e) => retried.push(e),
  );
  assert.equal(result, 'charged');
  assert.deepEqual(seen, [
    { n: 1, aborted: true },
    { n: 2, aborted: true },
  ]);
  assert.equal(retried.length, 2);
  assert.ok(retried.every((e) => e instanceof AttemptTimeout && e.name === 'TimeoutError'));
});

test('when every attempt stalls, the last timeout is the error', async () => {
  await assert.rejects(
    withRetries(
      { attempts: 2, timeoutMs: 10, backoffMs: 1 },
      (_n, signal) => new Promise((_r, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
      () => {},
    ),
    (e: unknown) => e instanceof AttemptTimeout && /timed out after 10 ms/.test(e.message),
  );
});
