// The span rows: a virtualised waterfall that keeps only the rows on screen in the DOM and reuses them while scrolling.
// Longer than most files here: the rows, their keyboard, collapse state and window must agree on one open-rows array.
import type { CriticalPath } from './criticalPath.ts';
import { add } from './dom.ts';
import { formatDuration } from './format.ts';
import { paintService } from './palette.ts';
import { operationOf, serviceOf, type TraceModel } from './traceModel.ts';

export interface WaterfallOptions {
  /** A row was chosen (click, Enter or Space); null when the choice is cleared (Escape). */
  onSelect: (span: number | null) => void;
}

export interface Waterfall {
  /** The axis and the scrolling rows, to be placed by the caller. */
  readonly element: HTMLElement;
  /** The focusable, scrolling list (role tree). */
  readonly viewport: HTMLElement;
  /** `axisUs` is the time the full track width stands for (shared by a before/after comparison). */
  setModel(model: TraceModel, cp: CriticalPath, axisUs: number): void;
  clear(): void;
  setRowHeight(px: number): void;
  collapse(span: number): void;
  expand(span: number): void;
  toggle(span: number): void;
  /** Collapses every span with children: only the roots stay open. */
  collapseAll(): void;
  expandAll(): void;
  /** Opens (+1) or shuts (−1) one more level of the tree, counted from what is open now. */
  stepLevel(delta: 1 | -1): void;
  /** Shows only [fromUs, toUs) of the trace across the track (µs from the trace start); undefined = all. */
  setWindow(fromUs: number | undefined, toUs?: number): void;
  /** Rows the tree has open right now (not the DOM rows, which stay few). */
  visibleCount(): number;
  /** Highlights a span's row, opening its ancestors and scrolling to it. */
  select(span: number | null): void;
  /** Marks the rows of the spans set to 1 (search matches, a finding's spans); undefined clears. The mask is shared with the other views. */
  highlight(marked: Uint8Array | undefined): void;
  /** Opens the span's ancestors and scrolls its row into view, without choosing it. */
  reveal(span: number): void;
  /** What the reader changed (collapsed spans, scroll, choice), to carry over to a newer copy of the trace. */
  snapshot(): WaterfallSnapshot;
  /** Re-applies a snapshot after setModel; span indices of −1 are skipped. */
  restore(snap: WaterfallSnapshot): void;
  destroy(): void;
}

export interface WaterfallSnapshot {
  collapsed: number[];
  selected: number;
  scrollTop: number;
}

/** One reusable DOM row and what it currently shows. */
interface RowSlot {
  el: HTMLElement;
  toggle: HTMLElement;
  swatch: HTMLElement;
  service: HTMLElement;
  op: HTMLElement;
  err: HTMLElement;
  bar: HTMLElement;
  cp: HTMLElement;
  dur: HTMLElement;
  segs: HTMLElement[];
  row: number;
  span: number;
  generation: number;
}

const OVERSCAN = 4;
const TICKS = [0, 0.25, 0.5, 0.75, 1];
/** Deeper levels stop indenting so the names keep their room; the level is still announced. */
const MAX_INDENT_LEVELS = 14;

/** A parent of thousands of sequential calls would need thousands of stripes; nearby ones merge. */
const MAX_STRIPES = 64;

/** The span's critical-path segments as [start, end, start, end…], merged down to at most ~MAX_STRIPES. */
function stripesOf(c: CriticalPath, span: number, dur: number): number[] {
  const from = c.segOffset[span]!;
  const count = c.segOffset[span + 1]! - from;
  const out: number[] = [];
  if (count <= MAX_STRIPES) {
    for (let k = from; k < from + count; k++) out.push(c.segStart[k]!, c.segEnd[k]!);
    return out;
  }
  const order = Array.from({ length: count }, (_, k) => from + k).sort((a, b) => c.segStart[a]! - c.segStart[b]!);
  const gap = dur / MAX_STRIPES;
  for (const k of order) {
    const last = out.length - 1;
    if (last > 0 && c.segStart[k]! - out[last]! < gap) out[last] = Math.max(out[last]!, c.segEnd[k]!);
    else out.push(c.segStart[k]!, c.segEnd[k]!);
  }
  return out;
}

let instances = 0;

export function createWaterfall(opts: WaterfallOptions): Waterfall {
  const idBase = `tv${++instances}`;
  const element = add(null, 'div', 'tv-waterfall');
  const axis = add(element, 'div', 'tv-axis');
  axis.setAttribute('aria-hidden', 'true');
  add(axis, 'div', 'tv-axis-label', 'Service · operation');
  add(axis, 'div', 'tv-axis-dur', 'Took');
  const axisTrack = add(axis, 'div', 'tv-axis-track');
  const tickLabels = TICKS.map((f, k) => {
    const t = add(axisTrack, 'span', 'tv-tick');
    t.style.left = `${f * 100}%`;
    if (k === 0) t.classList.add('tv-tick-first');
    if (k === TICKS.length - 1) t.classList.add('tv-tick-last');
    return t;
  });

  const viewport = add(element, 'div', 'tv-viewport');
  viewport.tabIndex = 0;
  viewport.setAttribute('role', 'tree');
  viewport.setAttribute('aria-label', 'Spans of the trace; arrows move, left and right collapse and expand, Enter shows details');
  const spacer = add(viewport, 'div', 'tv-spacer');

  let model: TraceModel | undefined;
  let cp: CriticalPath | undefined;
  let axisUs = 1;
  let winFrom = 0;
  let winTo = 1;
  let visible = new Int32Array(0);
  let visibleLen = 0;
  let collapsed = new Uint8Array(0);
  let collapsedCount = 0;
  let rowH = 32;
  let cursor = 0;
  let selected = -1;
  let marked: Uint8Array | undefined;
  /** Bumped whenever what a row shows for the same span changes (model, collapse state). */
  let generation = 0;
  const pool: RowSlot[] = [];
  let frame = 0;

  function makeSlot(): RowSlot {
    const row = add(viewport, 'div', 'tv-row');
    row.hidden = true;
    row.setAttribute('role', 'treeitem');
    row.id = `${idBase}-r${pool.length}`;
    const label = add(row, 'div', 'tv-label');
    const toggle = add(label, 'span', 'tv-toggle');
    toggle.setAttribute('aria-hidden', 'true');
    const swatch = add(label, 'span', 'tv-swatch');
    const service = add(label, 'span', 'tv-service');
    const op = add(label, 'span', 'tv-op');
    const err = add(label, 'span', 'tv-err');
    err.textContent = '⚠ error';
    const dur = add(row, 'span', 'tv-dur');
    const track = add(row, 'div', 'tv-track');
    const bar = add(track, 'div', 'tv-bar');
    const cpLayer = add(bar, 'div', 'tv-cp');
    return { el: row, toggle, swatch, service, op, err, bar, cp: cpLayer, dur, segs: [], row: -1, span: -1, generation: -1 };
  }

  function fillSlot(s: RowSlot, span: number): void {
    const m = model!;
    const d = m.depth[span]!;
    s.el.style.setProperty('--tv-depth', String(Math.min(d, MAX_INDENT_LEVELS)));
    s.el.setAttribute('aria-level', String(d + 1));
    s.el.dataset.span = String(span);
    const serviceName = serviceOf(m, span);
    paintService(s.swatch, m.service[span]!);
    paintService(s.bar, m.service[span]!);
    s.service.textContent = serviceName;
    s.op.textContent = operationOf(m, span);
    const isError = m.error[span] === 1;
    s.err.hidden = !isError;
    s.el.classList.toggle('tv-row-error', isError);

    const start = m.start[span]!;
    const dur = m.duration[span]!;
    const scale = winTo - winFrom;
    const left = ((start - winFrom) / scale) * 100;
    const width = (dur / scale) * 100;
    s.bar.style.left = `${left}%`;
    s.bar.style.width = `max(2px, ${width}%)`;
    s.dur.textContent = formatDuration(dur);

    // Critical-path stripes, positioned within the bar.
    const stripes = stripesOf(cp!, span, dur);
    const count = stripes.length / 2;
    while (s.segs.length < count) s.segs.push(add(s.cp, 'div', 'tv-cpseg'));
    for (let k = 0; k < s.segs.length; k++) {
      const seg = s.segs[k]!;
      if (k >= count || dur <= 0) {
        seg.hidden = true;
        continue;
      }
      seg.hidden = false;
      seg.style.left = `${((stripes[2 * k]! - start) / dur) * 100}%`;
      seg.style.width = `max(2px, ${((stripes[2 * k + 1]! - stripes[2 * k]!) / dur) * 100}%)`;
    }
    s.el.classList.toggle('tv-row-critical', count > 0);
  }

  function render(): void {
    frame = 0;
    if (!model) return;
    const first = Math.max(0, Math.floor(viewport.scrollTop / rowH) - OVERSCAN);
    for (let i = 0; i < pool.length; i++) {
      const s = pool[i]!;
      const r = first + i;
      if (r >= visibleLen) {
        if (s.row !== -1) {
          s.el.hidden = true;
          s.row = -1;
        }
        continue;
      }
      const span = visible[r]!;
      if (s.row === -1) s.el.hidden = false;
      if (s.row !== r) {
        s.el.style.transform = `translateY(${r * rowH}px)`;
        s.row = r;
        s.el.classList.toggle('tv-row-odd', (r & 1) === 1);
        s.el.setAttribute('aria-posinset', String(r + 1));
      }
      if (s.span !== span || s.generation !== generation) {
        if (s.span !== span) fillSlot(s, span);
        s.span = span;
        s.generation = generation;
        const hasKids = model.childCount[span]! > 0;
        const isCollapsed = collapsed[span] === 1;
        s.toggle.textContent = hasKids ? (isCollapsed ? '▸' : '▾') : '';
        s.toggle.classList.toggle('tv-toggle-on', hasKids);
        if (hasKids) s.el.setAttribute('aria-expanded', String(!isCollapsed));
        else s.el.removeAttribute('aria-expanded');
        s.el.title = hasKids && isCollapsed ? `${model.subtreeSize[span]! - 1} spans hidden` : '';
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
    while (pool.length < want) pool.push(makeSlot());
    while (pool.length > want) pool.pop()!.el.remove();
  }

  function layout(): void {
    spacer.style.height = `${visibleLen * rowH}px`;
    viewport.style.setProperty('--tv-row-h', `${rowH}px`);
  }

  /** Position of `span` in the open rows, or −1. The open rows keep display order, so binary search works. */
  function rowOf(span: number): number {
    const m = model!;
    const key = m.orderPos[span]!;
    let lo = 0;
    let hi = visibleLen - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = m.orderPos[visible[mid]!]!;
      if (v === key) return mid;
      if (v < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Hides the open rows under `row`: work proportional to them (plus one block move of the tail). */
  function collapseAt(row: number): void {
    const m = model!;
    const span = visible[row]!;
    if (collapsed[span] || m.childCount[span] === 0) return;
    collapsed[span] = 1;
    collapsedCount++;
    // The open rows under `span` are the run after it whose display positions stay inside its
    // subtree; the open rows keep display order, so a binary search finds the run's end.
    const endPos = m.orderPos[span]! + m.subtreeSize[span]!;
    let lo = row + 1;
    let hi = visibleLen;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (m.orderPos[visible[mid]!]! < endPos) lo = mid + 1;
      else hi = mid;
    }
    const j = lo;
    visible.copyWithin(row + 1, j, visibleLen);
    visibleLen -= j - row - 1;
    if (cursor > row) cursor = cursor >= j ? cursor - (j - row - 1) : row;
    changed();
  }

  /** Shows the subtree under `row`, skipping what stays collapsed inside it. */
  function expandAt(row: number): void {
    const m = model!;
    const span = visible[row]!;
    if (!collapsed[span]) return;
    collapsed[span] = 0;
    collapsedCount--;
    const from = m.orderPos[span]! + 1;
    const endPos = m.orderPos[span]! + m.subtreeSize[span]!;
    let added: Int32Array;
    let count: number;
    if (collapsedCount === 0) {
      // Nothing else is shut: the subtree opens as one block copy of the display order.
      added = m.order.subarray(from, endPos);
      count = added.length;
    } else {
      added = new Int32Array(endPos - from);
      count = 0;
      for (let p = from; p < endPos; ) {
        const s = m.order[p]!;
        added[count++] = s;
        p += collapsed[s] ? m.subtreeSize[s]! : 1;
      }
    }
    visible.copyWithin(row + 1 + count, row + 1, visibleLen);
    visible.set(added.subarray(0, count), row + 1);
    visibleLen += count;
    if (cursor > row) cursor += count;
    changed();
  }

  /** Rebuilds the open rows from `collapsed` in one pass over the display order. */
  function rebuildOpenRows(): void {
    const { order, subtreeSize, count } = model!;
    let len = 0;
    for (let p = 0; p < count; ) {
      const s = order[p]!;
      visible[len++] = s;
      p += collapsed[s] ? subtreeSize[s]! : 1;
    }
    visibleLen = len;
    cursor = Math.min(cursor, Math.max(0, len - 1));
    changed();
  }

  function drawTicks(): void {
    TICKS.forEach((f, k) => (tickLabels[k]!.textContent = f === 0 && winFrom === 0 ? '0' : formatDuration(winFrom + f * (winTo - winFrom))));
  }

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
    if (visibleLen === 0) return;
    cursor = Math.max(0, Math.min(visibleLen - 1, row));
    ensureRowVisible(cursor);
    schedule();
  }

  function choose(row: number): void {
    const span = visible[row]!;
    selected = span;
    cursor = row;
    schedule();
    opts.onSelect(span);
  }

  function onKey(e: KeyboardEvent): void {
    if (!model || visibleLen === 0) return;
    const span = visible[cursor]!;
    const page = Math.max(1, Math.floor(viewport.clientHeight / rowH) - 1);
    switch (e.key) {
      case 'ArrowDown': moveCursor(cursor + 1); break;
      case 'ArrowUp': moveCursor(cursor - 1); break;
      case 'PageDown': moveCursor(cursor + page); break;
      case 'PageUp': moveCursor(cursor - page); break;
      case 'Home': moveCursor(0); break;
      case 'End': moveCursor(visibleLen - 1); break;
      case 'ArrowRight':
        if (model.childCount[span]! > 0 && collapsed[span]) expandAt(cursor);
        else if (model.childCount[span]! > 0) moveCursor(cursor + 1);
        break;
      case 'ArrowLeft': {
        if (model.childCount[span]! > 0 && !collapsed[span]) collapseAt(cursor);
        else if (model.parent[span]! >= 0) moveCursor(rowOf(model.parent[span]!));
        break;
      }
      case 'Enter':
      case ' ':
        choose(cursor);
        break;
      case 'Escape':
        if (selected < 0) return;
        selected = -1;
        schedule();
        opts.onSelect(null);
        break;
      default:
        return;
    }
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
      cursor = slot.row;
      if (collapsed[slot.span]) expandAt(slot.row);
      else collapseAt(slot.row);
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

  function clearRows(): void {
    for (const s of pool) s.el.remove();
    pool.length = 0;
    visibleLen = 0;
    layout();
  }

  return {
    element,
    viewport,
    setModel(m, c, axis) {
      model = m;
      cp = c;
      axisUs = axis > 0 ? axis : 1;
      visible = m.order.slice();
      visibleLen = m.count;
      collapsed = new Uint8Array(m.count);
      marked = undefined;
      winFrom = 0;
      winTo = axisUs;
      collapsedCount = 0;
      cursor = 0;
      selected = -1;
      generation++;
      for (const s of pool) s.span = -1;
      drawTicks();
      layout();
      viewport.scrollTop = 0;
      resizePool();
      render();
    },
    clear() {
      model = undefined;
      cp = undefined;
      for (const t of tickLabels) t.textContent = '';
      clearRows();
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
    collapse(span) {
      if (!model) return;
      const row = rowOf(span);
      if (row >= 0) collapseAt(row);
      else if (!collapsed[span] && model.childCount[span]! > 0) {
        collapsed[span] = 1;
        collapsedCount++;
      }
    },
    expand(span) {
      if (!model) return;
      const row = rowOf(span);
      if (row >= 0) expandAt(row);
      else if (collapsed[span]) {
        collapsed[span] = 0;
        collapsedCount--;
      }
    },
    toggle(span) {
      if (!model) return;
      if (collapsed[span]) this.expand(span);
      else this.collapse(span);
    },
    collapseAll() {
      if (!model) return;
      let shut = 0;
      const { childCount, count } = model;
      for (let i = 0; i < count; i++) shut += collapsed[i] = childCount[i]! > 0 ? 1 : 0;
      collapsedCount = shut;
      rebuildOpenRows();
    },
    expandAll() {
      if (!model) return;
      collapsed.fill(0);
      collapsedCount = 0;
      visible.set(model.order);
      visibleLen = model.count;
      changed();
    },
    stepLevel(delta) {
      if (!model) return;
      // The open depth: the deepest level of rows on show; one level more or less than that stays open.
      let deepest = 0;
      const { depth, childCount, count } = model;
      for (let r = 0; r < visibleLen; r++) if (depth[visible[r]!]! > deepest) deepest = depth[visible[r]!]!;
      const allOpen = collapsedCount === 0;
      const keep = delta > 0 ? deepest + 1 : Math.max(0, deepest - 1);
      if (delta > 0 && allOpen) return;
      let shut = 0;
      for (let i = 0; i < count; i++) shut += collapsed[i] = childCount[i]! > 0 && depth[i]! >= keep ? 1 : 0;
      collapsedCount = shut;
      rebuildOpenRows();
    },
    setWindow(from, to) {
      if (!model) return;
      if (from === undefined || to === undefined || !(to > from)) {
        winFrom = 0;
        winTo = axisUs;
      } else {
        winFrom = Math.max(0, from);
        winTo = Math.min(Math.max(axisUs, model.durationUs), to);
      }
      drawTicks();
      for (const s of pool) s.span = -1;
      changed();
    },
    visibleCount: () => visibleLen,
    select(span) {
      if (!model) return;
      if (span === null || span < 0 || span >= model.count) {
        selected = -1;
        schedule();
        return;
      }
      // Open every collapsed ancestor, outermost first, so the row exists.
      const chain: number[] = [];
      for (let p = model.parent[span]!; p >= 0; p = model.parent[p]!) chain.push(p);
      for (let k = chain.length - 1; k >= 0; k--) if (collapsed[chain[k]!]) this.expand(chain[k]!);
      selected = span;
      const row = rowOf(span);
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
      for (let p = model.parent[span]!, chain: number[] = []; ; p = model.parent[p]!) {
        if (p < 0) {
          for (let k = chain.length - 1; k >= 0; k--) if (collapsed[chain[k]!]) this.expand(chain[k]!);
          break;
        }
        chain.push(p);
      }
      const row = rowOf(span);
      if (row < 0) return;
      cursor = row;
      // Centre the row: a match at the very edge is easy to miss.
      viewport.scrollTop = Math.max(0, row * rowH - viewport.clientHeight / 2 + rowH / 2);
      schedule();
    },
    snapshot() {
      const shut: number[] = [];
      for (let i = 0; i < collapsed.length; i++) if (collapsed[i]) shut.push(i);
      return { collapsed: shut, selected, scrollTop: viewport.scrollTop };
    },
    restore(snap) {
      if (!model) return;
      // Outermost first, so each is collapsed while still on screen (cheapest path).
      const order = snap.collapsed.filter((i) => i >= 0 && i < model!.count).sort((a, b) => model!.orderPos[a]! - model!.orderPos[b]!);
      for (const i of order) this.collapse(i);
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
