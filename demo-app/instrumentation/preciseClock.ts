// Wall-clock milliseconds with microsecond precision: jaeger-client's own clock is Date.now(), whole ms only.
export function preciseNowMs(): number {
  return performance.timeOrigin + performance.now();
}
