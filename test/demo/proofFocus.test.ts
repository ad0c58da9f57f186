// Where a proof points the eye, on traces from elsewhere (a lending library traced with OpenTelemetry, not our mesh).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { JaegerSpan, JaegerTrace } from '../../model/jaegerJson.ts';
import { proofFocus } from '../../slides/live/proofFocus.ts';

const fixture = (name: string) =>
  (JSON.parse(readFileSync(new URL(`../fixtures/otel-library/${name}`, import.meta.url), 'utf8')) as { data: JaegerTrace[] }).data[0]!;
const parentOf = (s: JaegerSpan) => s.references.find((r) => r.refType === 'CHILD_OF')?.spanID;

test('a loop of calls plugged by one batch call: the before pane points at the loop, the after pane at the batch call in its place', () => {
  const before = fixture('shelf-n-plus-one.json');
  const focus = proofFocus('n-plus-one', before, before);
  assert.ok(focus, 'the finding is found');
  assert.ok(focus.before.length >= 3, `the loop's spans: ${focus.before.length}`);
  assert.match(focus.label, /\d ms/, 'the label gives the cost');
  // The plug, made by hand from the same trace: the loop's calls go, one call of a new kind takes their place.
  const loop = new Set(focus.before);
  const first = before.spans.find((s) => s.spanID === focus.before[0])!;
  const batch: JaegerSpan = { ...first, spanID: 'b0000000000000ba', operationName: 'SELECT library (batch)', duration: first.duration * 2 };
  const after: JaegerTrace = {
    ...before,
    spans: [...before.spans.filter((s) => !loop.has(s.spanID) && !loop.has(parentOf(s) ?? '')), batch],
  };
  const plugged = proofFocus('n-plus-one', before, after)!;
  assert.deepEqual(plugged.after, [batch.spanID], 'the after pane points at the batch call, not at the rows that stayed the same');
  // Sorted by start: the loop's first call is the one opened.
  const starts = plugged.before.map((id) => before.spans.find((s) => s.spanID === id)!.startTime);
  assert.deepEqual(
    starts,
    [...starts].sort((a, b) => a - b),
  );
});

test('calls made one after another then at once: the after pane points at the same calls', () => {
  const before = fixture('home-sequential.json');
  const after = fixture('home-parallel.json');
  const focus = proofFocus('sequential-calls', before, after);
  assert.ok(focus);
  const place = (t: JaegerTrace, id: string) => {
    const s = t.spans.find((x) => x.spanID === id)!;
    return `${t.processes[s.processID]?.serviceName} ${s.operationName}`;
  };
  assert.ok(focus.after.length >= 1);
  assert.deepEqual(
    new Set(focus.after.map((id) => place(after, id))),
    new Set(focus.before.map((id) => place(before, id))),
    'the same places in both',
  );
});

test('a trace without the finding points nowhere (the panes stay as they are)', () => {
  const t = fixture('home-parallel.json');
  assert.equal(proofFocus('n-plus-one', t, t), null);
});
