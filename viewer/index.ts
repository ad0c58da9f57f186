// Public API of the trace viewer: virtualised timeline, flamegraph, statistics and span table with critical path, findings and tools, mountable anywhere.
export { createTraceViewer, type TraceViewer, type TraceViewerOptions, type TraceSummary, type ViewName } from './views/traceViewer.ts';
export { loadedFromTrace, type LoadedTrace } from './model/loadedTrace.ts';
export { createTraceCompare, describeDelta, type TraceCompare } from './views/traceCompare.ts';
export { tracesFromJaegerFile } from '../model/index.ts';
