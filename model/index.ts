// The door to the shared model: the Jaeger JSON model, our own HTTP API's types, and the hole finder's findings.
export * from './jaegerJson.ts';
export * from './demoApi.ts';
export * from './findings.ts';
export * from './holes.ts';
export * from './collectorStats.ts';
