// The door to the shared model: the Jaeger JSON model and how an OTLP span maps onto it, facts read off a trace and the one rule for a failed span, one median and percentile, our own HTTP API's types (the /api/live event among them), the hole finder's findings, a seeded trace generator.
export * from './jaegerJson.ts';
export * from './demoApi.ts';
export * from './findings.ts';
export * from './holes.ts';
export * from './collectorStats.ts';
export * from './audience.ts';
export * from './traceFacts.ts';
export * from './spanStatus.ts';
export * from './liveEvent.ts';
export * from './stats.ts';
export * from './syntheticTrace.ts';
export * from './otlpAsJaeger.ts';
