// Vite build of the browser side: the deck (index.html), the standalone viewer and the attendee page.
import { defineConfig, type Plugin } from 'vite';
import { markdownDeckPlugin } from './slides/build/index.ts';

/** Fails the build when browser code reaches for a Node built-in: vite would only warn, and the page would break at run time. */
function noNodeBuiltinsInBrowser(): Plugin {
  return {
    name: 'no-node-builtins-in-browser',
    enforce: 'pre',
    resolveId(id, importer) {
      if (id.startsWith('node:')) this.error(`${id} imported by ${importer ?? '?'}: browser code cannot use Node built-ins`);
      return null;
    },
  };
}

export default defineConfig({
  // Relative asset URLs so the static build also works under any sub-path (self-study hosting).
  base: './',
  plugins: [noNodeBuiltinsInBrowser(), markdownDeckPlugin()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No source maps in the shipped deck: they double its size for no audience benefit.
    sourcemap: false,
    rollupOptions: {
      input: {
        index: 'index.html',
        viewer: 'viewer.html',
        join: 'join.html',
      },
    },
  },
  server: {
    // `npm run dev` edits slides with hot reload while `npm start` serves the APIs.
    proxy: { '/api': 'http://127.0.0.1:8080', '/healthz': 'http://127.0.0.1:8080' },
  },
});
