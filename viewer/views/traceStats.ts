// The Statistics view: where the time went, per service and per operation — counts, self time, critical-path share.
import type { CriticalPath } from '../model/criticalPath.ts';
import { add } from './dom.ts';
import { formatCount, formatDuration, formatShare } from '../model/format.ts';
import { paintService } from './palette.ts';
import type { TraceModel } from '../model/traceModel.ts';
import type { TraceView } from './traceView.ts';

export type TraceStats = Required<Pick<TraceView, 'element' | 'show' | 'clear' | 'refresh'>>;

interface Group {
  service: number;
  operation: number;
  count: number;
  totalUs: number;
  selfUs: number;
  criticalUs: number;
  errors: number;
}

const emptyGroup = (service: number, operation: number): Group => ({
  service,
  operation,
  count: 0,
  totalUs: 0,
  selfUs: 0,
  criticalUs: 0,
  errors: 0,
});

/** Adds `from`'s sums to `into`. */
function addTo(into: Group, from: Pick<Group, 'count' | 'totalUs' | 'selfUs' | 'criticalUs' | 'errors'>): void {
  into.count += from.count;
  into.totalUs += from.totalUs;
  into.selfUs += from.selfUs;
  into.criticalUs += from.criticalUs;
  into.errors += from.errors;
}

/** Operation groups beyond this many are summed into one line: a table of 50k rows helps nobody. */
const MAX_OPERATION_ROWS = 200;

function table(parent: HTMLElement, caption: string, firstColumn: string, groups: Group[], m: TraceModel, withOperation: boolean): void {
  const t = add(parent, 'table', 'tv-stats-table');
  add(t, 'caption', '', caption);
  const head = add(add(t, 'thead', ''), 'tr', '');
  for (const h of [
    firstColumn,
    ...(withOperation ? ['Operation'] : []),
    'Spans',
    'Errors',
    'Total time',
    'Self time',
    'Self share',
    'On the critical path',
    'Critical-path share',
  ]) {
    add(head, 'th', '', h).setAttribute('scope', 'col');
  }
  const body = add(t, 'tbody', '');
  for (const g of groups) {
    const tr = add(body, 'tr', '');
    const name = add(tr, 'th', 'tv-stats-name');
    name.setAttribute('scope', 'row');
    if (g.service >= 0) {
      paintService(add(name, 'span', 'tv-swatch'), g.service);
      add(name, 'span', '', ` ${m.services[g.service] ?? ''}`);
    } else add(name, 'span', '', 'other operations');
    if (withOperation) add(tr, 'td', '', g.operation >= 0 ? (m.operations[g.operation] ?? '') : '');
    const selfShare = g.selfUs / Math.max(1, m.durationUs);
    const cpShare = g.criticalUs / Math.max(1, m.durationUs);
    for (const v of [
      formatCount(g.count),
      formatCount(g.errors),
      formatDuration(g.totalUs),
      formatDuration(g.selfUs),
      formatShare(selfShare),
      formatDuration(g.criticalUs),
      formatShare(cpShare),
    ]) {
      add(tr, 'td', 'tv-num', v);
    }
  }
}

export function createTraceStats(): TraceStats {
  const element = add(null, 'div', 'tv-stats-view');
  let model: TraceModel | undefined;
  let cp: CriticalPath | undefined;
  let drawnFor: TraceModel | undefined;

  function draw(): void {
    const m = model;
    if (!m || !cp || drawnFor === m || element.offsetParent === null) return;
    drawnFor = m;
    element.replaceChildren();
    const perService = new Map<number, Group>();
    const perOp = new Map<number, Group>();
    const opCount = m.operations.length;
    // One span's figures, reused for every span: the loop allocates nothing per span.
    const span = { count: 1, totalUs: 0, selfUs: 0, criticalUs: 0, errors: 0 };
    const tally = (map: Map<number, Group>, k: number, service: number, op: number) => {
      let g = map.get(k);
      if (!g) map.set(k, (g = emptyGroup(service, op)));
      addTo(g, span);
    };
    for (let i = 0; i < m.count; i++) {
      const s = m.service[i]!;
      const op = m.operation[i]!;
      span.totalUs = m.duration[i]!;
      span.selfUs = m.selfTime[i]!;
      span.criticalUs = cp.own[i]!;
      span.errors = m.error[i]!;
      tally(perService, s, s, -1);
      tally(perOp, s * opCount + op, s, op);
    }
    const bySelf = (a: Group, b: Group) => b.criticalUs - a.criticalUs || b.selfUs - a.selfUs;
    add(
      element,
      'p',
      'tv-stats-note',
      'Self time is the part of a span no child covers. The critical path is the chain of work the request waited on: each span owns the part of it where it was the one working (time when no span ran belongs to none).',
    );
    table(element, `Per service (${m.services.length})`, 'Service', [...perService.values()].sort(bySelf), m, false);
    const ops = [...perOp.values()].sort(bySelf);
    if (ops.length > MAX_OPERATION_ROWS) {
      const rest = ops.splice(MAX_OPERATION_ROWS);
      const other = emptyGroup(-1, -1);
      for (const g of rest) addTo(other, g);
      ops.push(other);
    }
    table(element, `Per operation (${perOp.size})`, 'Service', ops, m, true);
  }

  return {
    element,
    show(t) {
      model = t.model;
      cp = t.cp;
      drawnFor = undefined;
      draw();
    },
    refresh: draw,
    clear() {
      model = undefined;
      drawnFor = undefined;
      element.replaceChildren();
    },
  };
}
