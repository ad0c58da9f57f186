// Pure reading of the recording manifest and walkthrough.md: pairs, dates, and each pair's prose with its figures filled in.
import { kindName } from '../../analysis/index.ts';
import { formatMs, holeCatalog, type Finding } from '../../model/index.ts';
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

/** The prose's list form: "a, b and c" (sentences with commas of their own take "; "). */
function inWords(items: string[], sep = '; '): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(sep)}${sep === ', ' ? ' and' : '; and'} ${items[items.length - 1]}`;
}

/**
 * What the hole finder says of a pair, as the walk-through quotes it: `{finding}` the before trace's
 * costliest finding of the pair's kind (every one of that kind with `{findings}`), `{evidence}` its
 * facts, `{afterVerdict}` whether the after trace still shows it, `{named}` every kind named in the
 * before trace, `{beforeTitles}` and `{afterNamed}` every finding of each trace, and `{setting:<name>:open|plugged}` the hole's settings table.
 */
function findingFigures(pair: RecordedPair): Record<string, string> {
  const hole = holeCatalog.find((h) => h.id === pair.before.holeId);
  const before = pair.before.findings ?? [];
  const after = pair.after.findings ?? [];
  const figures: Record<string, string> = {
    named: before.length ? inWords([...new Set(before.map((f) => kindName(f.kind).toLowerCase()))], ', ') : 'no hole',
    beforeTitles: before.length ? inWords(before.map((f) => f.title)) : 'no hole at all',
    afterNamed: after.length ? inWords(after.map((f) => f.title)) : 'no hole at all',
  };
  if (!hole) return figures;
  const mine = (list: Finding[]) => list.filter((f) => f.kind === hole.findingKind);
  const top = mine(before)[0];
  figures.finding = top ? top.title : `(the hole finder did not name ${kindName(hole.findingKind)} in this recording)`;
  figures.findings = mine(before).length ? inWords(mine(before).map((f) => f.title)) : figures.finding;
  figures.evidence = top ? inWords(top.evidence) : '';
  const left = mine(after)[0];
  figures.afterVerdict = left
    ? `the hole finder still names it: ${left.title}`
    : `the hole finder no longer names ${kindName(hole.findingKind).toLowerCase()} here`;
  for (const s of hole.settings) {
    figures[`setting:${s.name}:open`] = s.open;
    figures[`setting:${s.name}:plugged`] = s.plugged;
  }
  return figures;
}

/**
 * The walk-through's section for a pair (`## <pair id>` in walkthrough.md), with `{before}`,
 * `{after}`, `{beforeSpans}`, `{afterSpans}` and `{change}` filled from the manifest and the
 * hole finder's figures (see findingFigures) from the findings `npm run record` stored for each
 * trace, so the prose quotes this recording's own facts even after it is renewed.
 */
export function walkthroughSections(pair: RecordedPair, text: string): string[] {
  const section = text.split(/^## /m).find((s) => s.split('\n', 1)[0]!.trim() === pair.id);
  if (!section) return [];
  const change = pair.before.durationMs > 0 ? Math.round((1 - pair.after.durationMs / pair.before.durationMs) * 100) : 0;
  const figures: Record<string, string> = {
    before: formatMs(pair.before.durationMs),
    after: formatMs(pair.after.durationMs),
    beforeSpans: String(pair.before.spanCount),
    afterSpans: String(pair.after.spanCount),
    change: change >= 0 ? `${change}% faster` : `${-change}% slower`,
    ...findingFigures(pair),
  };
  return section
    .split('\n')
    .slice(1)
    .join('\n')
    .split(/\n\s*\n/)
    .map((p) =>
      p
        .replace(/\s+/g, ' ')
        .trim()
        .replace(/\{([\w:. -]+)\}/g, (m, k: string) => figures[k] ?? m),
    )
    .filter((p) => p.length > 0);
}
