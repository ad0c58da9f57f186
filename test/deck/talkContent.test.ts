// The talk itself: the 16-slide arc with its deeper dives below, true today in its wording, notes with time marks, every figure held to its source.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { recordingFigures } from '../../slides/build/markdownDeckPlugin.ts';
import { parseDeck, type Slide } from '../../slides/build/parseDeck.ts';
import { formatMs, traceDurationMs, tracesFromJaegerFile } from '../../model/index.ts';
import type { RecordingManifest } from '../../slides/recordings/manifestTypes.ts';

const source = readFileSync('slides/talk.md', 'utf8');
const deck = parseDeck(source, 'slides/talk.md', { figures: recordingFigures('slides/recordings') });
const byId = (id: string): Slide => {
  const s = deck.slides.find((x) => x.attributes.some(([n, v]) => n === 'id' && v === id));
  assert.ok(s, `the talk has a slide "${id}"`);
  return s;
};
const attr = (id: string, name: string) => byId(id).attributes.find(([n]) => n === name)?.[1];
const sentences = (text: string) => text.match(/[^.!?]+[.!?](?=\s|$)/g) ?? [];
const plain = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
const titleOf = (s: Slide) => s.body.match(/^#{1,2} (.+)$/m)?.[1];
/** Everything a slide says: its screen and its notes, as text. */
const said = (s: Slide) => `${plain(s.bodyHtml)} ${plain(s.notesHtml)}`;

test('the 16 slides of the arc run across, the deeper dives below their parent', () => {
  assert.equal(deck.frontMatter.separator, '<!--s-->');
  assert.equal(deck.frontMatter.verticalSeparator, '<!--v-->');
  assert.match(deck.frontMatter.title, /Plugging Performance Holes/);
  assert.deepEqual(
    deck.stacks.map((stack) => stack.map(titleOf)),
    [
      ['Plugging Performance Holes'],
      ['Hotspots in web apps are hard to find'],
      ['Tracing finds hotspots'],
      ['Talk goals'],
      ['What is tracing?'],
      ['What tracing is not'],
      ['Spans'],
      ['Traces', 'What travels: context propagation'],
      ['A general example', 'The critical path'],
      ['A realistic example'],
      ['Other terms', 'Sampling'],
      ['What is Jaeger?'],
      ['How Jaeger works'],
      ['Demo', 'From traces to alerts'],
      ['Questions?'],
      ['Thank you!'],
    ],
  );
});

test('every slide has notes of at least three full sentences', () => {
  for (const s of deck.slides) assert.ok(sentences(s.notes).length >= 3, `slide at line ${s.line}: ${sentences(s.notes).length} sentences`);
});

test('every slide opens its notes with a time mark; the full talk fits 45 minutes and the short one 20', () => {
  const marks = deck.slides.map((s) => {
    const m = /^\[time (\d+):(\d\d) · 20-min (?:(\d+):(\d\d)|skip)\]/.exec(s.notes);
    assert.ok(m, `slide "${titleOf(s)}" opens its notes with [time m:ss · 20-min m:ss|skip]`);
    return {
      title: titleOf(s),
      full: Number(m[1]) * 60 + Number(m[2]),
      short: m[3] === undefined ? null : Number(m[3]) * 60 + Number(m[4]),
    };
  });
  for (let i = 1; i < marks.length; i++)
    assert.ok(marks[i]!.full > marks[i - 1]!.full, `"${marks[i]!.title}" starts after "${marks[i - 1]!.title}"`);
  const short = marks.filter((m) => m.short !== null);
  for (let i = 1; i < short.length; i++)
    assert.ok(short[i]!.short! > short[i - 1]!.short!, `20-min: "${short[i]!.title}" starts after "${short[i - 1]!.title}"`);
  assert.ok(marks[marks.length - 1]!.full < 45 * 60, 'the full talk ends within 45 minutes');
  assert.ok(short[short.length - 1]!.short! < 20 * 60, 'the short talk ends within 20 minutes');
  // The short version still carries the demo and the close; it names which holes it shows.
  for (const id of ['title', 'demo', 'questions', 'thanks'])
    assert.ok(/20-min \d/.test(byId(id).notes), `the 20-minute version keeps "${id}"`);
  assert.match(byId('demo').notes, /20-minute version show flaky and workers only/);
  // The first slide's notes name every slide the short version leaves out, as the marks say.
  for (const m of marks.filter((x) => x.short === null))
    assert.ok(byId('title').notes.includes(`"${m.title}"`), `the plan names "${m.title}" as left out`);
  // Plan B is named on the first slide and on the Demo slide, with its key.
  for (const id of ['title', 'demo']) assert.match(byId(id).notes, /press R/);
  assert.match(byId('title').notes, /self-study build/);
});

test('the live slides carry their attributes; the realistic example has no picture of its own, only the recording', () => {
  assert.equal(attr('demo', 'data-live'), 'demo');
  assert.equal(attr('realistic-example', 'data-live'), 'realistic-trace');
  assert.equal(attr('how-jaeger-works', 'data-live'), 'pipeline');
  assert.equal(attr('traces-to-alerts', 'data-live'), 'alerts');
  assert.doesNotMatch(byId('realistic-example').bodyHtml, /<img/);
  assert.match(byId('realistic-example').bodyHtml, /data-live-host/);
  assert.match(byId('how-jaeger-works').bodyHtml, /<img src="assets\/jaeger-architecture\.svg"/);
  assert.match(byId('demo').bodyHtml, /class="live-fallback"/);
});

test('true today: the Jaeger slides name OpenTelemetry, OTLP and Jaeger v2, and 2019 is said to be 2019', () => {
  for (const id of ['what-is-jaeger', 'how-jaeger-works']) {
    const s = byId(id);
    for (const name of [/OpenTelemetry/, /OTLP/, /v2/]) assert.match(said(s), name, `"${id}" names ${name.source}`);
    // On screen, not only in the notes.
    assert.match(plain(s.bodyHtml), /OpenTelemetry|OTLP/, `"${id}" shows today's words on screen`);
  }
  assert.match(plain(byId('what-is-jaeger').bodyHtml), /Jaeger v2/);
  assert.match(plain(byId('what-is-jaeger').bodyHtml), /2019:/, 'the 2019 story is one line on screen');
  assert.match(plain(byId('other-terms').bodyHtml), /2019/, 'the old vocabulary is marked as 2019 on screen');
  const all = deck.slides.map(said).join(' ');
  assert.doesNotMatch(all, /implementation of OpenTracing/i);
  assert.doesNotMatch(all, /Cassandra by default/i);
  // Every sentence about the agent says it is the past.
  for (const s of sentences(all).filter((x) => /\bagent\b|jaeger-agent/i.test(x))) {
    assert.match(
      s,
      /2019|\bwas\b|\bwere\b|used|deprecated|removed|gone|\bold\b|history|sent|forwarded/i,
      `the agent in the present tense: "${s.trim()}"`,
    );
  }
  // Today's words first, Jaeger's in brackets.
  const terms = plain(byId('other-terms').bodyHtml);
  assert.match(terms, /Attributes \(Jaeger: tags\)/);
  assert.match(terms, /Events \(Jaeger: logs\)/);
  assert.match(terms, /http\.response\.status_code/);
  for (const t of [/Status/, /Span kind/]) assert.match(terms, t);
});

test('the sources are cited beside the 2019 quote and on the Jaeger slide', () => {
  const tracing = byId('what-is-tracing').bodyHtml;
  assert.match(tracing, /href="https:\/\/opentelemetry\.io\//);
  assert.match(tracing, /href="https:\/\/opentracing\.io\//);
  const jaeger = byId('what-is-jaeger').bodyHtml;
  assert.match(jaeger, /href="https:\/\/www\.jaegertracing\.io\//);
  assert.match(jaeger, /href="https:\/\/opentelemetry\.io\//);
});

test('the new slides teach what the issue asks: context, sampling, the critical path, alerts', () => {
  const ctx = said(byId('context-propagation'));
  for (const t of [/traceparent/, /uber-trace-id/, /trace ID/, /parent span ID/, /sampled flag/, /[Bb]aggage/, /personal data/])
    assert.match(ctx, t);
  const sampling = said(byId('sampling'));
  for (const t of [/[Hh]ead/, /[Tt]ail/, /0\.1 %/, /slow outlier/, /samples everything/]) assert.match(sampling, t);
  assert.match(plain(byId('sampling').bodyHtml), /The demo samples everything/);
  assert.match(said(byId('critical-path')), /walk backwards/);
  assert.match(byId('critical-path').bodyHtml, /assets\/critical-path\.svg/);
  const alerts = said(byId('traces-to-alerts'));
  for (const t of [/RED/, /span metrics/i, /\/api\/findings/]) assert.match(alerts, t);
  assert.match(said(byId('demo')), /OpenTelemetry SDK/);
  assert.match(said(byId('demo')), /path off jaeger-client/);
});

/** Figures a slide may show that are facts of the world, each with where it comes from. */
const FACTS: Record<string, string> = {
  '2015': 'Jaeger started at Uber (jaegertracing.io)',
  '2019': 'the seed talk, 3 April 2019',
  '2022': 'OpenTracing and the Jaeger clients archived (January 2022)',
  '2024': 'Jaeger v2 released (November 2024)',
  '2025': 'Jaeger v1 end of life, 31 December 2025',
  '31': 'Jaeger v1 end of life, 31 December 2025',
  v2: 'Jaeger v2',
  v1: 'Jaeger v1',
  '0.1': 'an example head-sampling rate, jaeger-client’s default strategy',
  '500': 'an example status code in an attribute',
  '00': 'the traceparent version field',
  '01': 'the traceparent sampled flag',
  '0': 'uber-trace-id: the unused parent field',
  '1': 'uber-trace-id: the sampled flag',
  '2026': 'the talk’s date, from the front matter',
  '7': 'the talk’s date, from the front matter',
};

test('every figure on a slide is a fact with a source, or the recording’s own', () => {
  const manifest = JSON.parse(readFileSync('slides/recordings/manifest.json', 'utf8')) as RecordingManifest;
  const example = manifest.recordings.find((r) => r.role === 'example')!;
  const trace = tracesFromJaegerFile(JSON.parse(readFileSync(`slides/recordings/${example.file}`, 'utf8')))[0]!;
  // The recorder's own figures and the trace file agree, and the caption shows them.
  assert.equal(trace.spans.length, example.spanCount);
  assert.equal(formatMs(traceDurationMs(trace)), formatMs(example.durationMs));
  const caption = plain(byId('realistic-example').bodyHtml);
  assert.ok(caption.includes(`${formatMs(example.durationMs)} · ${example.spanCount} spans · ${example.services} services`), caption);
  const recorded = new Set(
    [...formatMs(example.durationMs).matchAll(/v?\d+(?:\.\d+)?/g)]
      .map((m) => m[0])
      .concat(String(example.spanCount), String(example.services)),
  );
  for (const s of deck.slides) {
    for (const [figure] of plain(s.bodyHtml).matchAll(/\bv?\d+(?:\.\d+)?/g)) {
      assert.ok(
        figure in FACTS || (s === byId('realistic-example') && recorded.has(figure)),
        `"${figure}" on "${titleOf(s)}" has no source`,
      );
    }
  }
  assert.doesNotMatch(deck.slides.map((s) => s.bodyHtml).join(' '), /412 ms|GET \/checkout/, 'the old invented figures are gone');
});

test("the realistic example's notes quote the recording's own findings, costliest first", () => {
  const manifest = JSON.parse(readFileSync('slides/recordings/manifest.json', 'utf8')) as RecordingManifest;
  const example = manifest.recordings.find((r) => r.role === 'example')!;
  const notes = plain(byId('realistic-example').notesHtml);
  const titles = (example.findings ?? []).map((f) => f.title);
  let at = -1;
  for (const t of titles) {
    const i = notes.indexOf(t);
    assert.ok(i > at, `the notes quote "${t}" in order`);
    at = i;
  }
  assert.ok(notes.includes(`names ${titles.length} hole`), 'the notes count the findings');
  assert.ok(notes.includes(`${example.spanCount} spans`));
});

test('the presenter’s kit: front matter fills the title, and the Thanks slide never guesses an address', () => {
  for (const key of ['speaker', 'date', 'event', 'link']) assert.ok(key in deck.frontMatter, `front matter has "${key}"`);
  assert.match(plain(byId('title').bodyHtml), new RegExp(String(deck.frontMatter.speaker)));
  const thanks = byId('thanks').bodyHtml;
  if (deck.frontMatter.link) assert.match(thanks, new RegExp(`href="${String(deck.frontMatter.link)}"`));
  else assert.match(thanks, /data-deck-address/);
  assert.doesNotMatch(source, /carlosonunez/);
  assert.doesNotMatch(readFileSync('package.json', 'utf8'), /carlosonunez|"homepage"|"repository"/);
  // An empty event drops its line instead of leaving an empty paragraph.
  const blank = parseDeck(source.replace(/^event: .*$/m, 'event: ""'), 'talk.md', { figures: recordingFigures('slides/recordings') });
  assert.doesNotMatch(blank.slides[0]!.bodyHtml, /class="event"/);
  const withEvent = parseDeck(
    source.replace(/^event: .*$/m, 'event: "DevConf <2026>"').replace(/^link: .*$/m, 'link: "https://example.org/talk"'),
    'talk.md',
    {
      figures: recordingFigures('slides/recordings'),
    },
  );
  assert.match(withEvent.slides[0]!.bodyHtml, /<p class="event">DevConf &#60;2026&#62;<\/p>/);
  assert.match(withEvent.slides.find((s) => titleOf(s) === 'Thank you!')!.bodyHtml, /href="https:\/\/example\.org\/talk"/);
});

test("the Demo slide's notes walk through the holes in the script's order, with the catalog's request for each", async () => {
  const { holeCatalog } = await import('../../model/holes.ts');
  const { scriptOrder } = await import('../../slides/live/demoScript.ts');
  const { requestPatternWords } = await import('../../slides/live/holePattern.ts');
  const demo = byId('demo');
  let last = -1;
  for (const id of scriptOrder) {
    const hole = holeCatalog.find((h) => h.id === id)!;
    const at = demo.notes.indexOf(`**${hole.shortName}**`);
    assert.ok(at > last, `${hole.shortName} comes next in the notes`);
    last = at;
    const step = demo.notes.slice(at).split('\n')[0]!;
    const words = requestPatternWords(hole.pattern);
    // The notes may split the warm-up off with a comma, as the guide's words do.
    assert.ok(step.includes(words.split(', after')[0]!), `the ${hole.shortName} step names its request: ${words}`);
    for (const w of hole.pattern.warmup)
      assert.ok(step.includes(`after ${w.count} ${w.kind} to warm up`), `the ${hole.shortName} step names its warm-up`);
  }
});

test("the figures in the Demo slide's notes are the mesh's own settings, not typed from memory", async () => {
  const { holeSettings } = await import('../../demo-app/config.ts');
  const { holeCatalog } = await import('../../model/holes.ts');
  const demo = byId('demo');
  const step = (shortName: string) => demo.notes.slice(demo.notes.indexOf(`**${shortName}**`)).split('\n')[0]!;
  const flaky = step('flaky');
  assert.equal(Number(/timed out after (\d+) ms/.exec(flaky)?.[1]), holeSettings.paymentRetries.timeoutMs, 'the charge deadline');
  const ordinals = ['', 'first', 'second', 'third', 'fourth', 'fifth'];
  assert.equal(
    ordinals.indexOf(/every (\w+) normal order/.exec(flaky)?.[1] ?? ''),
    holeSettings.paymentStall.everyNthNormalOrder,
    'which normal orders stall',
  );
  const lead = holeCatalog.find((h) => h.id === 'lock-contention')!.pattern.lead!;
  assert.ok(step('lock').includes(`right behind ${lead.count} ${lead.kind} already in flight`), "the lock's lead");
});

test('the pictures are the project’s own files, nothing from the internet', () => {
  const html = deck.slides.map((s) => s.bodyHtml).join('\n');
  const sources = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!); // group 1 is not optional
  assert.ok(sources.length >= 3);
  for (const src of sources) assert.match(src, /^assets\/[\w-]+\.svg$/);
  for (const src of sources) readFileSync(src); // each exists
});
