// The one median and quantile every figure uses: an even count's median is the mean of its two middles, and quantiles interpolate between ranks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, quantile } from '../../model/index.ts';

test('median: the middle value, the mean of the two middles for an even count, NaN for none; the input is left as it was', () => {
  const xs = [9, 1, 5];
  assert.equal(median(xs), 5);
  assert.deepEqual(xs, [9, 1, 5]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.ok(Number.isNaN(median([])));
});

test('quantile: linear between the nearest ranks of an ascending array, ends at 0 and 1, and a q outside [0, 1] is an error', () => {
  const sorted = [10, 20, 30, 40, 50];
  assert.equal(quantile(sorted, 0), 10);
  assert.equal(quantile(sorted, 1), 50);
  assert.equal(quantile(sorted, 0.5), 30);
  assert.equal(quantile(sorted, 0.95), 48); // 0.95 × 4 = 3.8: eight tenths of the way from 40 to 50
  assert.equal(quantile([3], 0.99), 3);
  assert.ok(Number.isNaN(quantile([], 0.5)));
  for (const q of [-0.1, 1.5, Number.NaN]) assert.throws(() => quantile(sorted, q), RangeError);
});
