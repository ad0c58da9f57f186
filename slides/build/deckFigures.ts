// The words in {{braces}} in the talk, filled at build time: the presenter's front matter, and the example recording's own figures.
import { analyzeTrace } from '../../analysis/index.ts';
import { formatMs, traceDurationMs, tracesFromJaegerFile, type JaegerTrace } from '../../model/index.ts';
import type { DeckFrontMatter } from './parseDeck.ts';
import { escapeHtml } from './slideAttributes.ts';

export type DeckFigures = Record<string, string>;

/** "7 December 2026" from the front matter's ISO date; anything else is shown as written. */
function longDate(value: unknown): string {
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value ?? '').trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  return new Date(`${text}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '');

/**
 * `speaker`, `date`, `event` and `link` from the front matter, and `linkOrDeck`: the link, or, when the
 * front matter names none, an anchor the deck fills with its own address as it loads (never a guess).
 */
export function frontMatterFigures(fm: DeckFrontMatter): DeckFigures {
  const link = text(fm.link);
  const linkOrDeck = link
    ? `<a class="project-url" href="${escapeHtml(link)}" rel="noopener">${escapeHtml(link.replace(/^https?:\/\//, ''))}</a>`
    : '<a class="project-url" data-deck-address href="./">the address of this deck</a>';
  return {
    speaker: escapeHtml(text(fm.speaker)),
    date: escapeHtml(longDate(fm.date)),
    event: escapeHtml(text(fm.event)),
    link: escapeHtml(link),
    linkOrDeck,
  };
}

/** What the hole finder names, as one sentence: "…names 2 holes in this recording, costliest first: a; and b." */
function findingsSentence(titles: string[]): string {
  if (titles.length === 0) return 'The hole finder names no hole in this recording.';
  const list = titles.length === 1 ? titles[0]! : `${titles.slice(0, -1).join('; ')}; and ${titles[titles.length - 1]!}`;
  return `The hole finder names ${titles.length} hole${titles.length === 1 ? '' : 's'} in this recording, costliest first: ${list}.`;
}

/** The figures `{{example.*}}` quote, each computed from the recorded trace itself. */
export function exampleFigures(trace: JaegerTrace, recordedAt: string): DeckFigures {
  const titles = analyzeTrace(trace).map((f) => f.title);
  const services = new Set(Object.values(trace.processes).map((p) => p.serviceName));
  return {
    'example.duration': formatMs(traceDurationMs(trace)),
    'example.spans': String(trace.spans.length),
    'example.services': String(services.size),
    'example.recordedOn': longDate(recordedAt.slice(0, 10)),
    'example.findings': escapeHtml(findingsSentence(titles)),
  };
}

interface ExampleManifest {
  recordedAt: string;
  recordings: { role: string; file: string }[];
}

/** The example recording named by the manifest, read with the given file reader (paths relative to the recordings folder). */
export function exampleFiguresFrom(manifestJson: unknown, readJson: (file: string) => unknown): DeckFigures {
  const m = manifestJson as ExampleManifest;
  const rec = m.recordings.find((r) => r.role === 'example');
  if (!rec) throw new Error('the recordings manifest names no example recording (role "example")');
  const trace = tracesFromJaegerFile(readJson(rec.file))[0];
  if (!trace) throw new Error(`the example recording ${rec.file} holds no trace`);
  return exampleFigures(trace, m.recordedAt);
}

const PLACEHOLDER = /\{\{([\w.]+)\}\}/g;

/**
 * Fills each `{{name}}` on a line. A line where a named figure is empty is left out (an event the
 * front matter leaves blank drops its line); a name with no figure is a problem at that line.
 */
export function fillLine(line: string, figures: DeckFigures): { line: string | null; unknown: string[] } {
  const unknown: string[] = [];
  let empty = false;
  const filled = line.replace(PLACEHOLDER, (m, name: string) => {
    const value = figures[name];
    if (value === undefined) {
      unknown.push(name);
      return m;
    }
    if (value === '') empty = true;
    return value;
  });
  return { line: empty ? null : filled, unknown };
}
