// Across many traces on the real mesh: one hole over 100 traces is one fingerprint, and the slow traces of a request point at the hole that made them slow.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { aggregateFindings, analyzeTraces, compareSlowTraces } from '../../analysis/index.ts';
import { holeCatalog, type HoleSpec, type JaegerTrace } from '../../model/index.ts';
import { startGroundTruth, type GroundTruth } from '../../devkit/groundTruth.ts';

let gt: GroundTruth;
before(async () => {
  gt = await startGroundTruth(7);
});
after(async () => {
  await gt?.close();
});

/** 100 normal orders one after another with only `hole` open. */
async function hundredOrders(id: string): Promise<JaegerTrace[]> {
  const hole = holeCatalog.find((h) => h.id === id)!;
  await gt.openOnly(hole.id);
  const pattern: HoleSpec['pattern'] = { warmup: [], kind: 'normal', count: 10, concurrent: false, signature: '' };
  const traces = await gt.runPattern({ ...hole, pattern }, 10);
  assert.equal(traces.length, 100);
  return traces;
}

test('one hole over 100 mesh traces has one fingerprint, counted once per trace', async () => {
  const traces = await hundredOrders('n-plus-one');
  const perTrace = analyzeTraces(traces);
  const prints = new Set(perTrace.flatMap((t) => t.findings.filter((f) => f.kind === 'n-plus-one').map((f) => f.fingerprint)));
  assert.equal(prints.size, 1, [...prints].join(', '));
  const [hole] = aggregateFindings(perTrace).filter((a) => a.kind === 'n-plus-one');
  assert.equal(hole!.fingerprint, [...prints][0]);
  assert.ok(hole!.traces >= 95, `${hole!.traces} of 100`);
  assert.equal(hole!.shareOfTraces, hole!.traces / 100);
  assert.ok(hole!.costPercentilesMs.p50 <= hole!.costPercentilesMs.p90 && hole!.costPercentilesMs.p90 <= hole!.costPercentilesMs.max);
  console.log(hole!.title, JSON.stringify(hole!.costPercentilesMs));
});

test('the slow orders (above p90) of 100 with the flaky payments open: its retries come first', async () => {
  const traces = await hundredOrders('flaky-dependency');
  const root = traces[0]!.spans.find((s) => s.references.length === 0)!;
  const cmp = compareSlowTraces(traces, root.operationName);
  console.log(cmp.lines.join('\n'));
  assert.ok(cmp.slow >= 5 && cmp.slow <= 12, `${cmp.slow} slow`);
  const first = cmp.factors[0]!;
  assert.equal(first.what, 'finding');
  assert.match(first.key, /^retries:/);
  assert.ok(first.inSlow >= 0.8 * cmp.slow, `${first.inSlow} of ${cmp.slow}`);
  assert.ok(first.inRest < cmp.rest / 2, `${first.inRest} of ${cmp.rest}`);
});
