// The viewer's analysis without a browser: tree building from real Jaeger exports, self time, critical path, hotspot wording.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { tracesFromJaegerFile, type JaegerSpan, type JaegerTrace } from '../../model/jaegerJson.ts';
import { findCriticalPath } from '../../viewer/criticalPath.ts';
import { findHotspot } from '../../viewer/hotspot.ts';
import { generateTrace } from '../../viewer/syntheticTrace.ts';
import { describeDelta } from '../../viewer/format.ts';
import { buildTraceModel, TraceShapeError } from '../../viewer/traceModel.ts';
import { lockTrace } from './traces.ts';

const fixture = (name: string) => tracesFromJaegerFile(JSON.parse(readFileSync(`test/fixtures/jaeger-json/${name}.json`, 'utf8')))[0]!;
const ops = (t: JaegerTrace, order: Int32Array) => [...order].map((i) => t.spans[i]!.operationName);

test('duplicate span IDs, dangling and several references: every span gets exactly one row', () => {
  const t = fixture('all-tag-types-5-spans');
  const m = buildTraceModel(t);
  assert.equal(m.count, 5);
  assert.deepEqual([...m.order].sort(), [0, 1, 2, 3, 4]);
  // The second span reusing ID …02 becomes a root of its own; …04 skips its dangling CHILD_OF …ff.
  assert.equal(m.roots.length, 2);
  assert.equal(m.parent[3], 0);
  assert.equal(m.parent[4], 3);
  assert.equal(m.levels, 3);
  assert.equal(m.errorCount, 1);
  assert.deepEqual(m.services, ['service-x', 'service-y']);
});

test('FOLLOWS_FROM nests when there is no CHILD_OF; children are ordered by start', () => {
  const t = fixture('two-services-11-spans');
  const m = buildTraceModel(t);
  assert.deepEqual(ops(t, m.order), ['op1', 'op2', 'op3', 'op1', 'op2', 'op2', 'op4', 'op3', 'op6', 'op7', 'op7']);
  const span7 = t.spans.findIndex((s) => s.spanID === 'span-7');
  assert.equal(t.spans[m.parent[span7]!]!.spanID, 'span-6');
  assert.equal(m.levels, 4);
  assert.equal(m.durationUs, 1_000_000);
  assert.equal(m.errorCount, 1, 'the error tag arrives as the string "true"');
});

test('self time clips children that overrun their parent', () => {
  const t = fixture('overlapping-children-3-spans');
  const m = buildTraceModel(t);
  // send: 36 µs; its children cover 3 µs … its end (one runs past it).
  assert.equal(m.selfTime[0], 3);
});

test('a reference cycle is cut instead of hanging or dropping spans', () => {
  const t = lockTrace();
  t.spans[0]!.references = [{ refType: 'CHILD_OF', traceID: t.traceID, spanID: t.spans[1]!.spanID }];
  const m = buildTraceModel(t);
  assert.equal(m.count, 3);
  assert.equal(m.roots.length, 1);
  assert.deepEqual([...m.order].sort(), [0, 1, 2]);
});

test('a malformed span is named in the error', () => {
  const t = lockTrace();
  (t.spans[1] as unknown as Record<string, unknown>).duration = '62ms';
  assert.throws(() => buildTraceModel(t), (e: unknown) => e instanceof TraceShapeError && /span #2 \(0000000000000002\) has no numeric "duration"/.test(e.message));
  assert.throws(() => buildTraceModel({ ...t, spans: [] }), /no spans/);
  assert.throws(() => buildTraceModel({ ...t, spans: null as never }), /no "spans" list/);
});

test('the critical path of a one-root trace covers the root exactly once', () => {
  for (const t of [fixture('two-services-11-spans'), fixture('overlapping-children-3-spans'), lockTrace(), generateTrace(5000, 3)]) {
    const m = buildTraceModel(t);
    const cp = findCriticalPath(m);
    const root = m.roots[0]!;
    const total = cp.ownTime.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - m.duration[root]!) < 1e-6, `${t.traceID}: path ${total} vs root ${m.duration[root]}`);
  }
});

test('the lock hotspot: share and wording from the span and its log', () => {
  const m = buildTraceModel(lockTrace());
  const h = findHotspot(m, findCriticalPath(m))!;
  assert.equal(h.sentence, '62% of this request waited for the lock');
  assert.equal(h.where, 'inventory: db.lock');
  assert.equal(h.evidence, 'waiting behind 3');
  assert.equal(h.repeated, undefined);
});

function span(traceID: string, id: number, parent: number | undefined, op: string, startMs: number, durMs: number, extra: Partial<JaegerSpan> = {}): JaegerSpan {
  const hex = (n: number) => n.toString(16).padStart(16, '0');
  return {
    traceID, spanID: hex(id), operationName: op, startTime: 1e15 + startMs * 1000, duration: durMs * 1000,
    references: parent === undefined ? [] : [{ refType: 'CHILD_OF', traceID, spanID: hex(parent) }],
    tags: [], logs: [], processID: 'p1', warnings: null, ...extra,
  };
}

test('a pool of one connection is called a lock, in the words of its log', () => {
  const t: JaegerTrace = {
    traceID: 'x', warnings: null, processes: { p1: { serviceName: 'orders', tags: [] } },
    spans: [
      span('x', 1, undefined, 'POST /orders', 0, 50),
      span('x', 2, 1, 'ordersdb acquire connection', 5, 40, {
        tags: [{ key: 'pool.size', type: 'int64', value: 1 }],
        logs: [{ timestamp: 1e15 + 45_000, fields: [{ key: 'event', type: 'string', value: 'waited' }, { key: 'message', type: 'string', value: 'waiting behind 2' }] }],
      }),
    ],
  };
  const m = buildTraceModel(t);
  const h = findHotspot(m, findCriticalPath(m))!;
  assert.equal(h.sentence, '80% of this request waited for the lock');
  assert.equal(h.evidence, 'waiting behind 2');
});

test('N+1 calls: many small steps of one kind are added up and named', () => {
  const spans = [span('n', 1, undefined, 'GET /menu', 0, 100)];
  for (let k = 0; k < 10; k++) spans.push(span('n', 2 + k, 1, 'menudb SELECT', 10 + k * 8, 8));
  const t: JaegerTrace = { traceID: 'n', warnings: null, processes: { p1: { serviceName: 'menu', tags: [] } }, spans };
  const m = buildTraceModel(t);
  const h = findHotspot(m, findCriticalPath(m))!;
  assert.equal(h.where, 'menu: GET /menu', 'the single biggest owner is still the handler itself');
  assert.equal(h.repeated?.sentence, '80% went to 10 calls of menu: menudb SELECT, one after another');
});

test('when the hotspot itself repeats, the sentence says how often', () => {
  const spans = [span('r', 1, undefined, 'POST /order', 0, 100)];
  for (let k = 0; k < 3; k++) spans.push(span('r', 2 + k, 1, 'GET /recipe', k * 30, 30));
  const t: JaegerTrace = { traceID: 'r', warnings: null, processes: { p1: { serviceName: 'kitchen', tags: [] } }, spans };
  const m = buildTraceModel(t);
  const h = findHotspot(m, findCriticalPath(m))!;
  assert.equal(h.sentence, '30% of this request (30 ms) was spent in kitchen: GET /recipe');
  assert.equal(h.repeated?.sentence, 'it ran 3 times, one after another: 90% of the request in all');
});

test('the before/after delta in words', () => {
  assert.equal(describeDelta(505_000, 95_000), 'After: 95 ms, 410 ms faster than before (505 ms) — 81% less time.');
  assert.equal(describeDelta(100_000, 300_000), 'After: 300 ms, 200 ms slower than before (100 ms) — 3× as long.');
  assert.equal(describeDelta(100_000, 100_200), 'After: 100 ms, about the same as before (100 ms).');
});
