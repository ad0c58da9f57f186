// The Spans view: every span as a table row, sortable by any column; only the rows on screen exist in the DOM.
import type { CriticalPath } from '../model/criticalPath.ts';
import { add } from './dom.ts';
import { formatDuration, formatOffset } from '../model/format.ts';
import { paintService } from './palette.ts';
import { operationOf, serviceOf, type TraceModel } from '../model/traceModel.ts';
import { createViewMarks, type TraceView } from './traceView.ts';

/** Outlines the marked spans and the chosen one; draws only while its tab is open. */
export type SpanTable = Required<Pick<TraceView, 'element' | 'show' | 'clear' | 'highlight' | 'select' | 'refresh'>>;

type Column = {
  name: string;
  key: (m: TraceModel, cp: CriticalPath, i: number) => number;
  text: (m: TraceModel, cp: CriticalPath, i: number) => string;
  num: boolean;
};

const COLUMNS: Column[] = [
  { name: 'Service', key: (m, _c, i) => m.service[i]!, text: (m, _c, i) => serviceOf(m, i), num: false },
  { name: 'Operation', key: (m, _c, i) => m.operation[i]!, text: (m, _c, i) => operationOf(m, i), num: false },
  { name: 'Starts at', key: (m, _c, i) => m.start[i]!, text: (m, _c, i) => formatOffset(m.start[i]!), num: true },
  { name: 'Duration', key: (m, _c, i) => m.duration[i]!, text: (m, _c, i) => formatDuration(m.duration[i]!), num: true },
  { name: 'Self time', key: (m, _c, i) => m.selfTime[i]!, text: (m, _c, i) => formatDuration(m.selfTime[i]!), num: true },
  { name: 'Critical path', key: (_m, c, i) => c.own[i]!, text: (_m, c, i) => (c.own[i]! > 0 ? formatDuration(c.own[i]!) : '—'), num: true },
  { name: 'Error', key: (m, _c, i) => m.error[i]!, text: (m, _c, i) => (m.error[i] ? '⚠ error' : ''), num: false },
];

const ROW_PX = 30;

/** Span indices sorted by a numeric key (strings are ranked first); stable by span index. */
function sortedBy(m: TraceModel, key: (i: number) => number, descending: boolean): Int32Array {
  const n = m.count;
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = key(i);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  out.sort((a, b) => (descending ? keys[b]! - keys[a]! : keys[a]! - keys[b]!) || a - b);
  return out;
}

export function createSpanTable(onSelect: (span: number) => void): SpanTable {
  const element = add(null, 'div', 'tv-table');
  const head = add(element, 'div', 'tv-table-head');
  head.setAttribute('role', 'row');
  const viewport = add(element, 'div', 'tv-table-viewport');
  viewport.setAttribute('role', 'grid');
  viewport.setAttribute('aria-label', 'Spans of the trace as a table');
  const spacer = add(viewport, 'div', 'tv-spacer');
  let model: TraceModel | undefined;
  let cp: CriticalPath | undefined;
  let rows: Int32Array = new Int32Array(0);
  let sortColumn = 2;
  let descending = false;
  const marks = createViewMarks(
    () => model !== undefined,
    () => draw(),
  );
  const pool: HTMLElement[] = [];
  let sortedFor: TraceModel | undefined;

  const buttons = COLUMNS.map((c, k) => {
    const b = add(head, 'button', `tv-table-h${c.num ? ' tv-num' : ''}`, c.name);
    b.type = 'button';
    b.setAttribute('role', 'columnheader');
    b.addEventListener('click', () => {
      descending = sortColumn === k ? !descending : c.num;
      sortColumn = k;
      sortedFor = undefined;
      draw();
    });
    return b;
  });

  function sort(): void {
    const m = model!;
    const c = COLUMNS[sortColumn]!;
    let key = (i: number) => c.key(m, cp!, i);
    // Names sort alphabetically: rank the service or operation names once.
    if (sortColumn <= 1) {
      const names = sortColumn === 0 ? m.services : m.operations;
      const rank = new Float64Array(names.length);
      for (const [r, idx] of [...names.keys()].sort((a, b) => names[a]!.localeCompare(names[b]!)).entries()) rank[idx] = r;
      const raw = key;
      key = (i) => rank[raw(i)]!;
    }
    rows = sortedBy(m, key, descending);
    for (const [k, b] of buttons.entries())
      b.setAttribute('aria-sort', k === sortColumn ? (descending ? 'descending' : 'ascending') : 'none');
    sortedFor = m;
  }

  function draw(): void {
    const m = model;
    if (!m || !cp || element.offsetParent === null) return;
    if (sortedFor !== m) sort();
    spacer.style.height = `${m.count * ROW_PX}px`;
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_PX) - 2);
    const want = Math.ceil((viewport.clientHeight || window.innerHeight) / ROW_PX) + 4;
    while (pool.length < want) {
      const r = add(viewport, 'div', 'tv-table-row');
      r.setAttribute('role', 'row');
      for (const c of COLUMNS) add(r, 'span', c.num ? 'tv-num' : '');
      r.addEventListener('click', () => onSelect(Number(r.dataset.span)));
      pool.push(r);
    }
    pool.forEach((r, k) => {
      const pos = first + k;
      if (pos >= m.count) {
        r.hidden = true;
        return;
      }
      r.hidden = false;
      const i = rows[pos]!;
      r.dataset.span = String(i);
      r.style.transform = `translateY(${pos * ROW_PX}px)`;
      COLUMNS.forEach((c, ck) => {
        const cell = r.children[ck] as HTMLElement;
        cell.textContent = c.text(m, cp!, i);
        if (ck === 0) {
          const sw = document.createElement('span');
          sw.className = 'tv-swatch';
          paintService(sw, m.service[i]!);
          cell.prepend(sw, ' ');
        }
      });
      r.classList.toggle('tv-row-marked', marks.marked?.[i] === 1);
      r.classList.toggle('tv-row-selected', i === marks.selected);
      r.classList.toggle('tv-row-odd', (pos & 1) === 1);
    });
  }
  viewport.addEventListener('scroll', () => requestAnimationFrame(draw), { passive: true });

  return {
    element,
    show(t) {
      model = t.model;
      cp = t.cp;
      sortedFor = undefined;
      marks.reset();
      viewport.scrollTop = 0;
      draw();
    },
    highlight: marks.highlight,
    select: marks.select,
    refresh: draw,
    clear() {
      model = undefined;
      for (const r of pool) r.remove();
      pool.length = 0;
    },
  };
}
