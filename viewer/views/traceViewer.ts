// The trace viewer: header, findings, tools (find, collapse, zoom, views as tabs) and the views, wired to one indexed trace.
import type { Finding } from '../../model/index.ts';
import { findingsOver, loadedFromTrace, type LoadedTrace } from '../model/loadedTrace.ts';
import { zoomWindow } from '../model/timeWindow.ts';
import { findSpanIndex, findSpanIndices, spanIdOf, type TraceModel } from '../model/traceModel.ts';
import { findSpans } from '../model/traceSearch.ts';
import { createFindingsList } from './findingsList.ts';
import { createFlamegraph } from './flamegraph.ts';
import { createMinimap } from './minimap.ts';
import { createSpanDetails } from './spanDetails.ts';
import { createSpanTable } from './spanTable.ts';
import { createTraceHeader } from './traceHeader.ts';
import { createTraceStats } from './traceStats.ts';
import { createTraceTools, type ViewName } from './traceTools.ts';
import type { ShownTrace, TraceView } from './traceView.ts';
import type { ShowTimings, TraceSummary, TraceViewer, TraceViewerOptions } from './traceViewerApi.ts';
import { listenForToolKeys, layOut } from './viewerFrame.ts';
import { createWaterfall, type Waterfall, type WaterfallSnapshot } from './waterfall.ts';
import './viewer.css';

export type { ShowTimings, TraceSummary, TraceViewer, TraceViewerOptions, ViewName };

const BASE_ROW_PX = 34;

/** Span IDs of the collapsed and selected spans, to find them again in a newer copy of the trace. */
function idsOf(m: TraceModel, snap: WaterfallSnapshot): { collapsed: string[]; selected: string | undefined } {
  return { collapsed: snap.collapsed.map((i) => spanIdOf(m, i)), selected: snap.selected >= 0 ? spanIdOf(m, snap.selected) : undefined };
}

export function createTraceViewer(container: HTMLElement, opts: TraceViewerOptions = {}): TraceViewer {
  const header = createTraceHeader();
  const findings = createFindingsList((spans) => {
    mark(spans);
    if (spans.length > 0) reveal(spans[0]!);
  });
  const tools = createTraceTools({
    onFind: (q) => viewer.find(q),
    onStep: (d) => viewer.findStep(d),
    onCollapseAll: () => viewer.collapseAll(),
    onExpandAll: () => viewer.expandAll(),
    onLevel: (d) => viewer.stepLevel(d),
    onResetZoom: () => viewer.zoomTo(),
    onView: (v) => viewer.setView(v),
  });
  const minimap = createMinimap((w) => viewer.zoomTo(w.fromUs, w.toUs));
  const waterfall: Waterfall = createWaterfall({ onSelect: (span) => select(span, waterfall) });
  const details = createSpanDetails(() => select(null));
  const above = opts.header === false ? [findings] : [header, findings];
  /** The views in each tab, top to bottom. */
  const tabs: Record<ViewName, TraceView[]> = {
    Timeline: opts.tools ? [minimap, waterfall] : [waterfall],
    Flamegraph: [createFlamegraph((span) => select(span))],
    Statistics: [createTraceStats()],
    Spans: [createSpanTable((span) => select(span))],
  };
  const beside = opts.details === false ? [] : [details];
  /** Every view on the page: each is shown, cleared, marked, zoomed and told the choice the same way. */
  const views: TraceView[] = [...above, ...Object.values(tabs).flat(), ...beside];
  const { root, message, panels } = layOut(above, tabs, beside, opts.tools ? tools : undefined, tools.idBase);
  container.appendChild(root);

  let shown: ShownTrace | undefined;
  let found: readonly Finding[] = [];
  let matches: Int32Array = new Int32Array(0);
  let matchAt = -1;
  let lastTimings: ShowTimings | undefined;
  let axisUs = opts.axisUs;
  let view: ViewName = 'Timeline';
  let generation = 0;
  const baseRow = Math.max(BASE_ROW_PX, opts.rowHeight ?? BASE_ROW_PX);
  waterfall.setRowHeight(baseRow);

  /** The chosen span (null: none) to every view but the one it was chosen in, which knows already. */
  function select(span: number | null, origin?: TraceView): void {
    if (!shown) return;
    const chosen = span === null || span < 0 ? null : span;
    for (const v of views) if (v !== origin) v.select?.(chosen);
    root.classList.toggle('tv-has-details', !details.element.hidden);
    opts.onSelectSpan?.(chosen === null ? null : spanIdOf(shown.model, chosen));
  }

  function setMessage(text: string): void {
    message.textContent = text;
    message.hidden = text === '';
    root.classList.toggle('tv-empty', !shown);
  }
  setMessage('');

  /** One mask for all the views, built once per search or finding. */
  function mark(spans: ArrayLike<number>): void {
    let mask: Uint8Array | undefined;
    if (shown && spans.length > 0) {
      mask = new Uint8Array(shown.model.count);
      for (let k = 0; k < spans.length; k++) mask[spans[k]!] = 1;
    }
    for (const v of views) v.highlight?.(mask);
  }

  function reveal(span: number): void {
    if (view === 'Timeline') waterfall.reveal(span);
    else select(span);
  }

  function showFindings(list: readonly Finding[]): void {
    found = list;
    if (!shown) return;
    const m = shown.model;
    findings.list(
      list,
      list.map((f) => findSpanIndices(m, f.spanIDs)),
    );
    opts.onFindings?.(list);
  }

  /** Every view draws the trace on show (new, or on a new axis); the tools start over. */
  function drawAll(t: ShownTrace): void {
    shown = t;
    for (const v of views) v.show(t);
    root.classList.remove('tv-has-details');
    tools.reset();
    matches = new Int32Array(0);
    matchAt = -1;
  }

  /** No trace on show: every view empties and the message says why. */
  function empty(text: string): void {
    generation++;
    shown = undefined;
    found = [];
    delete root.dataset.traceId;
    for (const v of views) v.clear();
    root.classList.remove('tv-has-details');
    setMessage(text);
  }

  function showLoaded(t: LoadedTrace, syncFindings?: readonly Finding[]): void {
    // A newer copy of the trace on show (a live trace growing) keeps what the reader opened, shut and chose.
    const snap = shown && shown.model.traceID === t.traceID ? waterfall.snapshot() : undefined;
    const kept = shown && snap && { snap, ids: idsOf(shown.model, snap), detailsOpen: !details.element.hidden };
    const t0 = performance.now();
    if (!t.model || !t.cp) return empty(`This trace cannot be drawn: ${t.problem ?? 'it has no spans'}`);
    const mine = ++generation;
    const model = t.model;
    drawAll({ loaded: t, model, cp: t.cp, axisUs: axisUs ?? model.durationUs });
    setMessage('');
    root.dataset.traceId = t.traceID;
    if (kept) {
      const collapsed = kept.ids.collapsed.map((id) => findSpanIndex(model, id));
      const sel = kept.ids.selected === undefined ? -1 : findSpanIndex(model, kept.ids.selected);
      waterfall.restore({ ...kept.snap, collapsed, selected: sel });
      if (sel >= 0 && kept.detailsOpen) {
        details.select(sel);
        root.classList.add('tv-has-details');
      }
    }
    if (syncFindings) showFindings(syncFindings);
    else {
      found = [];
      t.findings.then(
        (list) => mine === generation && showFindings(list),
        (e: unknown) =>
          mine === generation &&
          findings.waiting(`The hole finder could not read this trace (${e instanceof Error ? e.message : String(e)}).`),
      );
    }
    lastTimings = { modelMs: 0, criticalPathMs: 0, drawMs: performance.now() - t0 };
    if (kept) return;
    // A new trace arriving: replay the arrival animation (CSS turns it off for prefers-reduced-motion).
    root.classList.remove('tv-arrive');
    void root.offsetWidth;
    root.classList.add('tv-arrive');
  }

  const viewer: TraceViewer = {
    element: root,
    show(trace) {
      const t0 = performance.now();
      const t = loadedFromTrace(trace);
      const t1 = performance.now();
      // A trace in memory is analysed at once, so summary() has the findings straight away.
      let list: Finding[] | undefined;
      try {
        list = t.model ? findingsOver(trace, t.model) : [];
      } catch {
        list = undefined;
      }
      showLoaded(t, list);
      const t2 = performance.now();
      lastTimings = { modelMs: t1 - t0, criticalPathMs: 0, drawMs: t2 - t1 };
    },
    showLoaded: (t) => showLoaded(t),
    clear: (text = '') => empty(text),
    setZoom(z) {
      const zoom = Number.isFinite(z) && z > 0 ? Math.min(4, Math.max(0.75, z)) : 1;
      root.style.setProperty('--tv-zoom', String(zoom));
      waterfall.setRowHeight(baseRow * zoom);
    },
    destroy() {
      generation++;
      for (const v of views) v.destroy?.();
      root.remove();
    },
    summary() {
      if (!shown) return undefined;
      const m = shown.model;
      return {
        spanCount: m.count,
        durationUs: m.durationUs,
        services: m.services,
        depth: m.levels,
        errorCount: m.errorCount,
        findings: found,
      };
    },
    openRowCount: () => (shown ? waterfall.visibleCount() : 0),
    selectSpan(spanID) {
      if (!shown) return;
      if (spanID === null) return select(null);
      const i = findSpanIndex(shown.model, spanID);
      if (i >= 0) select(i);
    },
    setAxis(us) {
      axisUs = us;
      if (shown) drawAll({ ...shown, axisUs: us ?? shown.model.durationUs });
    },
    highlightSpans(spanIDs) {
      if (!shown) return 0;
      const idx = findSpanIndices(shown.model, spanIDs);
      mark(idx);
      return idx.length;
    },
    revealSpan(spanID) {
      if (!shown) return false;
      const i = findSpanIndex(shown.model, spanID);
      if (i >= 0) waterfall.reveal(i);
      return i >= 0;
    },
    find(query) {
      if (!shown) return 0;
      tools.setQuery(query);
      matches = query.trim() ? findSpans(shown.model, query) : new Int32Array(0);
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
      if (!shown) return;
      const w = zoomWindow(shown.axisUs, shown.model.durationUs, a, b);
      for (const v of views) v.setWindow?.(w);
      tools.showZoomed(w !== undefined);
    },
    setView(v) {
      view = v;
      for (const [name, el] of Object.entries(panels)) el.hidden = name !== v;
      tools.showView(v);
      for (const shownView of tabs[v]) shownView.refresh?.();
    },
    timings: () => lastTimings,
  };
  if (opts.tools) listenForToolKeys(root, viewer, tools, () => shown !== undefined);
  return viewer;
}
