// The one settings table: model/holes.ts (what the walk-through shows) says what demo-app/config.ts (what the services run) holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holeSettingRows } from '../../demo-app/config.ts';
import { holeCatalog } from '../../model/holes.ts';

test('every hole states the settings the services run, each with a reason', () => {
  const rows = holeSettingRows();
  for (const hole of holeCatalog) {
    const shown = hole.settings.map(({ name, open, plugged }) => ({ name, open, plugged }));
    const run = rows[hole.id].map(({ name, open, plugged }) => ({ name, open, plugged }));
    assert.deepEqual(shown, run, `model/holes.ts settings of ${hole.id} match demo-app/config.ts`);
    assert.ok(hole.settings.length > 0 && hole.settings.every((s) => s.why.length > 40), `${hole.id}: each setting says why`);
  }
});

test('every hole publishes a request pattern the Demo slide can send', () => {
  for (const hole of holeCatalog) {
    const p = hole.pattern;
    assert.ok(p.count >= 1 && p.count <= 10, `${hole.id}: a small count`);
    assert.ok(p.warmup.every((w) => w.count >= 1), `${hole.id}: warm-ups send something`);
    assert.ok(p.signature.length > 40, `${hole.id}: the signature is written out`);
  }
});
