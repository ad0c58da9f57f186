// Each detector on small hand-written traces: it names its pattern with computed figures, and stays silent where the pattern is absent.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeTrace } from '../../analysis/index.ts';
import type { FindingKind } from '../../model/findings.ts';
import { buildTrace, sequence, type SpanSpec } from './support/traceBuilder.ts';

const kinds = (specs: SpanSpec[]) => analyzeTrace(buildTrace(specs)).map((f) => f.kind);
const root = (ms: number, service = 'shop'): SpanSpec => ({
  id: 'root',
  service,
  op: 'GET /cart',
  at: 0,
  ms,
  tags: { 'span.kind': 'server' },
});
const select = (i: number, statement = `SELECT * FROM product WHERE id = ${i}`) => ({
  op: 'SELECT',
  service: 'shop',
  tags: { 'span.kind': 'client', 'db.system': 'postgresql', 'db.statement': statement },
});

describe('n-plus-one', () => {
  test('eight sequential SELECTs, one per id: named with the cost of all but one', () => {
    const trace = buildTrace([root(100), ...sequence('root', 8, 10, 8, (i) => select(i), 0)]);
    const [f, ...rest] = analyzeTrace(trace);
    assert.equal(rest.length, 0);
    assert.equal(f!.kind, 'n-plus-one');
    assert.equal(f!.service, 'shop');
    assert.equal(f!.operation, 'GET /cart');
    assert.equal(f!.spanIDs.length, 8);
    assert.equal(f!.costMs, 56); // 8 × 8 ms on the path, minus the one batched call that would remain
    assert.equal(f!.share, 0.56);
    assert.equal(f!.title, '8 sequential SELECTs to postgresql from shop, one per item: 56 ms, 56% of the request');
    assert.match(f!.fix, /batch/i);
  });

  test('silent for one call, two calls, and calls that overlap', () => {
    assert.deepEqual(kinds([root(100), ...sequence('root', 1, 10, 40, (i) => select(i))]), []);
    assert.deepEqual(kinds([root(100), ...sequence('root', 2, 10, 40, (i) => select(i))]), []);
    const parallel = Array.from({ length: 8 }, (_, i): SpanSpec => ({ id: `q${i}`, parent: 'root', at: 10 + i, ms: 60, ...select(i) }));
    assert.deepEqual(kinds([root(100), ...parallel]), []);
  });

  test('a loop too cheap to matter (under 5% of the request) is not named', () => {
    assert.deepEqual(kinds([root(1000), ...sequence('root', 4, 10, 5, (i) => select(i))]), []);
  });

  test('reads that keep repeating the same input are repeated work, not N+1', () => {
    assert.deepEqual(kinds([root(100), ...sequence('root', 6, 10, 10, () => select(0, 'SELECT * FROM settings WHERE k = 1'))]), [
      'repeated-work',
    ]);
  });
});

describe('retries', () => {
  const charge = (error: boolean) => ({
    op: 'POST /charge',
    service: 'shop',
    tags: { 'span.kind': 'client', 'peer.service': 'bank', 'http.url': 'http://bank/charge', ...(error ? { error: true } : {}) },
  });

  test('a timed-out call tried again: the failed try and the back-off are the cost', () => {
    const f = analyzeTrace(
      buildTrace([
        root(400),
        { id: 'a', parent: 'root', at: 10, ms: 250, ...charge(true) },
        { id: 'b', parent: 'root', at: 310, ms: 20, ...charge(false) },
      ]),
    );
    assert.equal(f.length, 1);
    assert.equal(f[0]!.kind, 'retries');
    assert.equal(f[0]!.costMs, 300);
    assert.deepEqual(f[0]!.spanIDs, ['a', 'b']);
    assert.equal(f[0]!.title, '1 failed call to bank retried by shop: 300 ms, 75% of the request');
  });

  test('silent for an error without a retry, a failure followed by other work first, parallel calls, and a loop over different inputs', () => {
    assert.deepEqual(kinds([root(400), { id: 'a', parent: 'root', at: 10, ms: 250, ...charge(true) }]), []);
    const between: SpanSpec = {
      id: 'x',
      parent: 'root',
      at: 270,
      ms: 20,
      op: 'GET /stock',
      service: 'shop',
      tags: { 'span.kind': 'client' },
    };
    assert.deepEqual(
      kinds([
        root(400),
        { id: 'a', parent: 'root', at: 10, ms: 250, ...charge(true) },
        between,
        { id: 'b', parent: 'root', at: 310, ms: 20, ...charge(false) },
      ]),
      [],
    );
    assert.deepEqual(
      kinds([
        root(400),
        { id: 'a', parent: 'root', at: 10, ms: 250, ...charge(true) },
        { id: 'b', parent: 'root', at: 20, ms: 250, ...charge(false) },
      ]),
      [],
    );
    const get = (id: number, error: boolean): Partial<SpanSpec> & { op: string } => ({
      op: 'GET /item',
      service: 'shop',
      tags: { 'span.kind': 'client', 'http.url': `http://items/${id}`, ...(error ? { error: true } : {}) },
    });
    assert.deepEqual(
      kinds([
        root(400),
        { id: 'a', parent: 'root', at: 10, ms: 100, ...get(1, true) },
        { id: 'b', parent: 'root', at: 120, ms: 100, ...get(2, false) },
      ]),
      [],
    );
  });
});

describe('lock-contention', () => {
  const acquire = (ms: number, extra: Record<string, string | number> = {}): SpanSpec => ({
    id: 'wait',
    parent: 'root',
    service: 'shop',
    op: 'db acquire',
    at: 10,
    ms,
    tags: { 'peer.service': 'orders-db', ...extra },
    logs: [[10, { event: 'waiting behind 3 holders' }]],
  });
  const work = (at: number): SpanSpec => ({
    id: 'tx',
    parent: 'root',
    service: 'shop',
    op: 'db transaction',
    at,
    ms: 20,
    tags: { 'peer.service': 'orders-db' },
  });

  test('a step that only waits, right before the work on the same resource', () => {
    const f = analyzeTrace(buildTrace([root(200), acquire(120), work(130)]));
    assert.equal(f.length, 1);
    assert.equal(f[0]!.kind, 'lock-contention');
    assert.equal(f[0]!.costMs, 120);
    assert.equal(f[0]!.title, 'shop waited for orders-db, held by others: 120 ms, 60% of the request');
    assert.ok(f[0]!.evidence.some((e) => e.includes('waiting behind 3')));
  });

  test('a span that logs a wait and starts its work only later', () => {
    const f = analyzeTrace(
      buildTrace([
        root(200),
        { id: 'job', parent: 'root', op: 'render', at: 0, ms: 200, logs: [[0, { message: 'queued behind 2 jobs' }]] },
        { id: 'step', parent: 'job', op: 'draw', at: 90, ms: 100 },
      ]),
    );
    assert.deepEqual(
      f.map((x) => [x.kind, x.costMs]),
      [['lock-contention', 90]],
    );
  });

  test('silent without a word of waiting, when the wait is stated as zero, and when the next work is elsewhere', () => {
    const quiet: SpanSpec = { ...acquire(120), op: 'SELECT', logs: [] };
    assert.deepEqual(kinds([root(200), quiet, work(130)]), []);
    assert.deepEqual(kinds([root(200), { ...acquire(120, { 'pool.waited_behind': 0 }), logs: [] }, work(130)]), []);
    assert.deepEqual(kinds([root(200), acquire(120), { ...work(130), tags: { 'peer.service': 'ledger' } }]), []);
  });
});

describe('pool-saturation', () => {
  const task = (i: number, at: number, ms = 100): SpanSpec => ({ id: `t${i}`, parent: 'job', op: `resize ${i}`, at, ms });
  const job = (ms: number, logs: SpanSpec['logs'] = []): SpanSpec => ({ id: 'job', parent: 'root', op: 'resize all', at: 0, ms, logs });

  test('six tasks two at a time: a staircase, costing all but the longest task', () => {
    const tasks = [0, 1, 2, 3, 4, 5].map((i) => task(i, Math.floor(i / 2) * 100));
    const f = analyzeTrace(buildTrace([root(300), job(300), ...tasks]));
    assert.deepEqual(
      f.map((x) => x.kind),
      ['pool-saturation'],
    );
    assert.equal(f[0]!.costMs, 200);
    assert.equal(f[0]!.title, '6 resize tasks ran at most 2 at a time in app: 200 ms, 67% of the request');
  });

  test('one at a time counts only when the spans speak of queueing', () => {
    const tasks = [0, 1, 2, 3].map((i) => task(i, i * 100));
    assert.deepEqual(kinds([root(400), job(400), ...tasks]), []);
    assert.deepEqual(kinds([root(400), job(400, [[0, { message: 'task 3 waits for a worker' }]]), ...tasks]), ['pool-saturation']);
  });

  test('silent when every task runs at once, or when tasks start at times of their own', () => {
    assert.deepEqual(kinds([root(300), job(300), ...[0, 1, 2, 3, 4, 5].map((i) => task(i, 0))]), []);
    assert.deepEqual(kinds([root(400), job(400), ...[0, 1, 2, 3, 4, 5].map((i) => task(i, [0, 5, 130, 160, 290, 270][i]!, 100))]), []);
  });
});

describe('repeated-work', () => {
  const read = (parent: string, i: number, at: number, tags: Record<string, string | boolean> = {}): SpanSpec => ({
    id: `${parent}-r${i}`,
    parent,
    at,
    ms: 10,
    op: 'GET',
    service: 'shop',
    tags: { 'span.kind': 'client', 'db.system': 'redis', 'db.statement': 'GET config:theme', ...tags },
  });

  test('the same read four times across the request: three repeats are the cost', () => {
    const f = analyzeTrace(
      buildTrace([
        root(100),
        { id: 'a', parent: 'root', op: 'header', at: 0, ms: 40 },
        read('a', 0, 5),
        read('a', 1, 20),
        { id: 'b', parent: 'root', op: 'footer', at: 50, ms: 40 },
        read('b', 0, 55),
        read('b', 1, 70),
      ]),
    );
    assert.deepEqual(
      f.map((x) => [x.kind, x.costMs]),
      [['repeated-work', 30]],
    );
    assert.equal(f[0]!.spanIDs.length, 3);
    assert.equal(f[0]!.title, '4 reads from shop for only 1 distinct input: 30 ms, 30% of the request');
  });

  test('silent for cache hits, repeated writes, and reads of different inputs', () => {
    assert.deepEqual(kinds([root(100), ...[0, 1, 2, 3].map((i) => read('root', i, 5 + 20 * i, { 'cache.hit': true }))]), []);
    assert.deepEqual(kinds([root(100), ...[0, 1].map((i) => read('root', i, 5 + 40 * i, { 'db.statement': 'INCR visits' }))]), []);
    assert.deepEqual(kinds([root(100), ...[0, 1].map((i) => read('root', i, 5 + 40 * i, { 'db.statement': `GET user:${i}` }))]), []);
  });
});

describe('sequential-calls', () => {
  const get = (peer: string): Partial<SpanSpec> & { op: string } => ({
    op: `GET /${peer}`,
    service: 'shop',
    tags: { 'span.kind': 'client', 'http.method': 'GET', 'peer.service': peer },
  });

  test('three reads to three services, one after another', () => {
    const calls = ['reviews', 'ratings', 'stock'].map((p, i): SpanSpec => ({ id: p, parent: 'root', at: 10 + 30 * i, ms: 30, ...get(p) }));
    const f = analyzeTrace(buildTrace([root(110), ...calls]));
    assert.deepEqual(
      f.map((x) => [x.kind, x.costMs]),
      [['sequential-calls', 60]],
    );
  });

  test('silent when they overlap, or when they write', () => {
    const parallel = ['reviews', 'ratings', 'stock'].map((p, i): SpanSpec => ({ id: p, parent: 'root', at: 10 + i, ms: 30, ...get(p) }));
    assert.deepEqual(kinds([root(110), ...parallel]), []);
    const writes = ['reviews', 'ratings', 'stock'].map(
      (p, i): SpanSpec => ({
        id: p,
        parent: 'root',
        at: 10 + 30 * i,
        ms: 30,
        ...get(p),
        tags: { 'span.kind': 'client', 'http.method': 'POST', 'peer.service': p },
      }),
    );
    assert.deepEqual(kinds([root(110), ...writes]), []);
  });
});

describe('the whole analysis', () => {
  test('ranks by cost, largest first, and every share is the cost over the request', () => {
    const specs: SpanSpec[] = [
      root(400),
      ...sequence('root', 5, 0, 20, (i) => select(i), 0),
      { id: 'a', parent: 'root', at: 110, ms: 200, op: 'POST /pay', service: 'shop', tags: { 'span.kind': 'client', error: true } },
      { id: 'b', parent: 'root', at: 320, ms: 20, op: 'POST /pay', service: 'shop', tags: { 'span.kind': 'client' } },
    ];
    const f = analyzeTrace(buildTrace(specs));
    assert.deepEqual(
      f.map((x) => x.kind),
      ['retries', 'n-plus-one'] satisfies FindingKind[],
    );
    for (const x of f) assert.equal(x.share, Math.round((x.costMs / 400) * 1000) / 1000);
  });

  test('an empty trace has no findings; a non-trace is refused with a reason', () => {
    assert.deepEqual(analyzeTrace({ traceID: 'x', spans: [], processes: {}, warnings: null }), []);
    assert.throws(() => analyzeTrace({ traceID: 'x' } as never), /spans/);
  });

  test('a chain 50,000 spans deep is analysed without running out of stack', () => {
    const specs: SpanSpec[] = Array.from({ length: 50_000 }, (_, i) => ({
      id: `s${i}`,
      parent: i ? `s${i - 1}` : undefined,
      op: 'step',
      at: i * 0.001,
      ms: 60 - i * 0.001,
    }));
    assert.deepEqual(analyzeTrace(buildTrace(specs)), []);
  });

  test('a span whose parent chain loops does not hang the analysis', () => {
    const specs: SpanSpec[] = [
      { id: 'a', parent: 'b', op: 'x', at: 0, ms: 10 },
      { id: 'b', parent: 'a', op: 'y', at: 1, ms: 5 },
    ];
    assert.deepEqual(analyzeTrace(buildTrace(specs)), []);
  });
});

describe('n-plus-one and caches', () => {
  const cache = (key: string, hit: boolean): Partial<SpanSpec> & { op: string } => ({
    op: 'GET',
    service: 'shop',
    tags: { 'span.kind': 'client', 'db.system': 'redis', 'db.statement': `GET ${key}`, 'cache.hit': hit },
  });

  test('a loop of cache hits is not named: the cache already took the cost away', () => {
    assert.deepEqual(kinds([root(100), ...sequence('root', 6, 10, 12, (i) => cache(`item:${i}`, true))]), []);
  });

  test('a read-through cache filling up (miss, fetch, store for each item) is not an N+1', () => {
    const specs: SpanSpec[] = [root(200)];
    for (let i = 0; i < 4; i++) {
      const at = 10 + i * 45;
      specs.push({ id: `g${i}`, parent: 'root', at, ms: 5, ...cache(`item:${i}`, false) });
      specs.push({ id: `s${i}`, parent: 'root', at: at + 5, ms: 30, ...select(i) });
      specs.push({
        id: `w${i}`,
        parent: 'root',
        at: at + 35,
        ms: 8,
        op: 'SET',
        service: 'shop',
        tags: { 'span.kind': 'client', 'db.system': 'redis', 'db.statement': `SET item:${i}` },
      });
    }
    assert.deepEqual(kinds(specs), []);
  });
});
