// Parses Go duration strings ("10ms", "1.5s", "1h30m", "250us") as Jaeger's query parameters use them.
const UNIT_US: Record<string, number> = { ns: 0.001, us: 1, µs: 1, μs: 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };

/** Microseconds, or undefined when the text is not a Go duration. */
export function parseGoDurationUs(text: string): number | undefined {
  const s = text.trim();
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let pos = s.startsWith('-') || s.startsWith('+') ? 1 : 0;
  if (pos === s.length) return undefined;
  let total = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_US[m[2]!]!;
    pos = re.lastIndex;
  }
  return s.startsWith('-') ? -total : total;
}

/** A duration in ns written as Go's time.Duration prints it ("1.5ms", "250µs", "1m30s"), for Jaeger's warning texts. */
export function formatGoDurationNs(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let u = Math.abs(Math.round(ns));
  const frac = (v: number, digits: number) => {
    const whole = Math.floor(v / 10 ** digits);
    const rest = String(v % 10 ** digits)
      .padStart(digits, '0')
      .replace(/0+$/, '');
    return rest ? `${whole}.${rest}` : String(whole);
  };
  if (u < 1_000) return `${sign}${u}ns`;
  if (u < 1_000_000) return `${sign}${frac(u, 3)}µs`;
  if (u < 1_000_000_000) return `${sign}${frac(u, 6)}ms`;
  const h = Math.floor(u / 3_600_000_000_000);
  u -= h * 3_600_000_000_000;
  const m = Math.floor(u / 60_000_000_000);
  u -= m * 60_000_000_000;
  const s = `${frac(u, 9)}s`;
  if (h > 0) return `${sign}${h}h${m}m${s}`;
  if (m > 0) return `${sign}${m}m${s}`;
  return `${sign}${s}`;
}

const LOOKBACK_UNIT_US: Record<string, number> = { d: 86_400_000_000, w: 7 * 86_400_000_000 };

/** The Jaeger UI's lookback values ("1h", "2d", "3w") or any Go duration, in µs. */
export function parseLookbackUs(text: string): number | undefined {
  const m = /^(\d+)([dw])$/.exec(text.trim());
  return m ? Number(m[1]) * LOOKBACK_UNIT_US[m[2]!]! : parseGoDurationUs(text);
}
