// The waterfall's parts that draw: its time axis, and one reusable DOM row filled with a span (name, bar, critical-path stripes).
import type { CriticalPath } from '../model/criticalPath.ts';
import { formatDuration } from '../model/format.ts';
import { placeInWindow, timesAcross, type TimeWindow } from '../model/timeWindow.ts';
import { operationOf, serviceOf, type TraceModel } from '../model/traceModel.ts';
import { add } from './dom.ts';
import { paintService } from './palette.ts';

/** One reusable DOM row and what it currently shows. */
export interface RowSlot {
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
  /** The open row it stands for, −1 when hidden. */
  row: number;
  span: number;
  /** The waterfall's generation it was last labelled in (collapse state, model). */
  generation: number;
}

const TICKS = [0, 0.25, 0.5, 0.75, 1];
/** Deeper levels stop indenting so the names keep their room; the level is still announced. */
const MAX_INDENT_LEVELS = 14;
/** A parent of thousands of sequential calls would need thousands of stripes; nearby ones merge. */
const MAX_STRIPES = 64;

/** The span's critical-path segments as [start, end, start, end…], merged down to at most ~MAX_STRIPES. */
export function stripesOf(c: CriticalPath, span: number, dur: number): number[] {
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

/** The header line above the rows: the column names and the time ticks of the window on show. */
export function createTimeAxis(parent: HTMLElement): { draw(w: TimeWindow): void; clear(): void } {
  const axis = add(parent, 'div', 'tv-axis');
  axis.setAttribute('aria-hidden', 'true');
  add(axis, 'div', 'tv-axis-label', 'Service · operation');
  add(axis, 'div', 'tv-axis-dur', 'Took');
  const track = add(axis, 'div', 'tv-axis-track');
  const labels = TICKS.map((f, k) => {
    const t = add(track, 'span', 'tv-tick');
    t.style.left = `${f * 100}%`;
    if (k === 0) t.classList.add('tv-tick-first');
    if (k === TICKS.length - 1) t.classList.add('tv-tick-last');
    return t;
  });
  return {
    draw(w) {
      const times = timesAcross(w, TICKS);
      for (const [k, l] of labels.entries()) l.textContent = k === 0 && w.fromUs === 0 ? '0' : formatDuration(times[k]!);
    },
    clear() {
      for (const l of labels) l.textContent = '';
    },
  };
}

export function makeRowSlot(viewport: HTMLElement, id: string): RowSlot {
  const row = add(viewport, 'div', 'tv-row');
  row.hidden = true;
  row.setAttribute('role', 'treeitem');
  row.id = id;
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

/** Writes what the row shows of `span`: everything but its place, its open/closed mark and its highlights. */
export function fillRowSlot(s: RowSlot, m: TraceModel, cp: CriticalPath, span: number, w: TimeWindow): void {
  const d = m.depth[span]!;
  s.el.style.setProperty('--tv-depth', String(Math.min(d, MAX_INDENT_LEVELS)));
  s.el.setAttribute('aria-level', String(d + 1));
  s.el.dataset.span = String(span);
  paintService(s.swatch, m.service[span]!);
  paintService(s.bar, m.service[span]!);
  s.service.textContent = serviceOf(m, span);
  s.op.textContent = operationOf(m, span);
  const isError = m.error[span] === 1;
  s.err.hidden = !isError;
  s.el.classList.toggle('tv-row-error', isError);

  const start = m.start[span]!;
  const dur = m.duration[span]!;
  const place = placeInWindow(w, start, dur);
  s.bar.style.left = `${place.left}%`;
  s.bar.style.width = `max(2px, ${place.width}%)`;
  s.dur.textContent = formatDuration(dur);

  // Critical-path stripes, positioned within the bar.
  const stripes = stripesOf(cp, span, dur);
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

/** The row's open/closed mark and its tooltip, redrawn when the collapse state changes. */
export function labelToggle(s: RowSlot, hasKids: boolean, isCollapsed: boolean, hiddenSpans: number): void {
  s.toggle.textContent = hasKids ? (isCollapsed ? '▸' : '▾') : '';
  s.toggle.classList.toggle('tv-toggle-on', hasKids);
  if (hasKids) s.el.setAttribute('aria-expanded', String(!isCollapsed));
  else s.el.removeAttribute('aria-expanded');
  s.el.title = hasKids && isCollapsed ? `${hiddenSpans} spans hidden` : '';
}
