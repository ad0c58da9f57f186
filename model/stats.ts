// One definition of a median and a percentile for every figure we print or show: the deck, the hole finder, the benches and the scripts.

/**
 * The q-quantile (0 ≤ q ≤ 1) of an ascending array, interpolating linearly between the two nearest ranks
 * (Hyndman and Fan's type 7, the default of R and NumPy): q = 0.5 is the median, the mean of the two middle
 * values for an even count; q = 0 the least, q = 1 the greatest. NaN for an empty array.
 */
export function quantile(sorted: readonly number[], q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`a quantile lies between 0 and 1, not ${q}`);
  if (sorted.length === 0) return NaN;
  const at = q * (sorted.length - 1);
  const below = Math.floor(at);
  // 0 ≤ below ≤ length - 1 since 0 ≤ q ≤ 1; the rank above is clamped to the last.
  const low = sorted[below]!;
  const high = sorted[Math.min(below + 1, sorted.length - 1)]!;
  return low + (high - low) * (at - below);
}

/** The values in ascending order, for several quantiles of one set without sorting it each time. */
export function ascending(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** Middle value of numbers in any order (the mean of the two middle ones for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  return quantile(ascending(xs), 0.5);
}
