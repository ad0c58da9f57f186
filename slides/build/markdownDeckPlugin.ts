// Vite plugin: compiles slides/talk.md into reveal.js slide HTML at build time. STUB (issue 2).
import type { Plugin } from 'vite';

export function markdownDeckPlugin(): Plugin {
  return { name: 'markdown-deck' };
}
