// The span rows: a virtualised waterfall that keeps only the rows on screen in the DOM and reuses them while scrolling.
import type { CriticalPath } from '../model/criticalPath.ts';
import { OpenRows } from '../model/openRows.ts';
import { wholeAxis, type TimeWindow } from '../model/timeWindow.ts';
import type { TraceModel } from '../model/traceModel.ts';
import { add } from './dom.ts';
import type { ShownTrace, TraceView } from './traceView.ts';
import { createTimeAxis, fillRowSlot, labelToggle, makeRowSlot, type RowSlot } from './waterfallRows.ts';

export interface WaterfallOptions {
  /** A row was chosen (click, Enter or Space); null when the choice is cleared (Escape). */
  onSelect: (span: number | null) => void;
}

export interface Waterfall extends TraceView {
  setRowHeight(px: number): void;
  /** Collapses every span with children: only the roots stay open. */
  collapseAll(): void;
  expandAll(): void;
  /** Opens (+1) or shuts (−1) one more level of the tree, counted from what is open now. */
  stepLevel(delta: 1 | -1): void;
  /** Rows the tree has open right now (not the DOM rows, which stay few). */
  visibleCount(): number;
  /** Highlights a span's row, opening its ancestors and scrolling to it; null clears the choice. */
  select(span: number | null): void;
  /** Opens the span's ancestors and scrolls its row into view, without choosing it. */
  reveal(span: number): void;
  /** What the reader changed (collapsed spans, scroll, choice), to carry over to a newer copy of the trace. */
  snapshot(): WaterfallSnapshot;
  /** Re-applies a snapshot after show; span indices of −1 are skipped. */
  restore(snap: WaterfallSnapshot): void;
  destroy(): void;
}

export interface WaterfallSnapshot {
  collapsed: number[];
  selected: number;
  scrollTop: number;
}

const OVERSCAN = 4;

let instances = 0;

export function createWaterfall(opts: WaterfallOptions): Waterfall {
  const idBase = `tv${++instances}`;
  const element = add(null, 'div', 'tv-waterfall');
  const axis = createTimeAxis(element);
  const viewport = add(element, 'div', 'tv-viewport');
  viewport.tabIndex = 0;
  viewport.setAttribute('role', 'tree');
  viewport.setAttribute('aria-label', 'Spans of the trace; arrows move, left and right collapse and expand, Enter shows details');
  const spacer = add(viewport, 'div', 'tv-spacer');

  let model: TraceModel | undefined;
  let cp: CriticalPath | undefined;
  let axisUs = 1;
  let win: TimeWindow = wholeAxis(1);
  let open = OpenRows.none();
  let rowH = 32;
  let selected = -1;
  let marked: Uint8Array | undefined;
  /** Bumped whenever what a row shows for the same span changes (model, collapse state). */
  let generation = 0;
  const pool: RowSlot[] = [];
  let frame = 0;

  function render(): void {
    frame = 0;
    if (!model) return;
    const first = Math.max(0, Math.floor(viewport.scrollTop / rowH) - OVERSCAN);
    const { cursor, length } = open;
    for (let i = 0; i < pool.length; i++) {
      const s = pool[i]!;
      const r = first + i;
      if (r >= length) {
        if (s.row !== -1) {
          s.el.hidden = true;
          s.row = -1;
        }
        continue;
      }
      const span = open.span(r);
      if (s.row === -1) s.el.hidden = false;
      if (s.row !== r) {
        s.el.style.transform = `translateY(${r * rowH}px)`;
        s.row = r;
        s.el.classList.toggle('tv-row-odd', (r & 1) === 1);
        s.el.setAttribute('aria-posinset', String(r + 1));
      }
      if (s.span !== span || s.generation !== generation) {
        if (s.span !== span) fillRowSlot(s, model, cp!, span, win);
        s.span = span;
        s.generation = generation;
        labelToggle(s, open.hasChildren(span), open.isCollapsed(span), model.subtreeSize[span]! - 1);
      }
      s.el.classList.toggle('tv-row-selected', span === selected);
      s.el.classList.toggle('tv-row-marked', marked?.[span] === 1);
      s.el.classList.toggle('tv-row-cursor', r === cursor);
      s.el.setAttribute('aria-selected', String(span === selected));
      if (r === cursor) viewport.setAttribute('aria-activedescendant', s.el.id);
    }
  }

  function schedule(): void {
    if (!frame) frame = requestAnimationFrame(render);
  }

  function resizePool(): void {
    // The viewport may have no height of its own yet; the window bounds what can be seen anyway.
    const height = Math.min(viewport.clientHeight || window.innerHeight, window.innerHeight);
    const want = Math.ceil(height / rowH) + 2 * OVERSCAN + 1;
    while (pool.length < want) pool.push(makeRowSlot(viewport, `${idBase}-r${pool.length}`));
    while (pool.length > want) pool.pop()!.el.remove();
  }

  function layout(): void {
    spacer.style.height = `${open.length * rowH}px`;
    viewport.style.setProperty('--tv-row-h', `${rowH}px`);
  }

  /** The open rows changed: relabel the rows on screen and size the scroll area again. */
  function changed(): void {
    generation++;
    layout();
    schedule();
  }

  function ensureRowVisible(row: number): void {
    const top = row * rowH;
    if (top < viewport.scrollTop) viewport.scrollTop = top;
    else if (top + rowH > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + rowH - viewport.clientHeight;
  }

  function moveCursor(row: number): void {
    if (open.length === 0) return;
    open.cursor = Math.max(0, Math.min(open.length - 1, row));
    ensureRowVisible(open.cursor);
    schedule();
  }

  function choose(row: number): void {
    const span = open.span(row);
    selected = span;
    open.cursor = row;
    schedule();
    opts.onSelect(span);
  }

  function onKey(e: KeyboardEvent): void {
    if (!model || open.length === 0) return;
    const act = open.keyAction(e.key, Math.max(1, Math.floor(viewport.clientHeight / rowH) - 1));
    if (act === undefined || (act === 'unchoose' && selected < 0)) return;
    if (act === 'choose') choose(open.cursor);
    else if (act === 'expand' || act === 'collapse') {
      if (act === 'expand' ? open.expandAt(open.cursor) : open.collapseAt(open.cursor)) changed();
    } else if (act === 'unchoose') {
      selected = -1;
      schedule();
      opts.onSelect(null);
    } else moveCursor(act.moveTo);
    // Handled here: keep the deck (reveal.js) from also acting on the key.
    e.preventDefault();
    e.stopPropagation();
  }

  function onClick(e: MouseEvent): void {
    const target = e.target as HTMLElement;
    const rowEl = target.closest<HTMLElement>('.tv-row');
    const slot = rowEl ? pool.find((s) => s.el === rowEl) : undefined;
    if (!slot || slot.row < 0) return;
    if (target.closest('.tv-toggle-on')) {
      open.cursor = slot.row;
      if (open.toggle(slot.span)) changed();
    } else {
      choose(slot.row);
    }
    viewport.focus({ preventScroll: true });
  }

  const onScroll = () => schedule();
  const resizeObserver = new ResizeObserver(() => {
    if (!model) return;
    resizePool();
    schedule();
  });
  viewport.addEventListener('scroll', onScroll, { passive: true });
  viewport.addEventListener('keydown', onKey);
  viewport.addEventListener('click', onClick);
  resizeObserver.observe(viewport);

  return {
    element,
    show(t: ShownTrace) {
      model = t.model;
      cp = t.cp;
      axisUs = t.axisUs > 0 ? t.axisUs : 1;
      open = new OpenRows(t.model);
      marked = undefined;
      win = wholeAxis(axisUs);
      selected = -1;
      generation++;
      for (const s of pool) s.span = -1;
      axis.draw(win);
      layout();
      viewport.scrollTop = 0;
      resizePool();
      render();
    },
    clear() {
      model = undefined;
      cp = undefined;
      axis.clear();
      for (const s of pool) s.el.remove();
      pool.length = 0;
      open = OpenRows.none();
      layout();
    },
    setRowHeight(px) {
      const topRow = Math.floor(viewport.scrollTop / rowH);
      rowH = Math.max(16, Math.round(px));
      layout();
      if (!model) return;
      viewport.scrollTop = topRow * rowH;
      for (const s of pool) s.row = -1;
      resizePool();
      render();
    },
    collapseAll() {
      if (!model) return;
      open.collapseAll();
      changed();
    },
    expandAll() {
      if (!model) return;
      open.expandAll();
      changed();
    },
    stepLevel(delta) {
      if (model && open.stepLevel(delta)) changed();
    },
    setWindow(w) {
      if (!model) return;
      win = w ?? wholeAxis(axisUs);
      axis.draw(win);
      for (const s of pool) s.span = -1; // every bar moves: the slots refill
      changed();
    },
    visibleCount: () => open.length,
    select(span) {
      if (!model) return;
      if (span === null || span < 0 || span >= model.count) {
        selected = -1;
        schedule();
        return;
      }
      if (open.openAncestors(span)) changed();
      selected = span;
      const row = open.rowOf(span);
      if (row >= 0) moveCursor(row);
      schedule();
    },
    highlight(mask) {
      if (!model) return;
      marked = mask;
      schedule();
    },
    reveal(span) {
      if (!model || span < 0 || span >= model.count) return;
      if (open.openAncestors(span)) changed();
      const row = open.rowOf(span);
      if (row < 0) return;
      open.cursor = row;
      // A third of the way down: a match at the very edge is easy to miss, and the rows after it (a finding's
      // other spans, the next matches) stay in view below it.
      viewport.scrollTop = Math.max(0, row * rowH - Math.max(rowH, Math.floor(viewport.clientHeight / 3 / rowH) * rowH));
      schedule();
    },
    snapshot() {
      return { collapsed: open.collapsedSpans(), selected, scrollTop: viewport.scrollTop };
    },
    restore(snap) {
      if (!model) return;
      open.collapseSpans(snap.collapsed);
      changed();
      selected = snap.selected >= 0 && snap.selected < model.count ? snap.selected : -1;
      viewport.scrollTop = snap.scrollTop;
      schedule();
    },
    destroy() {
      if (frame) cancelAnimationFrame(frame);
      resizeObserver.disconnect();
      viewport.removeEventListener('scroll', onScroll);
      viewport.removeEventListener('keydown', onKey);
      viewport.removeEventListener('click', onClick);
      element.remove();
    },
  };
}
