// The talk itself: 16 slides in the brief's order, notes a reader learns from, the live slides wired by their attributes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseDeck } from '../../slides/build/parseDeck.ts';

const deck = parseDeck(readFileSync('slides/talk.md', 'utf8'), 'slides/talk.md');
/** The talk's slide at 0-based `i`; a shorter talk fails here, naming how many slides it has. */
const slide = (i: number) => {
  const s = deck.slides[i];
  assert.ok(s, `the talk has a slide ${i + 1} (it has ${deck.slides.length})`);
  return s;
};
const attr = (i: number, name: string) => slide(i).attributes.find(([n]) => n === name)?.[1];
const sentences = (markdown: string) => markdown.match(/[^.!?]+[.!?](?=\s|$)/g) ?? [];

test('the talk has the 16 slides of the brief, in order', () => {
  assert.equal(deck.frontMatter.separator, '<!--s-->');
  assert.equal(deck.frontMatter.verticalSeparator, '<!--v-->');
  assert.match(deck.frontMatter.title, /Plugging Performance Holes/);
  const titles = deck.slides.map((s) => s.body.match(/^#{1,2} (.+)$/m)?.[1]);
  assert.deepEqual(titles, [
    'Plugging Performance Holes',
    'Hotspots in web apps are hard to find',
    'Tracing finds hotspots',
    'Talk goals',
    'What is tracing?',
    'What tracing is not',
    'Spans',
    'Traces',
    'A general example',
    'A realistic example',
    'Other terms',
    'What is Jaeger?',
    'How Jaeger works',
    'Demo',
    'Questions?',
    'Thank you!',
  ]);
});

test('every slide has notes of at least three full sentences', () => {
  for (const s of deck.slides) assert.ok(sentences(s.notes).length >= 3, `slide at line ${s.line}: ${sentences(s.notes).length} sentences`);
});

test('the live slides carry their attributes and the Demo slide is #/demo', () => {
  assert.equal(attr(13, 'id'), 'demo');
  assert.equal(attr(13, 'data-live'), 'demo');
  assert.equal(attr(9, 'data-live'), 'realistic-trace');
  assert.equal(attr(12, 'data-live'), 'pipeline');
  // Without the live parts these slides still make sense: each has its own picture or words.
  assert.match(slide(9).bodyHtml, /<img src="assets\/realistic-trace\.svg"/);
  assert.match(slide(12).bodyHtml, /<img src="assets\/jaeger-architecture\.svg"/);
  assert.match(slide(13).bodyHtml, /class="live-fallback"/);
});

test('slide 5 cites opentracing.io, and the notes tell readers what changed since 2019', () => {
  assert.match(slide(4).bodyHtml, /href="https:\/\/opentracing\.io\//);
  const jaeger = slide(11).notes;
  for (const fact of [/OpenTelemetry/, /OpenCensus/, /deprecated/, /Jaeger v2/, /2024/, /jaeger-agent/, /UDP and HTTP/]) assert.match(jaeger, fact);
});

test('the pictures are the project’s own files, nothing from the internet', () => {
  const html = deck.slides.map((s) => s.bodyHtml).join('\n');
  const sources = [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!); // group 1 is not optional
  assert.ok(sources.length >= 3);
  for (const src of sources) assert.match(src, /^assets\/[\w-]+\.svg$/);
});

test("the Demo slide's notes walk through the holes in the script's order, with the catalog's request for each", async () => {
  const { holeCatalog } = await import('../../model/holes.ts');
  const { scriptOrder } = await import('../../slides/live/demoScript.ts');
  const demo = deck.slides.find((s) => s.attributes.some(([n, v]) => n === 'id' && v === 'demo'))!;
  let last = -1;
  for (const id of scriptOrder) {
    const hole = holeCatalog.find((h) => h.id === id)!;
    const at = demo.notes.indexOf(`**${hole.shortName}**`);
    assert.ok(at > last, `${hole.shortName} comes next in the notes`);
    last = at;
    const step = demo.notes.slice(at).split('\n')[0]!;
    const p = hole.pattern;
    const request = p.concurrent ? `burst of ${p.count} ${p.kind} requests at once` : `${p.count} ${p.kind} requests one after another`;
    assert.ok(step.includes(request), `the ${hole.shortName} step names its request: ${request}`);
    for (const w of p.warmup) assert.ok(step.includes(`after ${w.count} ${w.kind} to warm up`), `the ${hole.shortName} step names its warm-up`);
  }
});

test("the figures in the Demo slide's notes are the mesh's own settings, not typed from memory", async () => {
  const { holeSettings } = await import('../../demo-app/config.ts');
  const { holeCatalog } = await import('../../model/holes.ts');
  const demo = deck.slides.find((s) => s.attributes.some(([n, v]) => n === 'id' && v === 'demo'))!;
  const step = (shortName: string) => demo.notes.slice(demo.notes.indexOf(`**${shortName}**`)).split('\n')[0]!;
  const flaky = step('flaky');
  assert.equal(Number(/timed out after (\d+) ms/.exec(flaky)?.[1]), holeSettings.paymentRetries.timeoutMs, 'the charge deadline');
  const ordinals = ['', 'first', 'second', 'third', 'fourth', 'fifth'];
  assert.equal(ordinals.indexOf(/every (\w+) normal order/.exec(flaky)?.[1] ?? ''), holeSettings.paymentStall.everyNthNormalOrder, 'which normal orders stall');
  const lead = holeCatalog.find((h) => h.id === 'lock-contention')!.pattern.lead!;
  assert.ok(step('lock').includes(`right behind ${lead.count} ${lead.kind} already in flight`), "the lock proof's lead");
});
