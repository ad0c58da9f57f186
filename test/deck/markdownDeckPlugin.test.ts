// The vite plugin puts the compiled talk into index.html at build time, escapes the title, and fails the build on a broken deck.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ResolvedConfig } from 'vite';
import { markdownDeckPlugin, SLIDES_PLACEHOLDER } from '../../slides/build/markdownDeckPlugin.ts';

/** Runs the plugin's index.html step on a talk written to a temporary folder. */
function transform(talk: string, html: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'deck-'));
  writeFileSync(path.join(root, 'talk.md'), talk);
  const plugin = markdownDeckPlugin({ file: 'talk.md', recordings: path.resolve('slides/recordings') });
  (plugin.configResolved as (c: ResolvedConfig) => void)({ root } as ResolvedConfig);
  const hook = plugin.transformIndexHtml as { handler: (html: string) => string };
  return hook.handler(html);
}

const page = `<html><head><title>x</title></head><body><div class="slides">${SLIDES_PLACEHOLDER}</div></body></html>`;

test('the slides replace the placeholder and the front matter title becomes the page title, escaped', () => {
  const out = transform('---\ntitle: A <b>bold</b> talk\n---\n# One\nNote: n.\n---\n# Two', page);
  assert.match(out, /<title>A &#60;b&#62;bold&#60;\/b&#62; talk<\/title>/);
  assert.match(
    out,
    /<div class="slides"><section>\n<h1>One<\/h1>\n<aside class="notes">\n<p>n\.<\/p>\n<\/aside>\n<\/section>\n<section>\n<h1>Two<\/h1>/,
  );
  assert.ok(!out.includes(SLIDES_PLACEHOLDER));
});

test('pages without the placeholder (viewer, join) pass through untouched', () => {
  const other = '<html><head><title>viewer</title></head><body></body></html>';
  assert.equal(transform('---\ntitle: T\n---\n# A', other), other);
});

test('a broken talk fails the build with file and line', () => {
  assert.throws(() => transform('---\ntitle: T\n---\n# A\n---\n---\n# C', page), /talk\.md:5: slide 2 is empty/);
});

test('"$" sequences in the title and slides are kept literally', () => {
  const out = transform("---\ntitle: Pay $& now\n---\nCosts $& and $' and $1", page);
  assert.match(out, /<title>Pay \$&#38; now<\/title>/);
  assert.match(out, /Costs \$&amp; and \$&#39; and \$1/);
});
