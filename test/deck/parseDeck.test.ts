// Unit tests of the markdown → reveal.js step: front matter, both separators, notes, attribute comments, broken decks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeckSyntaxError, parseDeck, renderDeck, type ParsedDeck, type Slide } from '../../slides/build/parseDeck.ts';

const front = ['---', 'title: Tracing <Talk>', 'separator: <!--s-->', 'verticalSeparator: <!--v-->', '---'].join('\n');
const deckOf = (...body: string[]) => `${front}\n${body.join('\n')}`;

/** The deck's slide at 0-based `i`; a deck with fewer fails here, naming how many it has. */
function slideOf(deck: ParsedDeck, i: number): Slide {
  const slide = deck.slides[i];
  assert.ok(slide, `the deck has a slide ${i + 1} (it has ${deck.slides.length})`);
  return slide;
}

/** Runs parseDeck on a broken deck and returns its problems as `line: message` strings. */
function problemsOf(source: string): string[] {
  try {
    parseDeck(source, 'broken.md');
  } catch (e) {
    assert.ok(e instanceof DeckSyntaxError, `expected a DeckSyntaxError, got ${String(e)}`);
    for (const p of e.problems) assert.ok(e.message.includes(`broken.md:${p.line}: ${p.message}`));
    return e.problems.map((p) => `${p.line}: ${p.message}`);
  }
  assert.fail('the broken deck parsed without error');
}
const firstProblem = (source: string) => problemsOf(source)[0] ?? '(no problem reported)';

test('front matter gives the title and the separators', () => {
  const deck = parseDeck(deckOf('# One', '<!--s-->', '# Two'));
  assert.equal(deck.frontMatter.title, 'Tracing <Talk>');
  assert.equal(deck.frontMatter.separator, '<!--s-->');
  assert.equal(deck.frontMatter.verticalSeparator, '<!--v-->');
  assert.deepEqual(
    deck.slides.map((s) => s.bodyHtml.trim()),
    ['<h1>One</h1>', '<h1>Two</h1>'],
  );
});

test('horizontal and vertical separators build stacks with reveal.js positions and source lines', () => {
  const deck = parseDeck(deckOf('# A', '<!--s-->', '# B', '<!--v-->', '# B2', '<!--v-->', '# B3', '<!--s-->', '# C'));
  assert.deepEqual(
    deck.stacks.map((s) => s.length),
    [1, 3, 1],
  );
  assert.deepEqual(
    deck.slides.map((s) => [s.h, s.v, s.line]),
    [
      [0, 0, 6],
      [1, 0, 8],
      [1, 1, 10],
      [1, 2, 12],
      [2, 0, 14],
    ],
  );
  const html = renderDeck(deck);
  // A vertical stack is a section of sections.
  assert.match(html, /<section>\n<section>\n<h1>B<\/h1>\n<\/section>\n<section>\n<h1>B2<\/h1>/);
});

test('a separator only counts as a whole line', () => {
  const deck = parseDeck(deckOf('# A', 'text with <!--s--> inside'));
  assert.equal(deck.slides.length, 1);
});

test('"Note:" starts the speaker notes, rendered as markdown into aside.notes', () => {
  const deck = parseDeck(
    deckOf('# A', 'Body.', '', 'Note: First *sentence*.', 'Second line.', '<!--s-->', '# B', 'notes: lower case works too.'),
  );
  assert.equal(slideOf(deck, 0).notes, 'First *sentence*.\nSecond line.');
  assert.match(slideOf(deck, 0).notesHtml, /<em>sentence<\/em>/);
  assert.ok(!slideOf(deck, 0).bodyHtml.includes('sentence'));
  assert.equal(slideOf(deck, 1).notes, 'lower case works too.');
  assert.match(renderDeck(deck), /<aside class="notes">\n<p>First <em>sentence<\/em>/);
});

test('a slide without notes has no aside', () => {
  const deck = parseDeck(deckOf('# A'));
  assert.equal(slideOf(deck, 0).notesHtml, '');
  assert.ok(!renderDeck(deck).includes('<aside'));
});

test('attribute comments become section attributes and leave the body', () => {
  const deck = parseDeck(deckOf('<!-- .slide: id="demo" data-live="demo" class=\'wide dark\' data-state=bare -->', '# Demo'));
  assert.deepEqual(slideOf(deck, 0).attributes, [
    ['id', 'demo'],
    ['data-live', 'demo'],
    ['class', 'wide dark'],
    ['data-state', 'bare'],
  ]);
  const html = renderDeck(deck);
  assert.match(html, /^<section id="demo" data-live="demo" class="wide dark" data-state="bare">\n<h1>Demo<\/h1>/);
  assert.ok(!html.includes('.slide:'));
});

test('attribute values cannot break out of the tag', () => {
  const deck = parseDeck(deckOf(`<!-- .slide: title='x"><script>alert(1)</script>' -->`, '# A'));
  const html = renderDeck(deck);
  assert.ok(!html.includes('<script>'), html);
  assert.match(html, /<section title="x&#34;&#62;&#60;script&#62;alert\(1\)&#60;\/script&#62;">/);
});

test('an attribute comment cannot inject script: handlers, script URLs and other attributes are refused', () => {
  const problems = problemsOf(
    deckOf(
      '<!-- .slide: onclick="alert(1)" -->',
      '# A',
      '<!--s-->',
      '<!-- .slide: data-background-iframe="javascript:alert(1)" -->',
      '# B',
      '<!--s-->',
      '<!-- .slide: src="x.js" -->',
      '# C',
    ),
  );
  assert.equal(problems.length, 3);
  assert.match(problems[0]!, /^6: attribute "onclick" is an event handler/);
  assert.match(problems[1]!, /^9: attribute "data-background-iframe" holds a script URL/);
  assert.match(problems[2]!, /^12: attribute "src" is not allowed on a slide/);
});

test('a deck with several errors reports each with its line number', () => {
  const source = [
    '---',
    'title: Broken',
    'separator: <!--s-->',
    'verticalSeparator: <!--v-->',
    '---',
    '# One', // 6
    '<!--s-->', // 7
    '<!--s-->', // 8: the slide between 7 and 8 is empty
    '<!-- .slide: id="x" -->', // 9
    '# Two',
    '<!--s-->',
    '<!-- .slide: id="x" -->', // 12: duplicate id
    '# Three',
    '<!--s-->',
    '<!-- .slide: class="never closed"', // 15
    '# Four',
    '<!--s-->',
    '# Five',
    '<!-- a comment left open', // 19
    '<!--s-->',
    '# Six',
  ].join('\n');
  assert.deepEqual(problemsOf(source), [
    '7: slide 2 is empty: two separators in a row, or a separator at the start or end of the deck',
    '12: slide id "x" is already used by the slide at line 9',
    '15: the "<!-- .slide:" attribute comment is never closed with "-->"',
    '19: an HTML comment "<!--" is never closed with "-->"',
  ]);
});

test('bad YAML in the front matter names the file line', () => {
  const problems = problemsOf(
    ['---', 'title: Fine', 'separator: <!--s-->', 'verticalSeparator: <!--v-->', 'title: twice', '---', '# A'].join('\n'),
  );
  assert.deepEqual(problems, ['5: front matter is not valid YAML: Map keys must be unique']);
});

test('missing, unclosed or incomplete front matter is an error', () => {
  assert.match(firstProblem('# No front matter'), /^1: the deck must open with YAML front matter/);
  assert.match(firstProblem('---\ntitle: x\n# A'), /^1: the front matter opened here is never closed/);
  assert.match(firstProblem('---\nseparator: "<!--s-->"\n---\n# A'), /^2: front matter needs a non-empty "title"/);
  assert.match(
    firstProblem('---\ntitle: T\nseparator: x\nverticalSeparator: x\n---\n# A'),
    /^4: "separator" and "verticalSeparator" must differ/,
  );
  assert.match(firstProblem('---\n- a list\n---\n# A'), /^2: front matter must be a YAML mapping/);
});

test('without separators in the front matter, reveal-md defaults apply', () => {
  const deck = parseDeck('---\ntitle: T\n---\n# A\n---\n# B\n----\n# B2');
  assert.deepEqual(
    deck.slides.map((s) => [s.h, s.v]),
    [
      [0, 0],
      [1, 0],
      [1, 1],
    ],
  );
});

test('two attribute comments on one slide are an error, a trailing separator is an empty slide', () => {
  const problems = problemsOf(deckOf('<!-- .slide: id="a" -->', '<!-- .slide: class="b" -->', '# A', '<!--s-->'));
  assert.deepEqual(problems, [
    '7: a slide takes one "<!-- .slide: … -->" comment; merge the attributes into the first',
    '9: slide 2 is empty: two separators in a row, or a separator at the start or end of the deck',
  ]);
});

test('HTML comments inside code blocks are text, not unclosed comments', () => {
  const deck = parseDeck(deckOf('# A', '```', '<!-- not a comment', '```'));
  assert.match(slideOf(deck, 0).bodyHtml, /&lt;!-- not a comment/);
});

test('CRLF line endings parse like LF', () => {
  const deck = parseDeck(deckOf('# A', 'Note: n.', '<!--s-->', '# B').replace(/\n/g, '\r\n'));
  assert.equal(deck.slides.length, 2);
  assert.equal(slideOf(deck, 0).notes, 'n.');
});

test('{{figures}} are filled from the front matter and the given figures; an empty one drops its line, an unknown one is a problem', () => {
  const talk = '---\ntitle: T\nspeaker: Ada <L>\nevent: ""\n---\n# {{speaker}}\n\nAt {{event}}\n\nIt took {{example.duration}}\nNote: a.';
  const deck = parseDeck(talk, 'talk.md', { figures: { 'example.duration': '1.2 s' } });
  assert.match(deck.slides[0]!.bodyHtml, /<h1>Ada (&lt;|&#60;)L(&gt;|&#62;)<\/h1>/);
  assert.doesNotMatch(deck.slides[0]!.bodyHtml, /<p>At/);
  assert.match(deck.slides[0]!.bodyHtml, /It took 1\.2 s/);
  assert.throws(() => parseDeck(talk, 'talk.md', { figures: {} }), /talk\.md:10: no figure is known as \{\{example\.duration\}\}/);
  // Read without figures (no recordings at hand), unknown names stay as written.
  assert.match(parseDeck(talk).slides[0]!.bodyHtml, /\{\{example\.duration\}\}/);
});
