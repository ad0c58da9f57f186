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
