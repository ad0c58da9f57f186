// The details of one span — tags, logs at times relative to the trace, process — written as text only.
import { failedByStatus, statusTagsOf, STATUS_TAG_KEYS, type JaegerKeyValue, type JaegerSpan } from '../../model/index.ts';
import type { CriticalPath } from '../model/criticalPath.ts';
import { formatDuration, formatOffset, formatValue } from '../model/format.ts';
import { paintService } from './palette.ts';
import { operationOf, serviceOf, spanIdOf, type TraceModel } from '../model/traceModel.ts';
import { add } from './dom.ts';
import { reporterOf } from '../model/reporter.ts';
import type { ShownTrace, TraceView } from './traceView.ts';

/** The chosen span's details; hidden while none is chosen. */
export type SpanDetails = Required<Pick<TraceView, 'element' | 'show' | 'clear' | 'select'>>;

function section(parent: HTMLElement, title: string): HTMLElement {
  const s = add(parent, 'div', 'tv-d-section');
  add(s, 'h4', 'tv-d-title', title);
  return s;
}

/** Key/value pairs as a definition list; values are always text. `failing` marks the pairs that make the span failed. */
function pairs(
  parent: HTMLElement,
  kvs: readonly JaegerKeyValue[] | undefined,
  empty: string,
  failing: (kv: JaegerKeyValue) => boolean = () => false,
): void {
  const list = Array.isArray(kvs) ? kvs.filter((kv) => kv && typeof kv === 'object') : [];
  if (list.length === 0) {
    add(parent, 'p', 'tv-d-empty', empty);
    return;
  }
  const dl = add(parent, 'dl', 'tv-d-pairs');
  for (const kv of list) {
    add(dl, 'dt', '', String(kv.key));
    const dd = add(dl, 'dd', '', formatValue(kv));
    if (failing(kv)) dd.classList.add('tv-d-error');
  }
}

export function createSpanDetails(onClose: () => void): SpanDetails {
  const element = document.createElement('aside');
  element.className = 'tv-details';
  element.hidden = true;
  element.setAttribute('aria-label', 'Span details');

  let shown = 0;
  let trace: ShownTrace | undefined;
  const pane = {
    /** The model's facts at once; tags, logs and the rest when `full` arrives (big files keep them on disk). */
    show(m: TraceModel, cp: CriticalPath, i: number, full: Promise<JaegerSpan>) {
      const mine = ++shown;
      element.replaceChildren();
      element.hidden = false;

      const head = add(element, 'header', 'tv-d-head');
      const swatch = add(head, 'span', 'tv-swatch');
      paintService(swatch, m.service[i]!);
      const h = add(head, 'h3', 'tv-d-name');
      add(h, 'span', 'tv-service', serviceOf(m, i));
      add(h, 'span', 'tv-op', operationOf(m, i));
      if (m.error[i]) add(head, 'span', 'tv-err', '⚠ error');
      const close = add(head, 'button', 'tv-d-close', '✕ Close');
      close.type = 'button';
      close.addEventListener('click', onClose);

      const facts: JaegerKeyValue[] = [
        { key: 'Duration', type: 'string', value: formatDuration(m.duration[i]!) },
        { key: 'Starts at', type: 'string', value: formatOffset(m.start[i]!) },
        { key: 'Self time', type: 'string', value: formatDuration(m.selfTime[i]!) },
        { key: 'On the critical path', type: 'string', value: cp.own[i]! > 0 ? formatDuration(cp.own[i]!) : 'no' },
        { key: 'Span ID', type: 'string', value: spanIdOf(m, i) },
      ];
      const p = m.parent[i]!;
      if (p >= 0) facts.push({ key: 'Parent', type: 'string', value: `${operationOf(m, p)} (${spanIdOf(m, p)})` });
      if (m.childCount[i]! > 0) facts.push({ key: 'Children', type: 'string', value: String(m.childCount[i]) });
      pairs(add(element, 'div', 'tv-d-facts'), facts, '');
      const rest = add(element, 'div', 'tv-d-rest');
      add(rest, 'p', 'tv-d-empty', 'Reading tags and logs…');
      element.scrollTop = 0;
      full.then(
        (s) => {
          if (mine !== shown) return;
          rest.replaceChildren();
          fillRest(rest, m, i, s);
        },
        (e: unknown) => {
          if (mine === shown)
            rest.replaceChildren(
              add(null, 'p', 'tv-d-empty', `Could not read this span's tags and logs (${e instanceof Error ? e.message : String(e)}).`),
            );
        },
      );
    },
    hide() {
      shown++;
      element.hidden = true;
      element.replaceChildren();
    },
  };
  return {
    element,
    show(t) {
      trace = t;
      pane.hide();
    },
    clear() {
      trace = undefined;
      pane.hide();
    },
    select(span) {
      if (trace && span !== null && span >= 0) pane.show(trace.model, trace.cp, span, trace.loaded.detail(span));
      else pane.hide();
    },
  };
}

/** Tags, logs, process, references and warnings of the full span, all as text. */
function fillRest(element: HTMLElement, m: TraceModel, i: number, s: JaegerSpan): void {
  // A status tag that fails the span on its own (with the span's kind) is what made it failed.
  const kind = statusTagsOf(s.tags)['span.kind'];
  const causes = (kv: JaegerKeyValue) =>
    kv.key !== 'span.kind' &&
    (STATUS_TAG_KEYS as readonly string[]).includes(kv.key) &&
    failedByStatus({ [kv.key]: kv.value, 'span.kind': kind });
  pairs(section(element, 'Tags'), s.tags, 'No tags.', causes);

  const logs = section(element, 'Logs');
  const entries = Array.isArray(s.logs) ? s.logs : [];
  if (entries.length === 0) add(logs, 'p', 'tv-d-empty', 'No logs.');
  else {
    const ol = add(logs, 'ol', 'tv-d-logs');
    for (const log of entries) {
      const li = add(ol, 'li', 'tv-d-log');
      const at = typeof log?.timestamp === 'number' ? formatOffset(log.timestamp - m.traceStartUs) : 'time unknown';
      add(li, 'span', 'tv-d-logtime', at);
      pairs(li, log?.fields, 'no fields');
    }
  }

  const proc = m.processes[s.processID];
  const pr = section(element, 'Process');
  const reporter = reporterOf(proc);
  pairs(
    pr,
    [
      { key: 'service', type: 'string', value: serviceOf(m, i) },
      ...(reporter ? [{ key: 'reported by', type: 'string' as const, value: reporter }] : []),
      ...(proc?.tags ?? []),
    ],
    '',
  );

  const refs = Array.isArray(s.references) ? s.references : [];
  if (refs.length > 0) {
    pairs(
      section(element, 'References'),
      refs.map((r: JaegerSpan['references'][number]) => ({ key: String(r?.refType), type: 'string' as const, value: String(r?.spanID) })),
      '',
    );
  }
  if (Array.isArray(s.warnings) && s.warnings.length > 0) {
    const w = section(element, 'Warnings');
    const ul = add(w, 'ul', 'tv-d-warnings');
    for (const text of s.warnings) add(ul, 'li', '', String(text));
  }
}
