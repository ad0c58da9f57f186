// The viewer's analysis without a browser: tree building from real Jaeger exports, the fast file reader, find, self time, critical path.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { tracesFromJaegerFile, type JaegerTrace } from '../../model/jaegerJson.ts';
import { findCriticalPath } from '../../viewer/model/criticalPath.ts';
import { completeFeed, scanJaegerFile, ScanGaveUp, type ByteFeed } from '../../viewer/reader/jsonScan.ts';
import { findSpans } from '../../viewer/model/traceSearch.ts';
import { generateTrace } from '../../model/syntheticTrace.ts';
import { describeDelta } from '../../viewer/model/format.ts';
import { buildTraceModel, findSpanIndex, indexSpans, operationOf, spanIdOf, TraceShapeError } from '../../viewer/model/traceModel.ts';
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
  assert.throws(
    () => buildTraceModel(t),
    (e: unknown) => e instanceof TraceShapeError && /span #2 \(0000000000000002\) has no numeric "duration"/.test(e.message),
  );
  assert.throws(() => buildTraceModel({ ...t, spans: [] }), /no spans/);
  assert.throws(() => buildTraceModel({ ...t, spans: null as never }), /no "spans" list/);
});

test('the critical path of a one-root trace covers the root exactly once', () => {
  for (const t of [fixture('two-services-11-spans'), fixture('overlapping-children-3-spans'), lockTrace(), generateTrace(5000, 3)]) {
    const m = buildTraceModel(t);
    const cp = findCriticalPath(m);
    const root = m.roots[0]!;
    const total = cp.own.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(total - m.duration[root]!) < 1e-6, `${t.traceID}: path ${total} vs root ${m.duration[root]}`);
  }
});

const bytes = (x: unknown) => new TextEncoder().encode(typeof x === 'string' ? x : JSON.stringify(x));

/** The bytes in small pieces, as a slow download would bring them. */
function trickle(all: Uint8Array, piece: number): ByteFeed {
  let len = 0;
  const step = () => new Promise<void>((r) => setImmediate(() => ((len = Math.min(all.length, len + piece)), r())));
  return {
    bytes: () => all.subarray(0, len),
    complete: () => len === all.length,
    more: step,
    all: async () => {
      while (len < all.length) await step();
    },
  };
}

test('the fast reader builds the same tree as the ordinary parse, on every fixture and a generated trace, whole or trickling in', async () => {
  const files = ['all-tag-types-5-spans', 'overlapping-children-3-spans', 'two-services-11-spans'].map((n) =>
    readFileSync(`test/fixtures/jaeger-json/${n}.json`, 'utf8'),
  );
  // A bare trace with keys in an unusual order, spaces and escapes, next to the envelope form.
  const odd = JSON.parse(files[2]!) as { data?: JaegerTrace[] } & JaegerTrace;
  const bare = odd.data ? odd.data[0]! : odd;
  const reordered = JSON.stringify(
    {
      spans: bare.spans.map((s) => ({ ...s, operationName: `${s.operationName} \u00e9 "q"` })),
      processes: bare.processes,
      traceID: bare.traceID,
    },
    null,
    2,
  );
  // The last span repeating an earlier span's ID (the references to it still mean the first).
  const repeated = generateTrace(3000, 5);
  repeated.spans[repeated.spans.length - 1]!.spanID = repeated.spans[1]!.spanID;
  for (const text of [...files, reordered, JSON.stringify({ data: [generateTrace(3000, 5)] }), JSON.stringify(repeated)]) {
    const ordinary = tracesFromJaegerFile(JSON.parse(text)).map(buildTraceModel);
    for (const feed of [completeFeed(bytes(text)), trickle(bytes(text), 997)]) {
      const fast = (await scanJaegerFile(feed)).map((t) => indexSpans(t.columns));
      assert.equal(fast.length, ordinary.length);
      fast.forEach((f, k) => {
        const o = ordinary[k]!;
        for (const key of ['order', 'parent', 'depth', 'selfTime', 'service', 'error', 'operation'] as const)
          assert.deepEqual([...f[key]], [...o[key]], key);
        assert.deepEqual(f.operations, o.operations);
        assert.equal(f.idText, o.idText);
        assert.deepEqual(f.services, o.services);
        const lines = (x: string) =>
          x
            .replace(/base64 /g, '')
            .split('\n')
            .map((l) => l.trimEnd());
        assert.deepEqual(lines(f.searchText), lines(o.searchText), 'the same words to find');
      });
    }
  }
});

test("a download cut right after a span's closing brace (or at any byte) reads each span once", async () => {
  const text = JSON.stringify({ data: [generateTrace(40, 3)] });
  const all = bytes(text);
  const [whole] = await scanJaegerFile(completeFeed(all));
  // Cut after each span's closing brace: the reader must not count that span again once the rest arrives.
  const cuts: number[] = [];
  for (let at = text.indexOf('},{"traceID"'); at >= 0; at = text.indexOf('},{"traceID"', at + 1)) cuts.push(at + 1);
  assert.ok(cuts.length >= 30);
  for (const cut of cuts) {
    let len = cut;
    const feed: ByteFeed = {
      bytes: () => all.subarray(0, len),
      complete: () => len === all.length,
      more: async () => void (len = all.length),
      all: async () => void (len = all.length),
    };
    const [read] = await scanJaegerFile(feed);
    assert.equal(read!.columns.count, whole!.columns.count, `cut at byte ${cut}`);
    assert.equal(read!.columns.idText, whole!.columns.idText);
  }
  const [byByte] = await scanJaegerFile(trickle(all, 1));
  assert.deepEqual([...byByte!.ranges], [...whole!.ranges]);
  assert.equal(byByte!.columns.searchLines, whole!.columns.searchLines);
});

test("the fast reader keeps each span's bytes, and gives up (for the ordinary parse) on anything odd", async () => {
  const t = lockTrace();
  const text = JSON.stringify({ data: [t] });
  const [scanned] = await scanJaegerFile(trickle(bytes(text), 50));
  const r = scanned!.ranges;
  assert.deepEqual(JSON.parse(text.slice(r[2], r[3])), t.spans[1]);
  for (const bad of [
    '{"data": [ {"traceID": ',
    '{"hello":"world"}',
    '[1,2]',
    '{"traceID":"x","spans":[{"spanID":"a","startTime":"soon","duration":1}]}',
    '{"data":[]} x',
  ]) {
    await assert.rejects(scanJaegerFile(completeFeed(bytes(bad))), ScanGaveUp, bad);
    await assert.rejects(scanJaegerFile(trickle(bytes(bad), 3)), ScanGaveUp, bad);
  }
});

test('find in trace: service, operation, tag and log values, several words, span IDs; results in display order', () => {
  const m = buildTraceModel(lockTrace());
  const ops = (q: string) => [...findSpans(m, q)].map((i) => operationOf(m, i));
  assert.deepEqual(ops('inventory'), ['db.lock', 'db.query']);
  assert.deepEqual(ops('DB.LOCK'), ['db.lock']);
  assert.deepEqual(ops('behind 3'), ['db.lock'], 'a log value, both words');
  assert.deepEqual(ops('span.kind=server'), ['GET /checkout'], 'a tag as key=value');
  assert.deepEqual(ops('server'), ['GET /checkout'], 'a tag value');
  assert.deepEqual(ops('nothing-like-this'), []);
  assert.deepEqual(ops('  '), []);
  assert.deepEqual(ops('0000000000000003'), ['db.query'], 'a span ID');
  assert.equal(findSpanIndex(m, '0000000000000002'), 1);
  assert.equal(spanIdOf(m, 2), '0000000000000003');
  assert.equal(findSpanIndex(m, '000000000000000'), -1, 'only whole IDs');
});

test('the before/after delta in words', () => {
  assert.equal(describeDelta(505_000, 95_000), 'After: 95 ms, 410 ms faster than before (505 ms) — 81% less time.');
  assert.equal(describeDelta(100_000, 300_000), 'After: 300 ms, 200 ms slower than before (100 ms) — 3× as long.');
  assert.equal(describeDelta(100_000, 100_200), 'After: 100 ms, about the same as before (100 ms).');
});
