// What a page or a slide can ask of the trace viewer: its options, its methods, and what it tells back.
import type { Finding } from '../../model/index.ts';
import type { JaegerTrace } from '../../model/index.ts';
import type { LoadedTrace } from '../model/loadedTrace.ts';
import type { ViewName } from './traceTools.ts';

export interface TraceViewerOptions {
  /** Row height in CSS px (≥ 16 px text); the presenter zoom scales it. */
  rowHeight?: number;
  /** Called when the user selects a span (for details panes outside the viewer). */
  onSelectSpan?: (spanID: string | null) => void;
  /** Show the built-in details pane when a span is chosen (default true). */
  details?: boolean;
  /** Leave out the summary header (a comparison draws its own). */
  header?: boolean;
  /** Time the full track width stands for, µs (default: the trace's own duration). */
  axisUs?: number;
  /** The toolbar: find in trace, collapse/expand all and by level, minimap zoom, view tabs (default false). */
  tools?: boolean;
  /** Called when the hole finder's findings for the trace on show arrive. */
  onFindings?: (findings: readonly Finding[]) => void;
}

/** What the viewer worked out about the trace on show, for callers that narrate it. */
export interface TraceSummary {
  spanCount: number;
  durationUs: number;
  services: readonly string[];
  depth: number;
  errorCount: number;
  /** The hole finder's findings, largest cost first (empty until they arrive). */
  findings: readonly Finding[];
}

export interface TraceViewer {
  readonly element: HTMLElement;
  /** Replaces the shown trace. Work is proportional to the rows on screen, not the span count. */
  show(trace: JaegerTrace): void;
  /** Shows a trace indexed elsewhere (the worker that loads big files). */
  showLoaded(trace: LoadedTrace): void;
  clear(message?: string): void;
  /** 1 = normal; larger values enlarge rows and text for the back of the room. */
  setZoom(zoom: number): void;
  destroy(): void;
  /** Summary of the trace on show, undefined when none. */
  summary(): TraceSummary | undefined;
  /** Rows the tree has open (collapsed subtrees excluded). */
  openRowCount(): number;
  /** Shows a span's details and scrolls to it (by span ID). */
  selectSpan(spanID: string | null): void;
  /** The time axis width in µs, for lining up another viewer on the same scale. */
  setAxis(axisUs: number | undefined): void;
  /** Marks the rows of these spans (e.g. a finding's); an empty list clears. Returns how many were found. */
  highlightSpans(spanIDs: readonly string[]): number;
  /** Opens the span's ancestors and scrolls it into view; false if the trace has no such span. */
  revealSpan(spanID: string): boolean;
  /** Find in trace: marks the matches, shows the first; returns the match count. */
  find(query: string): number;
  /** Next (+1) or previous (−1) match, scrolled into view. */
  findStep(delta: 1 | -1): void;
  collapseAll(): void;
  expandAll(): void;
  stepLevel(delta: 1 | -1): void;
  /** Zooms the time axis to [fromUs, toUs) from the trace start; no arguments = the whole trace. */
  zoomTo(fromUs?: number, toUs?: number): void;
  setView(view: ViewName): void;
  /** How long the last show() spent in each phase. */
  timings(): ShowTimings | undefined;
}

export interface ShowTimings {
  modelMs: number;
  criticalPathMs: number;
  drawMs: number;
}
