// Vite plugin: compiles slides/talk.md into reveal.js sections inside index.html at build time (no runtime fetch).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';
import { exampleFiguresFrom } from './deckFigures.ts';
import { parseDeck, renderDeck } from './parseDeck.ts';
import { escapeHtml } from './slideAttributes.ts';

/** Where index.html asks for the slides; the comment is replaced by the compiled `<section>`s. */
export const SLIDES_PLACEHOLDER = '<!--talk:slides-->';

export interface MarkdownDeckOptions {
  /** The talk, relative to the vite root. */
  file?: string;
  /** The recordings folder (its manifest.json names the example trace the notes quote), relative to the vite root. */
  recordings?: string;
}

/** The example recording's figures, read from its files at build time. */
export function recordingFigures(dir: string): Record<string, string> {
  const read = (file: string): unknown => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  return exampleFiguresFrom(read('manifest.json'), read);
}

/**
 * The slides go straight into the HTML rather than into a JS module: the browser parses
 * them while the deck script loads (faster first slide), and the page stays readable
 * without JavaScript. Running before vite's own HTML step lets vite bundle the slides'
 * `<img src="assets/…">` pictures like any other asset.
 */
export function markdownDeckPlugin(options: MarkdownDeckOptions = {}): Plugin {
  let talkPath = '';
  let recordingsDir = '';
  return {
    name: 'markdown-deck',
    configResolved(config) {
      talkPath = path.resolve(config.root, options.file ?? 'slides/talk.md');
      recordingsDir = path.resolve(config.root, options.recordings ?? 'slides/recordings');
    },
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        if (!html.includes(SLIDES_PLACEHOLDER)) return html;
        const deck = parseDeck(readFileSync(talkPath, 'utf8'), path.relative(process.cwd(), talkPath), {
          figures: recordingFigures(recordingsDir),
        });
        return html
          .replace(/<title>[^<]*<\/title>/, () => `<title>${escapeHtml(deck.frontMatter.title)}</title>`)
          .replace(SLIDES_PLACEHOLDER, () => renderDeck(deck));
      },
    },
    handleHotUpdate({ file, server }) {
      // The talk is not a module in the graph: editing it reloads the deck page.
      if (path.resolve(file) === talkPath) {
        server.ws.send({ type: 'full-reload' });
        return [];
      }
    },
  };
}
