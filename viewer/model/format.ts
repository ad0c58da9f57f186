// Human-readable durations, percentages and Jaeger tag values, written for a slide, not a log file.
import type { JaegerKeyValue } from '../../model/index.ts';

/** Microseconds → "850 µs", "12.3 ms", "1.24 s" (three significant figures at most). */
export function formatDuration(us: number): string {
  if (!Number.isFinite(us)) return '—';
  const abs = Math.abs(us);
  if (abs < 1000) return `${round3(us)} µs`;
  if (abs < 1_000_000) return `${round3(us / 1000)} ms`;
  return `${round3(us / 1_000_000)} s`;
}

function round3(x: number): string {
  const abs = Math.abs(x);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return String(Number(x.toFixed(digits)));
}

/** A signed offset from the trace start, as used for log times: "+12.3 ms". */
export function formatOffset(us: number): string {
  return `+${formatDuration(Math.max(0, us))}`;
}

export function formatShare(share: number): string {
  const pct = share * 100;
  if (pct > 0 && pct < 1) return '<1%';
  return `${Math.round(pct)}%`;
}

export function formatCount(n: number): string {
  // Whole numbers grouped by hand: the first toLocaleString call loads the locale data (~30 ms, on the first paint's path).
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, digits.length % 3 || 3);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** Tag and log-field values as text; bools may arrive as "true"/"false", big int64 as decimal strings. */
export function formatValue(kv: JaegerKeyValue): string {
  const v = kv.value;
  if (kv.type === 'binary') return `base64 ${String(v)}`;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  // Defensive: a malformed file may carry objects; show them as JSON text rather than "[object Object]".
  return JSON.stringify(v);
}

/** "After: 95 ms, 410 ms faster than before (505 ms) — 81% less time." */
export function describeDelta(beforeUs: number, afterUs: number): string {
  const diff = beforeUs - afterUs;
  if (beforeUs <= 0 || Math.abs(diff) < beforeUs * 0.005) {
    return `After: ${formatDuration(afterUs)}, about the same as before (${formatDuration(beforeUs)}).`;
  }
  if (diff > 0) {
    return `After: ${formatDuration(afterUs)}, ${formatDuration(diff)} faster than before (${formatDuration(beforeUs)}) — ${formatShare(diff / beforeUs)} less time.`;
  }
  const times = afterUs / beforeUs;
  const more = times >= 2 ? `${Number(times.toFixed(1))}× as long` : `${formatShare(-diff / beforeUs)} more time`;
  return `After: ${formatDuration(afterUs)}, ${formatDuration(-diff)} slower than before (${formatDuration(beforeUs)}) — ${more}.`;
}
