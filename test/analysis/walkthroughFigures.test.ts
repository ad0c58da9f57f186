// The self-study walk-through quotes the hole finder on the recordings: every figure it states is what the analysis computes from the recorded trace.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { analyzeTrace } from '../../analysis/index.ts';
import { holeCatalog, tracesFromJaegerFile } from '../../model/index.ts';
import type { RecordingManifest } from '../../slides/recordings/manifestTypes.ts';
import { recordedPairs, walkthroughSections } from '../../slides/recordings/walkthrough.ts';

const dir = new URL('../../slides/recordings/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as RecordingManifest;
const text = readFileSync(new URL('walkthrough.md', dir), 'utf8');
const traceOf = (file: string) => tracesFromJaegerFile(JSON.parse(readFileSync(new URL(file, dir), 'utf8')))[0]!;

test('the findings stored with each recording are what the hole finder computes from its trace today', () => {
  for (const rec of manifest.recordings) {
    assert.deepEqual(rec.findings, analyzeTrace(traceOf(rec.file)), `${rec.id}: stale findings, run npm run record -- --findings-only`);
  }
});

test('each hole\'s "before" recording shows its hole, and the walk-through quotes that finding', () => {
  const pairs = recordedPairs(manifest);
  for (const hole of holeCatalog) {
    const pair = pairs.find((p) => p.id === hole.id);
    assert.ok(pair, `a recorded pair for ${hole.id}`);
    const computed = analyzeTrace(traceOf(pair.before.file)).filter((f) => f.kind === hole.findingKind);
    assert.ok(computed.length > 0, `${hole.id}: the before trace shows ${hole.findingKind}`);
    const prose = walkthroughSections(pair, text).join('\n');
    // e.g. "6 sequential calls to inventory from orders: 66 ms, 19% of the request"
    assert.ok(prose.includes(computed[0]!.title), `${hole.id}: the walk-through quotes "${computed[0]!.title}"`);
  }
});

test('no placeholder is left unfilled in any section', () => {
  for (const pair of recordedPairs(manifest)) {
    const prose = walkthroughSections(pair, text);
    assert.ok(prose.length > 0, `${pair.id} has a section`);
    for (const p of prose) assert.doesNotMatch(p, /\{[\w:. -]+\}/, `${pair.id}: ${p.slice(0, 80)}`);
  }
});
