// Compiles the talk's reveal-md–style markdown (front matter, separators, notes, attribute comments) into reveal.js sections.
import { Marked } from 'marked';
import { parseDocument } from 'yaml';
import { fillLine, frontMatterFigures, type DeckFigures } from './deckFigures.ts';
import { parseSlideAttributes, renderAttributes, type SlideAttributes } from './slideAttributes.ts';

export interface DeckFrontMatter {
  title: string;
  /** A line equal to this (surrounding whitespace ignored) starts the next horizontal slide. */
  separator: string;
  /** A line equal to this starts the next slide below the current one. */
  verticalSeparator: string;
  [key: string]: unknown;
}

export interface Slide {
  /** Position as reveal.js counts it: h across, v down a vertical stack, both from 0. */
  h: number;
  v: number;
  /** 1-based line in the source where the slide's text starts. */
  line: number;
  attributes: SlideAttributes;
  /** Markdown of the slide and of its notes (without the `Note:` marker). */
  body: string;
  notes: string;
  bodyHtml: string;
  notesHtml: string;
}

export interface ParsedDeck {
  frontMatter: DeckFrontMatter;
  /** Horizontal slides, each a vertical stack of one or more slides. */
  stacks: Slide[][];
  /** Every slide in reading order. */
  slides: Slide[];
}

export interface DeckProblem {
  line: number;
  message: string;
}

/** Every problem in the deck at once, each as `file:line: message`, so one build run shows them all. */
export class DeckSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly problems: DeckProblem[],
  ) {
    super(problems.map((p) => `${file}:${p.line}: ${p.message}`).join('\n'));
    this.name = 'DeckSyntaxError';
  }
}

/** reveal-md's defaults, used when the front matter names no separators. */
const DEFAULT_SEPARATOR = '---';
const DEFAULT_VERTICAL_SEPARATOR = '----';
/** reveal.js's own notes marker: `Note:` or `Notes:` at the start of a line, any case. */
const NOTES_MARKER = /^\s*notes?:\s?/i;
const ATTRIBUTE_COMMENT = /<!--\s*\.slide:/g;

const markdown = new Marked({ gfm: true });

function renderMarkdown(text: string): string {
  return markdown.parse(text, { async: false });
}

export interface ParseOptions {
  /**
   * Figures for `{{name}}` beyond the front matter's own (see deckFigures.ts). Given, a name with no
   * figure is a problem; absent, such names are left as written (a deck read without its recordings).
   */
  figures?: DeckFigures;
}

/**
 * Parses a whole deck. Throws a DeckSyntaxError listing every problem with its line:
 * broken or missing front matter, empty slides, unclosed comments, unsafe or repeated
 * attributes, duplicate slide ids, a `{{figure}}` nobody fills.
 */
export function parseDeck(source: string, file = 'talk.md', options: ParseOptions = {}): ParsedDeck {
  const problems: DeckProblem[] = [];
  const lines = source.split(/\r?\n/);
  const { frontMatter, bodyStart } = readFrontMatter(lines, problems);
  const figures = { ...frontMatterFigures(frontMatter), ...options.figures };
  for (let i = bodyStart; i < lines.length; i++) {
    const { line, unknown } = fillLine(lines[i]!, figures);
    // A dropped line stays as an empty one, so every later line keeps its number in messages.
    lines[i] = line ?? '';
    if (options.figures) for (const name of unknown) problems.push({ line: i + 1, message: `no figure is known as {{${name}}}` });
  }

  const chunks = splitSlides(lines, bodyStart, frontMatter);
  const stacks: Slide[][] = [];
  let stack: Slide[] = [];
  for (const chunk of chunks) {
    const slide = readSlide(chunk, problems);
    // A horizontal step opens a new vertical stack; the first chunk always is one (splitSlides starts at v 0).
    if (chunk.v === 0) stacks.push((stack = []));
    stack.push(slide);
  }
  // An empty body is one empty slide, reported as such: every deck has at least one chunk.
  const slides = stacks.flat();

  const seenIds = new Map<string, number>();
  for (const slide of slides) {
    const id = slide.attributes.find(([n]) => n === 'id')?.[1];
    if (id === undefined) continue;
    const first = seenIds.get(id);
    if (first !== undefined) problems.push({ line: slide.line, message: `slide id "${id}" is already used by the slide at line ${first}` });
    else seenIds.set(id, slide.line);
  }

  if (problems.length > 0)
    throw new DeckSyntaxError(
      file,
      problems.sort((a, b) => a.line - b.line),
    );
  return { frontMatter, stacks, slides };
}

/** The deck as reveal.js markup: `<section>`s, vertical stacks nested, notes in `<aside class="notes">`. */
export function renderDeck(deck: ParsedDeck): string {
  return deck.stacks
    .map((stack) => (stack.length === 1 ? renderSlide(stack[0]!) : `<section>\n${stack.map(renderSlide).join('\n')}\n</section>`))
    .join('\n');
}

function renderSlide(slide: Slide): string {
  const notes = slide.notesHtml ? `<aside class="notes">\n${slide.notesHtml}</aside>\n` : '';
  return `<section${renderAttributes(slide.attributes)}>\n${slide.bodyHtml}${notes}</section>`;
}

function readFrontMatter(lines: string[], problems: DeckProblem[]): { frontMatter: DeckFrontMatter; bodyStart: number } {
  const fallback: DeckFrontMatter = { title: '', separator: DEFAULT_SEPARATOR, verticalSeparator: DEFAULT_VERTICAL_SEPARATOR };
  if (lines[0]?.trim() !== '---') {
    problems.push({ line: 1, message: 'the deck must open with YAML front matter between two "---" lines (it needs at least a title)' });
    return { frontMatter: fallback, bodyStart: 0 };
  }
  const close = lines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'));
  if (close < 0) {
    problems.push({ line: 1, message: 'the front matter opened here is never closed with a "---" line' });
    return { frontMatter: fallback, bodyStart: lines.length };
  }

  const yamlText = lines.slice(1, close).join('\n');
  const doc = parseDocument(yamlText, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      // The YAML text starts on the file's second line.
      const line = 2 + yamlText.slice(0, e.pos[0]).split('\n').length - 1;
      problems.push({ line, message: `front matter is not valid YAML: ${e.message.split('\n')[0]}` });
    }
    return { frontMatter: fallback, bodyStart: close + 1 };
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problems.push({ line: 2, message: 'front matter must be a YAML mapping (key: value lines)' });
    return { frontMatter: fallback, bodyStart: close + 1 };
  }
  const fm = { ...fallback, ...(data as Record<string, unknown>) } as DeckFrontMatter;
  const lineOf = (key: string) => 1 + Math.max(1, lines.slice(1, close).findIndex((l) => l.startsWith(`${key}:`)) + 1);
  if (typeof fm.title !== 'string' || fm.title.trim() === '')
    problems.push({ line: lineOf('title'), message: 'front matter needs a non-empty "title"' });
  for (const key of ['separator', 'verticalSeparator'] as const) {
    if (typeof fm[key] !== 'string' || fm[key].trim() === '')
      problems.push({ line: lineOf(key), message: `front matter "${key}" must be non-empty text` });
  }
  if (typeof fm.separator === 'string' && fm.separator.trim() === String(fm.verticalSeparator).trim()) {
    problems.push({ line: lineOf('verticalSeparator'), message: '"separator" and "verticalSeparator" must differ' });
  }
  if (problems.length > 0) return { frontMatter: { ...fm, ...fallback, title: String(fm.title ?? '') }, bodyStart: close + 1 };
  return { frontMatter: { ...fm, separator: fm.separator.trim(), verticalSeparator: fm.verticalSeparator.trim() }, bodyStart: close + 1 };
}

interface Chunk {
  h: number;
  v: number;
  /** 0-based index of the chunk's first line in the file. */
  start: number;
  lines: string[];
}

function splitSlides(lines: string[], bodyStart: number, fm: DeckFrontMatter): Chunk[] {
  let last: Chunk = { h: 0, v: 0, start: bodyStart, lines: [] };
  const chunks = [last];
  for (let i = bodyStart; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.trim();
    if (t === fm.separator) chunks.push((last = { h: last.h + 1, v: 0, start: i + 1, lines: [] }));
    else if (t === fm.verticalSeparator) chunks.push((last = { h: last.h, v: last.v + 1, start: i + 1, lines: [] }));
    else last.lines.push(line);
  }
  return chunks;
}

function readSlide(chunk: Chunk, problems: DeckProblem[]): Slide {
  const at = (offset: number) => chunk.start + offset + 1;
  const notesAt = chunk.lines.findIndex((l) => NOTES_MARKER.test(l));
  const bodyLines = notesAt < 0 ? chunk.lines : chunk.lines.slice(0, notesAt);
  const notesLines = notesAt < 0 ? [] : [chunk.lines[notesAt]!.replace(NOTES_MARKER, ''), ...chunk.lines.slice(notesAt + 1)];

  let body = bodyLines.join('\n');
  let attributes: SlideAttributes = [];
  const comments = [...body.matchAll(ATTRIBUTE_COMMENT)];
  const lineOfIndex = (index: number) => at(body.slice(0, index).split('\n').length - 1);
  for (const [n, m] of comments.entries()) {
    const line = lineOfIndex(m.index);
    const end = body.indexOf('-->', m.index);
    if (end < 0) {
      problems.push({ line, message: 'the "<!-- .slide:" attribute comment is never closed with "-->"' });
      // Drop only the opener so the rest of the slide still renders and is checked.
      body = body.slice(0, m.index) + body.slice(m.index + m[0].length);
      break;
    }
    if (n > 0) {
      problems.push({ line, message: 'a slide takes one "<!-- .slide: … -->" comment; merge the attributes into the first' });
      continue;
    }
    const parsed = parseSlideAttributes(body.slice(m.index + m[0].length, end));
    for (const p of parsed.problems) problems.push({ line, message: p });
    attributes = parsed.attributes;
  }
  body = body.replace(/<!--\s*\.slide:[\s\S]*?-->/g, '');

  const firstTextLine = bodyLines.findIndex((l) => l.trim() !== '');
  const line = at(Math.max(0, firstTextLine));
  if (body.trim() === '') {
    // Point at the separator that opened the empty slide: that is the line to fix.
    const opener = chunk.h === 0 && chunk.v === 0 ? at(0) : chunk.start;
    const name = `slide ${chunk.h + 1}${chunk.v > 0 ? `.${chunk.v + 1}` : ''}`;
    problems.push({ line: opener, message: `${name} is empty: two separators in a row, or a separator at the start or end of the deck` });
  }

  const bodyHtml = renderMarkdown(body);
  const notes = notesLines.join('\n').trim();
  const notesHtml = notes ? renderMarkdown(notes) : '';
  // An unclosed comment would hide every slide after this one in the page.
  for (const [html, raw, offset] of [
    [bodyHtml, bodyLines, 0],
    [notesHtml, notesLines, notesAt],
  ] as const) {
    if (unclosedComment(html)) {
      const rawAt = raw.findIndex((l) => l.includes('<!--') && !l.slice(l.lastIndexOf('<!--')).includes('-->'));
      problems.push({ line: at(offset + Math.max(0, rawAt)), message: 'an HTML comment "<!--" is never closed with "-->"' });
    }
  }

  return { h: chunk.h, v: chunk.v, line, attributes, body: body.trim(), notes, bodyHtml, notesHtml };
}

/** True when rendered HTML opens a comment it never closes (code blocks are already escaped by then). */
function unclosedComment(html: string): boolean {
  let i = 0;
  for (;;) {
    const open = html.indexOf('<!--', i);
    if (open < 0) return false;
    const close = html.indexOf('-->', open + 4);
    if (close < 0) return true;
    i = close + 3;
  }
}
