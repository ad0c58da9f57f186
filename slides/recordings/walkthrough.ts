// Pure reading of the recording manifest and walkthrough.md: pairs, dates, and each pair's prose with its figures filled in.
import type { Recording, RecordingManifest } from './manifestTypes.ts';

export interface RecordedPair {
  id: string;
  title: string;
  before: Recording;
  after: Recording;
}

/** The before/after pairs in recording order: one per hole, then every hole at once. */
export function recordedPairs(m: RecordingManifest): RecordedPair[] {
  const pairs: RecordedPair[] = [];
  for (const before of m.recordings.filter((r) => r.role === 'before')) {
    const after = m.recordings.find((r) => r.role === 'after' && r.pair === before.pair);
    if (after) pairs.push({ id: before.pair, title: before.holeTitle, before, after });
  }
  return pairs;
}

export function exampleRecording(m: RecordingManifest): Recording | undefined {
  return m.recordings.find((r) => r.role === 'example');
}

/** "24 November 2026", the date a reader needs to judge how fresh the recording is. */
export function recordedOn(m: RecordingManifest): string {
  return new Date(m.recordedAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

/**
 * The walk-through's section for a pair (`## <pair id>` in walkthrough.md), with `{before}`,
 * `{after}`, `{beforeSpans}`, `{afterSpans}` and `{change}` filled from the manifest, so the
 * prose quotes this recording's own figures even after `npm run record` renews it.
 */
export function walkthroughSections(pair: RecordedPair, text: string): string[] {
  const section = text.split(/^## /m).find((s) => s.split('\n', 1)[0]!.trim() === pair.id);
  if (!section) return [];
  const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${Math.round(v)} ms`);
  const change = pair.before.durationMs > 0 ? Math.round((1 - pair.after.durationMs / pair.before.durationMs) * 100) : 0;
  const figures: Record<string, string> = {
    before: ms(pair.before.durationMs),
    after: ms(pair.after.durationMs),
    beforeSpans: String(pair.before.spanCount),
    afterSpans: String(pair.after.spanCount),
    change: change >= 0 ? `${change}% faster` : `${-change}% slower`,
  };
  return section
    .split('\n')
    .slice(1)
    .join('\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim().replace(/\{(\w+)\}/g, (m, k: string) => figures[k] ?? m))
    .filter((p) => p.length > 0);
}
