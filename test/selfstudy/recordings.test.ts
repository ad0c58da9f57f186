// The recorded traces kept in the repo: every manifest entry's file exists, is a Jaeger trace, and has the recorded span count.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { holeCatalog } from '../../demo-app/holes/holeSwitches.ts';
import { tracesFromJaegerFile } from '../../model/jaegerJson.ts';
import { projectRoot } from '../../server/deckServer.ts';
import type { RecordingManifest } from '../../slides/recordings/manifestTypes.ts';
import { exampleRecording, recordedPairs, walkthroughSections } from '../../slides/recordings/walkthrough.ts';

const dir = path.join(projectRoot, 'slides', 'recordings');
const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as RecordingManifest;
const walkthrough = readFileSync(path.join(dir, 'walkthrough.md'), 'utf8');

test('every manifest entry is a Jaeger JSON file holding one trace with the recorded id, span count and services', () => {
  assert.ok(manifest.recordings.length >= 13);
  for (const rec of manifest.recordings) {
    const traces = tracesFromJaegerFile(JSON.parse(readFileSync(path.join(dir, rec.file), 'utf8')));
    assert.equal(traces.length, 1, rec.file);
    const t = traces[0]!;
    assert.equal(t.traceID, rec.traceID, rec.file);
    assert.equal(t.spans.length, rec.spanCount, rec.file);
    assert.equal(new Set(Object.values(t.processes).map((p) => p.serviceName)).size, rec.services, rec.file);
    for (const s of t.spans) assert.ok(t.processes[s.processID], `${rec.file}: span ${s.spanID} has its process`);
  }
});

test('one before/after pair per hole plus all-open/all-plugged, and an example trace', () => {
  const pairs = recordedPairs(manifest);
  assert.deepEqual(
    pairs.map((p) => p.id),
    [...holeCatalog.map((h) => h.id), 'all'],
  );
  for (const p of pairs) assert.equal(p.before.holeId, p.after.holeId);
  assert.equal(exampleRecording(manifest)?.kind, 'normal');
  // Everything open is slower than everything plugged: the recording shows what the talk claims.
  const all = pairs.find((p) => p.id === 'all')!;
  assert.ok(all.after.durationMs < all.before.durationMs, `${all.after.durationMs} < ${all.before.durationMs}`);
});

test('every pair has its walk-through, with the figures of this recording filled in', () => {
  for (const pair of recordedPairs(manifest)) {
    const paragraphs = walkthroughSections(pair, walkthrough);
    assert.ok(paragraphs.length >= 2, `walk-through for ${pair.id}`);
    const text = paragraphs.join(' ');
    assert.doesNotMatch(text, /\{\w+\}/, `no placeholder left in ${pair.id}`);
    assert.ok(text.includes(`${pair.before.spanCount} spans`), `${pair.id} quotes the before span count`);
    assert.ok(text.includes(`${pair.after.spanCount} spans`), `${pair.id} quotes the after span count`);
  }
});

test('the recordings stay modest in size', () => {
  const bytes = manifest.recordings.reduce((n, r) => n + statSync(path.join(dir, r.file)).size, 0);
  // A ceiling on repository weight, not a timing: each static copy of the deck carries these files.
  assert.ok(bytes < 800_000, `${bytes} bytes of recorded traces`);
});
