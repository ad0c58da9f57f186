// Which rows of the span tree are open, without a browser: collapse, expand, levels, the cursor and the tree's keys.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { tracesFromJaegerFile } from '../../model/jaegerJson.ts';
import { generateTrace } from '../../model/syntheticTrace.ts';
import { OpenRows } from '../../viewer/model/openRows.ts';
import { buildTraceModel, type TraceModel } from '../../viewer/model/traceModel.ts';

const fixture = (name: string) =>
  buildTraceModel(tracesFromJaegerFile(JSON.parse(readFileSync(`test/fixtures/jaeger-json/${name}.json`, 'utf8')))[0]!);
const rows = (open: OpenRows) => Array.from({ length: open.length }, (_, r) => open.span(r));

/** The open rows worked out the slow way: a span is on show when no ancestor is collapsed, in display order. */
function expected(m: TraceModel, open: OpenRows): number[] {
  const onShow = (s: number) => {
    for (let p = m.parent[s]!; p >= 0; p = m.parent[p]!) if (open.isCollapsed(p)) return false;
    return true;
  };
  return [...m.order].filter(onShow);
}

/** The first span in display order with a parent and children, the first of which is a leaf. */
const innerSpan = (m: TraceModel) =>
  [...m.order].find((s) => m.parent[s]! >= 0 && m.childCount[s]! > 0 && m.childCount[m.childList[m.childOffset[s]!]!] === 0)!;

test('a new trace shows every span, in display order', () => {
  const m = fixture('two-services-11-spans');
  const open = new OpenRows(m);
  assert.deepEqual(rows(open), [...m.order]);
  assert.equal(OpenRows.none().length, 0);
});

test('collapsing hides exactly the subtree; reopening a parent keeps a collapsed child shut', () => {
  const m = fixture('two-services-11-spans');
  const open = new OpenRows(m);
  const inner = innerSpan(m);
  const parent = m.parent[inner]!;
  assert.ok(open.collapse(inner));
  assert.equal(open.length, m.count - (m.subtreeSize[inner]! - 1));
  assert.deepEqual(rows(open), expected(m, open));
  assert.ok(open.collapse(parent));
  assert.equal(open.rowOf(inner), -1, 'under a shut parent a span has no row');
  assert.ok(open.expand(parent));
  assert.ok(open.isCollapsed(inner), 'the child stays shut');
  assert.deepEqual(rows(open), expected(m, open));
  const leaf = [...m.order].find((s) => m.childCount[s] === 0)!;
  assert.equal(open.collapse(leaf), false, 'a leaf has nothing to collapse');
  open.expandAll();
  assert.deepEqual(rows(open), [...m.order]);
});

test('any sequence of collapses, expands, levels and reveals leaves the rows a fresh walk would give (a generated 2,000-span trace)', () => {
  const m = buildTraceModel(generateTrace(2000, 7));
  const open = new OpenRows(m);
  const parents = [...m.order].filter((s) => m.childCount[s]! > 0);
  let seed = 12345;
  const next = (n: number) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
  for (let step = 0; step < 400; step++) {
    const span = parents[next(parents.length)]!;
    const op = next(10);
    if (op < 4) open.collapse(span);
    else if (op < 8) open.expand(span);
    else if (op === 8) open.stepLevel(next(2) === 0 ? 1 : -1);
    else {
      const any = next(m.count);
      open.openAncestors(any);
      assert.ok(open.rowOf(any) >= 0, 'a revealed span has a row');
    }
    assert.deepEqual(rows(open), expected(m, open), `after step ${step}`);
  }
});

test('the cursor stays on its span while rows above it close, and moves up to a row that closes over it', () => {
  const m = fixture('two-services-11-spans');
  const open = new OpenRows(m);
  const inner = innerSpan(m);
  const child = m.childList[m.childOffset[inner]!]!;
  const last = m.order[m.count - 1]!;
  assert.ok(m.orderPos[last]! >= m.orderPos[inner]! + m.subtreeSize[inner]!, 'the last span lies past the subtree');
  open.cursor = open.rowOf(last);
  open.collapse(inner);
  assert.equal(open.span(open.cursor), last);
  open.expand(inner);
  assert.equal(open.span(open.cursor), last);
  open.cursor = open.rowOf(child);
  open.collapse(inner);
  assert.equal(open.span(open.cursor), inner, 'the cursor lands on the row that swallowed it');

  // The same from each row of a big subtree.
  const g = buildTraceModel(generateTrace(300, 5));
  const wide = [...g.order].find((s) => g.parent[s]! >= 0 && g.subtreeSize[s]! >= 10)!;
  for (let k = 1; k < g.subtreeSize[wide]!; k++) {
    const big = new OpenRows(g);
    big.cursor = big.rowOf(g.order[g.orderPos[wide]! + k]!);
    big.collapse(wide);
    assert.equal(big.span(big.cursor), wide);
  }
});

test('levels: −1 shuts the deepest open level, +1 opens one more, and +1 with all open changes nothing', () => {
  const m = fixture('two-services-11-spans');
  const open = new OpenRows(m);
  const deepestShown = () => Math.max(...rows(open).map((s) => m.depth[s]!));
  assert.equal(deepestShown(), m.levels - 1);
  assert.ok(!open.stepLevel(1));
  assert.ok(open.stepLevel(-1));
  assert.equal(deepestShown(), m.levels - 2);
  open.collapseAll();
  assert.deepEqual(
    rows(open),
    [...m.roots].sort((a, b) => m.orderPos[a]! - m.orderPos[b]!),
  );
  assert.ok(open.stepLevel(1));
  assert.equal(deepestShown(), 1);
  assert.deepEqual(rows(open), expected(m, open));
});

test('the tree keys: right opens or steps in, left shuts or steps out, Enter chooses, Escape drops the choice', () => {
  const m = fixture('two-services-11-spans');
  const open = new OpenRows(m);
  const inner = innerSpan(m);
  open.cursor = open.rowOf(inner);
  assert.equal(open.keyAction('ArrowLeft', 5), 'collapse');
  open.collapseAt(open.cursor);
  assert.equal(open.keyAction('ArrowRight', 5), 'expand');
  open.expandAt(open.cursor);
  assert.deepEqual(open.keyAction('ArrowRight', 5), { moveTo: open.cursor + 1 }, 'an open row steps to its first child');
  open.cursor += 1;
  assert.deepEqual(open.keyAction('ArrowRight', 5), { moveTo: open.cursor }, 'a leaf has nowhere to step in');
  assert.deepEqual(open.keyAction('ArrowLeft', 5), { moveTo: open.rowOf(inner) }, 'a leaf steps out to its parent');
  assert.deepEqual(open.keyAction('PageDown', 5), { moveTo: open.cursor + 5 });
  assert.deepEqual(open.keyAction('End', 5), { moveTo: open.length - 1 });
  assert.equal(open.keyAction('Enter', 5), 'choose');
  assert.equal(open.keyAction('Escape', 5), 'unchoose');
  assert.equal(open.keyAction('x', 5), undefined);
});

test('collapsed spans carry over to a newer copy of the trace; indices it no longer has are skipped', () => {
  const m = buildTraceModel(generateTrace(500, 3));
  const before = new OpenRows(m);
  const parents = [...m.order].filter((s) => m.childCount[s]! > 0);
  for (const s of parents.slice(0, 40).reverse()) before.collapse(s);
  const after = new OpenRows(m);
  after.collapseSpans([...before.collapsedSpans(), -1, m.count + 5]);
  assert.deepEqual(after.collapsedSpans(), before.collapsedSpans());
  assert.deepEqual(rows(after), rows(before));
});
