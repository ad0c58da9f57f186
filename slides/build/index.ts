// The door to the deck's build step: vite.config.ts takes the markdown plugin from here.
export { markdownDeckPlugin } from './markdownDeckPlugin.ts';
