// The development kit's door: what tests, benches and scripts share (a headless browser, waits on conditions, the mesh's ground truth, the reference Thrift codec). Product code never imports it; tests may import its files directly so a test loads only what it uses.
export { launchBrowser, screenshot, testOutputDir, watchPage } from './browser.ts';
export { waitFor } from './waitFor.ts';
export { startGroundTruth, type GroundTruth } from './groundTruth.ts';
export { ALL_PLUGGED, formatConfusion, measureConfusion, type ConfusionRow } from './confusion.ts';
export { holeShapedTrace } from './holeShapedTrace.ts';
export { encodeBinaryBatch, encodeBinaryEmitBatch, jaegerThrift, thriftrwBatch, thriftrwDecodeBatch } from './thriftrwCodec.ts';
export {
  batchesFromTrace,
  expectedTrace,
  idMapper,
  plainTag,
  TAG_TYPES,
  type PlainBatch,
  type PlainRef,
  type PlainSpan,
  type PlainTag,
} from './plainBatch.ts';
export { queryApiTraces, settledTraces, type SettleOptions, type SpanCounting } from './settledTraces.ts';
export { startQueryableJaeger, type QueryableJaeger } from './queryableJaeger.ts';
