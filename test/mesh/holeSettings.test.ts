// The one settings table: model/holes.ts (what the walk-through shows) says what demo-app/config.ts (what the services run) holds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { holeSettingRows } from '../../demo-app/config.ts';
import { holeCatalog, type HoleSpec } from '../../model/holes.ts';

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
    assert.ok(
      p.warmup.every((w) => w.count >= 1),
      `${hole.id}: warm-ups send something`,
    );
    assert.ok(p.signature.length > 40, `${hole.id}: the signature is written out`);
  }
});

test("the figures in each hole's reasons and signature are the mesh's own numbers, not typed from memory", async () => {
  const { holeSettings: s } = await import('../../demo-app/config.ts');
  const { normalOrderSize, slowOrderSize } = await import('../../demo-app/catalog.ts');
  const { defaultAttendeeLimits } = await import('../../join/server/attendeeLimits.ts');
  const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];
  const hole = (id: string): HoleSpec => holeCatalog.find((h) => h.id === id)!;
  const reasons = (id: string) =>
    hole(id)
      .settings.map((x) => x.why)
      .join(' ');
  const says = (id: string, text: string, where: string) => assert.ok(where.includes(text), `${id} says "${text}": ${where}`);

  const lock = hole('lock-contention').pattern;
  const lead = lock.lead!;
  says(
    'lock',
    `${s.ordersPool.plugged} is more than the mesh ever admits at once (${defaultAttendeeLimits.maxInFlight} attendee requests plus the presenter)`,
    reasons('lock-contention'),
  );
  assert.ok(s.ordersPool.plugged > defaultAttendeeLimits.maxInFlight + 1, 'a plugged pool has room for everything admitted');
  for (const text of [
    `The ${words[lock.count]} orders`,
    `behind ${words[lead.count]} orders`,
    `"waiting behind ${lead.count + lock.count - 1}"`,
  ])
    says('lock', text, lock.signature);

  says('N+1', `${normalOrderSize} for a normal order, ${slowOrderSize} for a slow one`, hole('n-plus-one').pattern.signature);
  says('N+1', `the same ${slowOrderSize} drinks every time`, hole('n-plus-one').pattern.signature);
  for (const text of [`about ${s.reserveOneMs} ms`, `team order of ${slowOrderSize} drinks pays that ${slowOrderSize} times in a row`])
    says('N+1', text, reasons('n-plus-one'));
  assert.ok(s.reserveBatchMs > s.reserveOneMs, 'the batch statement is dearer than one single: the gain is the round trips');

  const r = s.paymentRetries;
  const flaky = reasons('flaky-dependency');
  for (const text of [
    `about ${s.chargeInsertMs} ms, so ${r.timeoutMs} ms`,
    `${r.attempts} attempts cover the ${words[s.paymentStall.slowOrderAttempts]} planned stalls`,
  ])
    says('flaky', text, flaky);
  says('flaky', `timed out after ${r.timeoutMs} ms`, hole('flaky-dependency').pattern.signature);

  const burstDrinks = (lead.count + lock.count) * normalOrderSize;
  const workers = reasons('worker-pool');
  for (const text of [
    `team order of ${slowOrderSize} drinks into ${slowOrderSize} steps`,
    `${s.baristas.plugged} brew`,
    `the lock's ${lead.count} + ${lock.count} normal orders, ${burstDrinks} drinks`,
  ])
    says('workers', text, workers);
  assert.ok(s.baristas.plugged >= burstDrinks, 'plugged baristas brew the largest burst at once');
  says('workers', `brews its ${slowOrderSize} drinks`, hole('worker-pool').pattern.signature);

  // A slow order reads a price and a recipe per drink.
  const reads = 2 * slowOrderSize;
  says('cache', `${reads} repeated reads (about ${Math.round((reads * s.menuSelectMs) / 10) * 10} ms)`, reasons('missing-cache'));
  says('cache', `${slowOrderSize} drinks of 2 kinds) reads menu-db ${reads} times`, hole('missing-cache').pattern.signature);
});
