// Pieces of the hostile-room defences on their own: folded log lines, a stats sampler that survives EMFILE, limits per device whatever ids it invents.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AttendeeLimits, defaultAttendeeLimits } from '../../join/server/attendeeLimits.ts';
import { createLog, flushLogSummaries } from '../../pkg/index.ts';
import { ServerStatsSampler } from '../../server/serverStats.ts';
import { waitFor } from '../../devkit/waitFor.ts';

function captureStderr(): { lines: string[]; restore(): void } {
  const lines: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => void lines.push(args.join(' '));
  return { lines, restore: () => (console.error = original) };
}

test('2000 refusals of one shape print 3 lines and one summary with the count, not 2000 lines', () => {
  const out = captureStderr();
  try {
    const log = createLog('flood', 'warn');
    for (let i = 0; i < 2000; i++) log.warn(`demo API 401 from 10.0.0.${i % 250}: presenter token required`);
    log.warn('something else entirely');
    assert.equal(out.lines.length, 4);
    flushLogSummaries();
    assert.equal(out.lines.length, 5);
    assert.match(out.lines[4]!, /^\[flood\] WARN: …1997 more like this in the last 10 s, the latest: demo API 401 from 10\.0\.0\.249/);
  } finally {
    out.restore();
  }
});

test('the stats sampler meets EMFILE: no throw, one line, the last figures stay, sampling resumes', async () => {
  const lines: string[] = [];
  const log = {
    info: (m: string) => lines.push(m),
    warn: (m: string) => lines.push(m),
    error: (m: string) => lines.push(m),
    child: () => log,
  };
  const sampler = new ServerStatsSampler(log, 20);
  const real = process.memoryUsage;
  sampler.start();
  try {
    const good = sampler.stats().rssBytes;
    assert.ok(good > 0);
    // Out of descriptors, Node's own memoryUsage() throws (it reads /proc/self/stat).
    process.memoryUsage = Object.assign(
      () => {
        throw Object.assign(new Error('EMFILE: too many open files, uv_resident_set_memory'), { code: 'EMFILE' });
      },
      { rss: () => 0 },
    ) as typeof process.memoryUsage;
    await waitFor('the failure to be noted', () => lines.some((l) => /cannot sample \(EMFILE\)/.test(l)), { timeoutMs: 2000 });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(lines.filter((l) => /cannot sample/.test(l)).length, 1, 'said once, however many ticks fail');
    assert.ok(sampler.stats().rssBytes > 0, 'the last figures stay');
    process.memoryUsage = real;
    await waitFor('sampling again', () => lines.some((l) => /sampling again/.test(l)), { timeoutMs: 2000 });
  } finally {
    process.memoryUsage = real;
    sampler.stop();
  }
});

test('a device that invents a fresh attendee id per call is limited by its address', () => {
  let now = 0;
  const limits = new AttendeeLimits(defaultAttendeeLimits, () => now);
  const admitted = (address: string | undefined, calls: number) => {
    let ok = 0;
    for (let i = 0; i < calls; i++) {
      const a = limits.admit(`invented-${address}-${i}`, 1, address);
      if (a.ok) {
        ok++;
        a.release();
      } else assert.equal(a.scope, 'attendee');
    }
    return ok;
  };
  assert.equal(admitted('10.0.0.7', 40), defaultAttendeeLimits.perAddressBurst);
  // Another device is not touched by the first one's spending.
  assert.equal(admitted('10.0.0.8', 1), 1);
  // A second later the device has earned about perAddressPerSecond more.
  now += 1000;
  assert.equal(admitted('10.0.0.7', 40), defaultAttendeeLimits.perAddressPerSecond);
  // The server's own machine (no address) is limited per id only.
  assert.equal(admitted(undefined, 40), 40);
});

test('one device holds at most maxInFlightPerAddress mesh slots, leaving the rest to the room', () => {
  const limits = new AttendeeLimits({ ...defaultAttendeeLimits, perAddressBurst: 100, perAddressPerSecond: 100 }, () => 0);
  const held = [];
  for (let i = 0; i < 8; i++) {
    const a = limits.admit(`id-${i}`, 1, '10.0.0.9');
    if (a.ok) held.push(a);
    else assert.equal(a.scope, 'busy');
  }
  assert.equal(held.length, defaultAttendeeLimits.maxInFlightPerAddress);
  assert.ok(limits.admit('phone', 1, '10.0.0.10').ok, 'a phone still finds a slot');
});
