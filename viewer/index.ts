// Public API of the trace viewer: a virtualised waterfall with critical path and hotspot, mountable anywhere.
export { createTraceViewer, type TraceViewer, type TraceViewerOptions, type TraceSummary } from './traceViewer.ts';
export { createLatencyChart, type LatencyChart, type LatencyChartOptions } from './latencyChart.ts';
export { createTraceCompare, describeDelta, type TraceCompare } from './traceCompare.ts';
export { tracesFromJaegerFile } from '../model/jaegerJson.ts';
