// The door to the composition root for tools: benchmarks and scripts start the deck server through it.
export * from './config.ts';
export * from './deckServer.ts';
export * from './serverStats.ts';
export * from './staticDeck.ts';
