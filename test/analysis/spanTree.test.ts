// The one trace tree: the hole finder's index and the viewer's model hold the same tree for every trace, reference cycles included.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { indexTrace } from '../../analysis/index.ts';
import { generateTrace } from '../../model/syntheticTrace.ts';
import { tracesFromJaegerFile, type JaegerSpan, type JaegerTrace } from '../../model/jaegerJson.ts';
import { buildTraceModel } from '../../viewer/model/traceModel.ts';

const fixtures = (): [string, JaegerTrace][] =>
  ['jaeger-json', 'jaeger-ui', 'otel-library'].flatMap((dir) =>
    readdirSync(`test/fixtures/${dir}`)
      .filter((f) => f.endsWith('.json'))
      .flatMap((f) =>
        tracesFromJaegerFile(JSON.parse(readFileSync(`test/fixtures/${dir}/${f}`, 'utf8'))).map((t): [string, JaegerTrace] => [
          `${dir}/${f}`,
          t,
        ]),
      ),
  );

test('real exports from other projects and a generated trace: the finder and the viewer build the same tree', () => {
  const all = [...fixtures(), ['synthetic 5000', generateTrace(5000, 7)] as [string, JaegerTrace]];
  assert.ok(all.length >= 14, `${all.length} traces`);
  for (const [name, t] of all) {
    const ix = indexTrace(t);
    const m = buildTraceModel(t);
    assert.deepEqual([...ix.parent], [...m.parent], `${name}: parents`);
    assert.deepEqual([...ix.roots], [...m.roots], `${name}: roots`);
    assert.deepEqual([...ix.childList], [...m.childList], `${name}: children by start`);
    assert.deepEqual([...ix.topo], [...m.order], `${name}: parents before children, in display order`);
    // Built over the viewer's model, the finder's index takes its tree as it is.
    const shared = indexTrace(t, m);
    assert.equal(shared.parent, m.parent);
    assert.deepEqual([...shared.error], [...ix.error], `${name}: failed spans`);
  }
});

function span(id: string, startUs: number, parent?: string): JaegerSpan {
  const references = parent ? [{ refType: 'CHILD_OF' as const, traceID: 't', spanID: parent }] : [];
  return {
    traceID: 't',
    spanID: id,
    operationName: id,
    references,
    startTime: startUs,
    duration: 10,
    tags: [],
    logs: [],
    processID: 'p',
    warnings: null,
  };
}

test('a reference cycle is cut where it closes: every span drawn once, the spans below it stay below it', () => {
  // r is a root; a → b → c → a is a cycle; d hangs below c and starts first of all the unreached spans.
  const t: JaegerTrace = {
    traceID: 't',
    processes: { p: { serviceName: 's', tags: [] } },
    warnings: null,
    spans: [span('r', 0), span('a', 20, 'c'), span('b', 30, 'a'), span('c', 40, 'b'), span('d', 10, 'c')],
  };
  const m = buildTraceModel(t);
  const ids = (xs: ArrayLike<number>) => Array.from(xs, (i) => t.spans[i]!.spanID);
  assert.deepEqual([...m.order].sort(), [0, 1, 2, 3, 4], 'each span once');
  // The climb from d goes c → b → a → c: the cycle closes at c, which becomes a root; d keeps its parent.
  assert.deepEqual(ids(m.roots), ['r', 'c']);
  assert.equal(t.spans[m.parent[4]!]!.spanID, 'c');
  assert.deepEqual(ids(m.order), ['r', 'c', 'd', 'a', 'b']);
  assert.deepEqual([...m.depth], [0, 1, 2, 0, 1]);
  // No stale child entries: every listed child has that parent.
  for (let u = 0; u < m.count; u++)
    for (let k = m.childOffset[u]!; k < m.childOffset[u + 1]!; k++) assert.equal(m.parent[m.childList[k]!], u);
  const ix = indexTrace(t);
  assert.deepEqual([...ix.parent], [...m.parent]);
});
