// The mesh's one clock: anchored to the wall clock at a millisecond edge, and re-anchored when the wall clock is stepped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPreciseClock, preciseNowMs } from '../../demo-app/instrumentation/preciseClock.ts';

/** A wall clock that ticks in whole ms (like Date.now()) over a monotonic clock that advances 1 µs per read. */
function fakeSources(wallOffsetMs: number) {
  let mono = 1_000.0004;
  const sources = {
    offset: wallOffsetMs,
    monoMs: () => (mono += 0.001),
    wallMs: () => Math.floor(mono + sources.offset),
  };
  return sources;
}

test('the anchor lands on a millisecond edge: microseconds from the true wall time, not up to a whole ms', () => {
  const src = fakeSources(1_700_000_000_000.25);
  const clock = createPreciseClock(src);
  const trueNow = () => src.monoMs() + src.offset;
  assert.ok(Math.abs(clock.nowMs() - trueNow()) < 0.01, `${clock.nowMs() - trueNow()} ms off`);
});

test('a stepped wall clock is followed at the next drift check; an unchanged one is left alone', () => {
  const src = fakeSources(1_700_000_000_000.5);
  const clock = createPreciseClock(src);
  assert.equal(clock.checkDrift(), 0);
  assert.equal(clock.anchorings(), 1, 'no needless re-anchoring');
  src.offset += 7; // NTP steps the wall clock 7 ms ahead, as on the laptop where children started before parents
  const drift = clock.checkDrift();
  assert.ok(drift < -5, `drift seen: ${drift} ms`);
  assert.equal(clock.anchorings(), 2);
  assert.ok(Math.abs(clock.nowMs() - (src.monoMs() + src.offset)) < 0.01, 'back on the wall clock');
});

test('a pause right after the last read of the old millisecond is seen, not taken for a close catch of the tick', () => {
  // The process is paused for 0.5 ms just after reading the wall clock close to a tick, and the tick falls in the pause.
  let mono = 1_000.0004;
  let pauseNext = false;
  let paused = false;
  const src = {
    offset: 1_700_000_000_000.37,
    monoMs: () => {
      mono += 0.001;
      if (pauseNext) {
        pauseNext = false;
        paused = true;
        mono += 0.5;
      }
      return mono;
    },
    wallMs: () => {
      const t = mono + src.offset;
      if (!paused && t - Math.floor(t) > 0.7) pauseNext = true;
      return Math.floor(t);
    },
  };
  const clock = createPreciseClock(src);
  assert.ok(paused, 'the pause happened during the anchoring');
  const error = Math.abs(clock.nowMs() - (src.monoMs() + src.offset));
  assert.ok(error < 0.01, `${error} ms off`);
});

test('anchored while busy (every tick caught in a wide window), the clock is anchored again, closely, at the next check', () => {
  // Each monotonic read takes 0.3 ms, as on a machine too busy to catch a tick closely.
  let step = 0.3;
  let mono = 1_000.0004;
  const src = { offset: 1_700_000_000_000.37, monoMs: () => (mono += step), wallMs: () => Math.floor(mono + src.offset) };
  const clock = createPreciseClock(src);
  const trueNow = () => src.monoMs() + src.offset;
  const busyError = Math.abs(clock.nowMs() - trueNow());
  step = 0.001;
  clock.checkDrift();
  assert.equal(clock.anchorings(), 2, 'anchored again');
  const error = Math.abs(clock.nowMs() - trueNow());
  assert.ok(error < 0.01, `${error} ms off after the check (${busyError} ms before)`);
  // Now known closely: later checks leave it alone.
  clock.checkDrift();
  assert.equal(clock.anchorings(), 2);
});

test('the process clock agrees with Date.now() to within its millisecond', () => {
  for (let i = 0; i < 1000; i++) {
    const before = Date.now();
    const precise = preciseNowMs();
    const after = Date.now();
    assert.ok(precise >= before - 0.05 && precise < after + 1.05, `${precise} outside [${before}, ${after + 1})`);
  }
});
