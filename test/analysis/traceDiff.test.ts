// Where the time went, on traces from elsewhere: a library's three reads made parallel, told apart from reads that got faster.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { diffTraces } from '../../analysis/index.ts';
import { tracesFromJaegerFile, type JaegerTrace } from '../../model/index.ts';

const load = (file: string): JaegerTrace =>
  tracesFromJaegerFile(JSON.parse(readFileSync(new URL(`../fixtures/otel-library/${file}`, import.meta.url), 'utf8')))[0]!;

test('three reads made parallel: the sequential-calls finding is gone and the reads moved off the critical path', () => {
  const d = diffTraces(load('home-sequential.json'), load('home-parallel.json'));
  assert.ok(d.changeMs < -20, `${d.changeMs} ms`);
  assert.deepEqual(
    d.gone.map((f) => f.kind),
    ['sequential-calls'],
  );
  assert.deepEqual(d.appeared, []);
  assert.ok(d.explainedShare >= 0.9 && d.explainedShare <= 1.1, String(d.explainedShare));
  // Two of the reads took longer side by side yet cost the request less: off the path, not "faster".
  assert.equal(d.changes.filter((c) => c.change === 'off-path').length, 2, JSON.stringify(d.changes));
  assert.match(d.headline, /^\u2212\d+ ms: 3 independent reads from web .* gone$/);
});

test('a trace against itself: no change, nothing gone or new', () => {
  const t = load('isbn-retries.json');
  const d = diffTraces(t, t);
  assert.deepEqual([d.changeMs, d.changes.length, d.gone.length, d.appeared.length], [0, 0, 0, 0]);
  assert.match(d.headline, /^\+0\.0 ms: no step changed$/);
});

test('a hole appearing is named as new, with the time it added', () => {
  const d = diffTraces(load('home-parallel.json'), load('home-sequential.json'));
  assert.ok(d.changeMs > 20);
  assert.deepEqual(
    d.appeared.map((f) => f.kind),
    ['sequential-calls'],
  );
  assert.match(d.headline, /^\+\d+ ms: .* appeared$/);
});
