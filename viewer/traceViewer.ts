// The trace viewer itself: header, virtualised waterfall and details pane wired to one trace model.
import type { JaegerTrace } from '../model/jaegerJson.ts';
import { findCriticalPath, type CriticalPath } from './criticalPath.ts';
import { add } from './dom.ts';
import { findHotspot, type Hotspot } from './hotspot.ts';
import { createSpanDetails } from './spanDetails.ts';
import { createTraceHeader } from './traceHeader.ts';
import { buildTraceModel, type TraceModel } from './traceModel.ts';
import { createWaterfall, type WaterfallSnapshot } from './waterfall.ts';
import './viewer.css';

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
}

/** What the viewer worked out about the trace on show, for callers that narrate it. */
export interface TraceSummary {
  spanCount: number;
  durationUs: number;
  services: readonly string[];
  depth: number;
  errorCount: number;
  hotspot: Hotspot | undefined;
}

export interface TraceViewer {
  /** Replaces the shown trace. Work is proportional to the rows on screen, not the span count. */
  show(trace: JaegerTrace): void;
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
  /** How long the last show() spent in each phase. */
  timings(): ShowTimings | undefined;
}

export interface ShowTimings {
  modelMs: number;
  criticalPathMs: number;
  drawMs: number;
}

const BASE_ROW_PX = 34;

/** Span IDs of the collapsed and selected spans, to find them again in a newer copy of the trace. */
function idsOf(m: TraceModel, snap: WaterfallSnapshot): { collapsed: string[]; selected: string | undefined } {
  return {
    collapsed: snap.collapsed.map((i) => m.spans[i]!.spanID),
    selected: snap.selected >= 0 ? m.spans[snap.selected]!.spanID : undefined,
  };
}

function indicesOf(m: TraceModel, ids: { collapsed: string[]; selected: string | undefined }): Map<string, number> {
  const wanted = new Set(ids.collapsed);
  if (ids.selected !== undefined) wanted.add(ids.selected);
  const at = new Map<string, number>();
  if (wanted.size === 0) return at;
  m.spans.forEach((s, i) => {
    if (wanted.has(s.spanID) && !at.has(s.spanID)) at.set(s.spanID, i);
  });
  return at;
}

export function createTraceViewer(container: HTMLElement, opts: TraceViewerOptions = {}): TraceViewer {
  const root = add(null, 'div', 'tv');
  const header = createTraceHeader();
  if (opts.header !== false) root.append(header.element);
  const message = add(root, 'p', 'tv-message');
  message.setAttribute('role', 'status');
  const body = add(root, 'div', 'tv-body');
  const details = createSpanDetails(() => select(null));
  const waterfall = createWaterfall({ onSelect: (span) => select(span, false) });
  body.append(waterfall.element, details.element);
  container.appendChild(root);

  let model: TraceModel | undefined;
  let cp: CriticalPath | undefined;
  let hotspot: Hotspot | undefined;
  let lastTimings: ShowTimings | undefined;
  let axisUs = opts.axisUs;
  const baseRow = Math.max(BASE_ROW_PX, opts.rowHeight ?? BASE_ROW_PX);
  waterfall.setRowHeight(baseRow);

  function select(span: number | null, fromOutside = true): void {
    if (!model || !cp) return;
    if (fromOutside) waterfall.select(span);
    if (span === null || span < 0) {
      hideDetails();
      opts.onSelectSpan?.(null);
      if (!fromOutside) waterfall.select(null);
      return;
    }
    if (opts.details !== false) {
      details.show(model, cp, span);
      root.classList.add('tv-has-details');
    }
    opts.onSelectSpan?.(model.spans[span]!.spanID);
  }

  function hideDetails(): void {
    details.hide();
    root.classList.remove('tv-has-details');
  }

  function setMessage(text: string): void {
    message.textContent = text;
    message.hidden = text === '';
    root.classList.toggle('tv-empty', !model);
  }
  setMessage('');

  function showModel(): void {
    if (!model || !cp) return;
    header.show(model, hotspot, (span) => select(span));
    waterfall.setModel(model, cp, axisUs ?? model.durationUs);
  }

  return {
    show(trace) {
      // The same trace again (it gained spans, live): keep what the reader opened, shut and chose.
      const kept = model && model.trace.traceID === trace.traceID ? waterfall.snapshot() : undefined;
      const keptIDs = kept && model ? idsOf(model, kept) : undefined;
      const t0 = performance.now();
      try {
        model = buildTraceModel(trace);
      } catch (e) {
        model = undefined;
        cp = undefined;
        header.clear();
        waterfall.clear();
        hideDetails();
        setMessage(`This trace cannot be drawn: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      const t1 = performance.now();
      cp = findCriticalPath(model);
      const t2 = performance.now();
      hotspot = findHotspot(model, cp);
      setMessage('');
      root.dataset.traceId = String(trace.traceID);
      showModel();
      if (kept && keptIDs) {
        const at = indicesOf(model, keptIDs);
        waterfall.restore({ ...kept, collapsed: keptIDs.collapsed.map((id) => at.get(id) ?? -1), selected: keptIDs.selected === undefined ? -1 : at.get(keptIDs.selected) ?? -1 });
        const sel = keptIDs.selected === undefined ? undefined : at.get(keptIDs.selected);
        if (sel !== undefined && !details.element.hidden) details.show(model, cp, sel);
        else hideDetails();
      } else hideDetails();
      // Phase timings for the bench (and anyone profiling a big trace in devtools).
      lastTimings = { modelMs: t1 - t0, criticalPathMs: t2 - t1, drawMs: performance.now() - t2 };
      if (kept) return;
      // A new trace arriving: replay the arrival animation (CSS turns it off for prefers-reduced-motion).
      root.classList.remove('tv-arrive');
      void root.offsetWidth;
      root.classList.add('tv-arrive');
    },
    clear(text = '') {
      model = undefined;
      cp = undefined;
      hotspot = undefined;
      delete root.dataset.traceId;
      header.clear();
      hideDetails();
      waterfall.clear();
      setMessage(text);
    },
    setZoom(z) {
      const zoom = Number.isFinite(z) && z > 0 ? Math.min(4, Math.max(0.75, z)) : 1;
      root.style.setProperty('--tv-zoom', String(zoom));
      waterfall.setRowHeight(baseRow * zoom);
    },
    destroy() {
      waterfall.destroy();
      root.remove();
    },
    summary() {
      if (!model) return undefined;
      return {
        spanCount: model.count,
        durationUs: model.durationUs,
        services: model.services,
        depth: model.levels,
        errorCount: model.errorCount,
        hotspot,
      };
    },
    openRowCount: () => (model ? waterfall.visibleCount() : 0),
    selectSpan(spanID) {
      if (!model) return;
      if (spanID === null) return select(null);
      const i = model.spans.findIndex((s) => s.spanID === spanID);
      if (i >= 0) select(i);
    },
    highlightSpans(spanIDs) {
      if (!model) return 0;
      const wanted = new Set(spanIDs);
      const found: number[] = [];
      if (wanted.size > 0) model.spans.forEach((s, i) => wanted.has(s.spanID) && found.push(i));
      waterfall.highlight(found);
      return found.length;
    },
    revealSpan(spanID) {
      if (!model) return false;
      const i = model.spans.findIndex((s) => s.spanID === spanID);
      if (i >= 0) waterfall.reveal(i);
      return i >= 0;
    },
    timings: () => lastTimings,
    setAxis(us) {
      axisUs = us;
      if (model && cp) waterfall.setModel(model, cp, axisUs ?? model.durationUs);
    },
  };
}
