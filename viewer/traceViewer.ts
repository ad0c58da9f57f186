// The trace viewer: header, findings, tools (find, collapse, zoom, views as tabs) and the views, wired to one indexed trace.
// Longer than most files here: it is the one place where the parts meet, and splitting the wiring would scatter it.
import { analyzeTrace } from '../analysis/index.ts';
import type { Finding } from '../model/index.ts';
import type { JaegerTrace } from '../model/index.ts';
import type { CriticalPath } from './criticalPath.ts';
import { add } from './dom.ts';
import { createFindingsList } from './findingsList.ts';
import { createFlamegraph } from './flamegraph.ts';
import { loadedFromTrace, type LoadedTrace } from './loadedTrace.ts';
import { createMinimap } from './minimap.ts';
import { createSpanDetails } from './spanDetails.ts';
import { createSpanTable } from './spanTable.ts';
import { createTraceHeader } from './traceHeader.ts';
import { findSpanIndex, findSpanIndices, spanIdOf, type TraceModel } from './traceModel.ts';
import { findSpans } from './traceSearch.ts';
import { createTraceStats } from './traceStats.ts';
import { createTraceTools, type ViewName } from './traceTools.ts';
import { createWaterfall, type WaterfallSnapshot } from './waterfall.ts';
import './viewer.css';

export type { ViewName };

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

const BASE_ROW_PX = 34;

/** Span IDs of the collapsed and selected spans, to find them again in a newer copy of the trace. */
function idsOf(m: TraceModel, snap: WaterfallSnapshot): { collapsed: string[]; selected: string | undefined } {
  return { collapsed: snap.collapsed.map((i) => spanIdOf(m, i)), selected: snap.selected >= 0 ? spanIdOf(m, snap.selected) : undefined };
}

export function createTraceViewer(container: HTMLElement, opts: TraceViewerOptions = {}): TraceViewer {
  const root = add(null, 'div', 'tv');
  const header = createTraceHeader();
  if (opts.header !== false) root.append(header.element);
  const findings = createFindingsList((spans) => {
    mark(spans);
    if (spans.length > 0) reveal(spans[0]!);
  });
  root.append(findings.element);
  const message = add(root, 'p', 'tv-message');
  message.setAttribute('role', 'status');
  const tools = createTraceTools({
    onFind: (q) => viewer.find(q),
    onStep: (d) => viewer.findStep(d),
    onCollapseAll: () => viewer.collapseAll(),
    onExpandAll: () => viewer.expandAll(),
    onLevel: (d) => viewer.stepLevel(d),
    onResetZoom: () => viewer.zoomTo(),
    onView: (v) => viewer.setView(v),
  });
  if (opts.tools) root.append(tools.element);
  const body = add(root, 'div', 'tv-body');
  const views = add(body, 'div', 'tv-views');
  const timeline = add(views, 'div', 'tv-view tv-view-timeline');
  const minimap = createMinimap((a, b) => viewer.zoomTo(a, b));
  if (opts.tools) timeline.append(minimap.element);
  const details = createSpanDetails(() => select(null));
  const waterfall = createWaterfall({ onSelect: (span) => select(span, false) });
  timeline.append(waterfall.element);
  const flame = createFlamegraph((span) => select(span));
  const stats = createTraceStats();
  const table = createSpanTable((span) => select(span));
  const panels: Record<ViewName, HTMLElement> = { Timeline: timeline, Flamegraph: add(views, 'div', 'tv-view'), Statistics: add(views, 'div', 'tv-view'), Spans: add(views, 'div', 'tv-view') };
  panels.Flamegraph.append(flame.element);
  panels.Statistics.append(stats.element);
  panels.Spans.append(table.element);
  for (const [name, el] of Object.entries(panels)) {
    el.id = `${tools.idBase}-${name}`;
    el.setAttribute('role', 'tabpanel');
    el.hidden = name !== 'Timeline';
  }
  body.append(details.element);
  container.appendChild(root);

  let loaded: LoadedTrace | undefined;
  let model: TraceModel | undefined;
  let cp: CriticalPath | undefined;
  let found: readonly Finding[] = [];
  let matches: Int32Array = new Int32Array(0);
  let matchAt = -1;
  let lastTimings: ShowTimings | undefined;
  let axisUs = opts.axisUs;
  let view: ViewName = 'Timeline';
  let generation = 0;
  const baseRow = Math.max(BASE_ROW_PX, opts.rowHeight ?? BASE_ROW_PX);
  waterfall.setRowHeight(baseRow);

  function select(span: number | null, fromOutside = true): void {
    if (!model || !cp || !loaded) return;
    if (fromOutside) waterfall.select(span);
    if (span === null || span < 0) {
      hideDetails();
      opts.onSelectSpan?.(null);
      if (!fromOutside) waterfall.select(null);
      return;
    }
    flame.select(span);
    table.select(span);
    if (opts.details !== false) {
      details.show(model, cp, span, loaded.detail(span));
      root.classList.add('tv-has-details');
    }
    opts.onSelectSpan?.(spanIdOf(model, span));
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

  /** One mask for all three views, built once per search or finding. */
  function mark(spans: ArrayLike<number>): void {
    let mask: Uint8Array | undefined;
    if (model && spans.length > 0) {
      mask = new Uint8Array(model.count);
      for (let k = 0; k < spans.length; k++) mask[spans[k]!] = 1;
    }
    waterfall.highlight(mask);
    flame.highlight(mask);
    table.highlight(mask);
  }

  function reveal(span: number): void {
    if (view === 'Timeline') waterfall.reveal(span);
    else select(span);
  }

  function showFindings(list: readonly Finding[], indices: number[][] | undefined): void {
    found = list;
    const m = model;
    if (!m) return;
    findings.show(list, indices ?? list.map((f) => findSpanIndices(m, f.spanIDs)));
    opts.onFindings?.(list);
  }

  function drawAll(): void {
    if (!model || !cp) return;
    const axis = axisUs ?? model.durationUs;
    header.show(model);
    waterfall.setModel(model, cp, axis);
    const t = loaded;
    if (t?.overview) {
      minimap.setModel(model, new Uint32Array(0));
      const mine = generation;
      void t.overview.then((px) => mine === generation && model && minimap.setModel(model, px));
    } else minimap.setModel(model);
    flame.setModel(model, cp, axis);
    stats.setModel(model, cp);
    table.setModel(model, cp);
    tools.reset();
    matches = new Int32Array(0);
    matchAt = -1;
  }

  function showLoaded(t: LoadedTrace, syncFindings?: readonly Finding[]): void {
    const kept = model && loaded && model.traceID === t.traceID ? waterfall.snapshot() : undefined;
    const keptIDs = kept && model ? idsOf(model, kept) : undefined;
    const mine = ++generation;
    const t0 = performance.now();
    loaded = t;
    if (!t.model || !t.cp) {
      model = undefined;
      cp = undefined;
      found = [];
      header.clear();
      waterfall.clear();
      minimap.clear();
      findings.clear();
      hideDetails();
      setMessage(`This trace cannot be drawn: ${t.problem ?? 'it has no spans'}`);
      return;
    }
    model = t.model;
    cp = t.cp;
    setMessage('');
    root.dataset.traceId = t.traceID;
    drawAll();
    if (kept && keptIDs) {
      const collapsed = keptIDs.collapsed.map((id) => findSpanIndex(model!, id));
      const sel = keptIDs.selected === undefined ? -1 : findSpanIndex(model, keptIDs.selected);
      waterfall.restore({ ...kept, collapsed, selected: sel });
      if (sel >= 0 && !details.element.hidden) details.show(model, cp, sel, t.detail(sel));
      else hideDetails();
    } else hideDetails();
    if (syncFindings) showFindings(syncFindings, undefined);
    else {
      found = [];
      findings.waiting('Looking for performance holes…');
      t.findings.then(
        (list) => mine === generation && showFindings(list, undefined),
        (e: unknown) => mine === generation && findings.waiting(`The hole finder could not read this trace (${e instanceof Error ? e.message : String(e)}).`),
      );
    }
    lastTimings = { modelMs: 0, criticalPathMs: 0, drawMs: performance.now() - t0 };
    if (kept) return;
    // A new trace arriving: replay the arrival animation (CSS turns it off for prefers-reduced-motion).
    root.classList.remove('tv-arrive');
    void root.offsetWidth;
    root.classList.add('tv-arrive');
  }

  // Keys for the tools, as a Jaeger UI user knows them; not while typing in the find box.
  root.addEventListener('keydown', (e) => {
    if (!opts.tools || !model || (e.target as HTMLElement).closest('input, select, textarea') || e.ctrlKey || e.metaKey || e.altKey) return;
    const act: Record<string, () => void> = {
      ']': () => viewer.collapseAll(),
      '[': () => viewer.expandAll(),
      '-': () => viewer.stepLevel(-1),
      '+': () => viewer.stepLevel(1),
      '=': () => viewer.stepLevel(1),
      '/': () => tools.focusFind(),
    };
    const f = act[e.key];
    if (!f) return;
    f();
    e.preventDefault();
    e.stopPropagation();
  });

  const viewer: TraceViewer = {
    element: root,
    show(trace) {
      const t0 = performance.now();
      const t = loadedFromTrace(trace);
      const t1 = performance.now();
      // A trace in memory is analysed at once, so summary() has the findings straight away.
      let list: Finding[] | undefined;
      try {
        list = t.model ? analyzeTrace(trace) : [];
      } catch {
        list = undefined;
      }
      showLoaded(t, list);
      const t2 = performance.now();
      lastTimings = { modelMs: t1 - t0, criticalPathMs: 0, drawMs: t2 - t1 };
    },
    showLoaded: (t) => showLoaded(t),
    clear(text = '') {
      generation++;
      model = undefined;
      cp = undefined;
      loaded = undefined;
      found = [];
      delete root.dataset.traceId;
      header.clear();
      findings.clear();
      hideDetails();
      waterfall.clear();
      minimap.clear();
      flame.clear();
      stats.clear();
      table.clear();
      setMessage(text);
    },
    setZoom(z) {
      const zoom = Number.isFinite(z) && z > 0 ? Math.min(4, Math.max(0.75, z)) : 1;
      root.style.setProperty('--tv-zoom', String(zoom));
      waterfall.setRowHeight(baseRow * zoom);
    },
    destroy() {
      generation++;
      waterfall.destroy();
      root.remove();
    },
    summary() {
      if (!model) return undefined;
      return { spanCount: model.count, durationUs: model.durationUs, services: model.services, depth: model.levels, errorCount: model.errorCount, findings: found };
    },
    openRowCount: () => (model ? waterfall.visibleCount() : 0),
    selectSpan(spanID) {
      if (!model) return;
      if (spanID === null) return select(null);
      const i = findSpanIndex(model, spanID);
      if (i >= 0) select(i);
    },
    setAxis(us) {
      axisUs = us;
      if (model && cp) drawAll();
    },
    highlightSpans(spanIDs) {
      if (!model) return 0;
      const idx = findSpanIndices(model, spanIDs);
      mark(idx);
      return idx.length;
    },
    revealSpan(spanID) {
      if (!model) return false;
      const i = findSpanIndex(model, spanID);
      if (i >= 0) waterfall.reveal(i);
      return i >= 0;
    },
    find(query) {
      if (!model) return 0;
      tools.setQuery(query);
      matches = query.trim() ? findSpans(model, query) : new Int32Array(0);
      matchAt = matches.length > 0 ? 0 : -1;
      mark(matches);
      tools.showMatches(matches.length, matchAt, query.trim() !== '');
      if (matchAt >= 0) reveal(matches[0]!);
      return matches.length;
    },
    findStep(d) {
      if (matches.length === 0) return;
      matchAt = (matchAt + d + matches.length) % matches.length;
      tools.showMatches(matches.length, matchAt, true);
      reveal(matches[matchAt]!);
    },
    collapseAll: () => waterfall.collapseAll(),
    expandAll: () => waterfall.expandAll(),
    stepLevel: (d) => waterfall.stepLevel(d),
    zoomTo(a, b) {
      if (!model) return;
      const whole = a === undefined || b === undefined;
      waterfall.setWindow(a, b);
      flame.setWindow(a, b);
      minimap.showWindow(a, b);
      tools.showZoomed(!whole);
    },
    setView(v) {
      view = v;
      for (const [name, el] of Object.entries(panels)) el.hidden = name !== v;
      tools.showView(v);
      if (v === 'Flamegraph') flame.refresh();
      if (v === 'Statistics') stats.refresh();
      if (v === 'Spans') table.refresh();
    },
    timings: () => lastTimings,
  };
  return viewer;
}
