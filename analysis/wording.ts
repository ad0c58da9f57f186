// Numbers as a back row reads them: durations, shares and counted nouns, computed, never typed.

/** µs → "240 ms", "1.2 s", "0.4 ms". */
export function formatMs(us: number): string {
  const ms = us / 1000;
  if (ms >= 10_000) return `${Math.round(ms / 1000)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** 0.3127 → "31%"; small shares keep one decimal so they never read as 0%. */
export function formatShare(share: number): string {
  const pct = share * 100;
  if (pct > 0 && pct < 1) return `${pct.toFixed(1)}%`;
  return `${Math.round(pct)}%`;
}

/** "1 call", "12 calls"; nouns already ending in s (or upper-case keywords) get "s" or "es" as English does. */
export function counted(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : plural(noun)}`;
}

export function plural(noun: string): string {
  if (/^[A-Z]+$/.test(noun)) return `${noun}s`;
  if (/(s|x|ch|sh)$/.test(noun)) return `${noun}es`;
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  return `${noun}s`;
}

/** The tail every title ends with: "240 ms, 31% of the request". */
export function costTail(costUs: number, durationUs: number): string {
  return `${formatMs(costUs)}, ${formatShare(durationUs > 0 ? costUs / durationUs : 0)} of the request`;
}

/** A value cut to a length a slide line can hold. */
export function clip(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
