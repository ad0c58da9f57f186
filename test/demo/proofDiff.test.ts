// The proof's "where the time went" line, on the recorded before/after pairs: the diff of the typical pair, naming the finding gone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { diffTraces } from '../../analysis/index.ts';
import { holeCatalog } from '../../model/index.ts';
import type { JaegerTrace } from '../../model/jaegerJson.ts';
import { judgePlug, sideOf } from '../../slides/live/proofVerdict.ts';

const recorded = (name: string) =>
  (JSON.parse(readFileSync(new URL(`../../slides/recordings/traces/${name}.json`, import.meta.url), 'utf8')) as { data: JaegerTrace[] })
    .data[0]!;

/** The same trace with every span stretched by `factor` (a faster or slower sample of the same request), under a new trace id. */
function stretched(t: JaegerTrace, factor: number, id: string): JaegerTrace {
  const t0 = Math.min(...t.spans.map((s) => s.startTime));
  return {
    ...t,
    traceID: id,
    spans: t.spans.map((s) => ({
      ...s,
      traceID: id,
      startTime: t0 + Math.round((s.startTime - t0) * factor),
      duration: Math.round(s.duration * factor),
    })),
  };
}

const pairs = holeCatalog.map((h) => h.id);

test('each recorded pair: the verdict quotes the diff of the typical pair, which names the finding that went away', () => {
  for (const id of pairs) {
    const hole = holeCatalog.find((h) => h.id === id)!;
    const before = recorded(`${id}-before`);
    const after = recorded(`${id}-after`);
    // Three samples a side; the recorded trace is the median one, so it is the pair the slide draws and the line describes.
    const side = (t: JaegerTrace) => sideOf([stretched(t, 1.1, `${t.traceID}-slow`), t, stretched(t, 0.95, `${t.traceID}-quick`)], false);
    const r = judgePlug(hole, side(before), side(after));
    assert.equal(r.before.typical.traceID, before.traceID);
    assert.equal(r.after.typical.traceID, after.traceID);
    const diff = diffTraces(before, after);
    assert.equal(r.diffLine, `Typical pair: ${diff.headline}`, id);
    assert.match(r.diffLine ?? '', /^Typical pair: \u2212\d+ ms: .+ gone$/, `${id}: ${r.diffLine}`);
    assert.ok(
      diff.gone.some((f) => f.kind === hole.findingKind),
      `${id}: the hole's finding (${hole.findingKind}) is among those gone: ${diff.gone.map((f) => f.kind)}`,
    );
    assert.ok(diff.explainedShare >= 0.9, `${id}: ${diff.explainedShare} of the change attributed to critical-path spans`);
  }
});

test('the flaky dependency pair says, in the words of the issue, which retried calls went away', () => {
  const hole = holeCatalog.find((h) => h.id === 'flaky-dependency')!;
  const r = judgePlug(hole, sideOf([recorded('flaky-dependency-before')], false), sideOf([recorded('flaky-dependency-after')], false));
  assert.match(r.diffLine ?? '', /^Typical pair: \u2212\d+ ms: \d+ failed calls to payments retried by storefront gone$/);
});

test('a pair the diff cannot read leaves the line out and keeps the verdict', () => {
  const hole = holeCatalog.find((h) => h.id === 'n-plus-one')!;
  const broken = { traceID: 'x', spans: null, processes: {} } as unknown as JaegerTrace;
  const good = recorded('n-plus-one-after');
  const r = judgePlug(hole, { ...sideOf([good], false), typical: broken }, sideOf([good], false));
  assert.equal(r.diffLine, null);
  assert.ok(r.headline.length > 0);
});
