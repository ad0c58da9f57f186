// The viewer's toolbar: "Find in trace" with match count and stepping, collapse/expand all and by level, zoom reset, view tabs.
import { add } from './dom.ts';
import { formatCount } from '../model/format.ts';

const VIEWS = ['Timeline', 'Flamegraph', 'Statistics', 'Spans'] as const;
export type ViewName = (typeof VIEWS)[number];

export interface TraceToolsEvents {
  onFind(query: string): void;
  onStep(delta: 1 | -1): void;
  onCollapseAll(): void;
  onExpandAll(): void;
  onLevel(delta: 1 | -1): void;
  onResetZoom(): void;
  onView(view: ViewName): void;
}

export interface TraceTools {
  readonly element: HTMLElement;
  /** Prefix of the tab panels' ids (aria-controls). */
  readonly idBase: string;
  showMatches(count: number, at: number, searching: boolean): void;
  showZoomed(zoomed: boolean): void;
  showView(view: ViewName): void;
  focusFind(): void;
  /** Puts words in the find box (a deep link, a script) without firing a search. */
  setQuery(query: string): void;
  /** A new trace: the find box keeps its words, the count and zoom start over. */
  reset(): void;
}

let instances = 0;

function button(parent: HTMLElement, text: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = add(parent, 'button', 'tv-tool', text);
  b.type = 'button';
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

export function createTraceTools(on: TraceToolsEvents): TraceTools {
  const idBase = `tvt${++instances}`;
  const element = add(null, 'div', 'tv-tools');
  const findBox = add(element, 'div', 'tv-find');
  findBox.setAttribute('role', 'search');
  const input = add(findBox, 'input', 'tv-find-input');
  input.type = 'search';
  input.placeholder = 'Find in trace';
  input.setAttribute('aria-label', 'Find in trace');
  input.title = 'Service, operation, tag or log value; Enter for the next match, Shift+Enter for the previous';
  const count = add(findBox, 'span', 'tv-find-count');
  count.setAttribute('aria-live', 'polite');
  button(findBox, '↑', 'Previous match (Shift+Enter)', () => on.onStep(-1)).setAttribute('aria-label', 'Previous match');
  button(findBox, '↓', 'Next match (Enter)', () => on.onStep(1)).setAttribute('aria-label', 'Next match');
  input.addEventListener('input', () => on.onFind(input.value));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') on.onStep(e.shiftKey ? -1 : 1);
    else if (e.key === 'Escape' && input.value) {
      input.value = '';
      on.onFind('');
    } else return;
    e.preventDefault();
    e.stopPropagation();
  });

  const tree = add(element, 'div', 'tv-tool-group');
  tree.setAttribute('role', 'group');
  tree.setAttribute('aria-label', 'Collapse and expand');
  button(tree, 'Collapse all', 'Collapse all ( ] )', on.onCollapseAll);
  button(tree, 'Expand all', 'Expand all ( [ )', on.onExpandAll);
  button(tree, '− level', 'Collapse one level ( - )', () => on.onLevel(-1)).setAttribute('aria-label', 'Collapse one level');
  button(tree, '+ level', 'Expand one level ( + )', () => on.onLevel(1)).setAttribute('aria-label', 'Expand one level');
  const reset = button(element, 'Reset zoom', 'Show the whole trace again (drag across the overview to zoom)', on.onResetZoom);
  reset.disabled = true;

  const tabs = add(element, 'div', 'tv-tabs');
  tabs.setAttribute('role', 'tablist');
  tabs.setAttribute('aria-label', 'Views of the trace');
  const tabButtons = VIEWS.map((v) => {
    const b = add(tabs, 'button', 'tv-tab', v);
    b.type = 'button';
    b.setAttribute('role', 'tab');
    b.setAttribute('aria-controls', `${idBase}-${v}`);
    b.addEventListener('click', () => on.onView(v));
    return b;
  });
  tabs.addEventListener('keydown', (e) => {
    const at = tabButtons.indexOf(e.target as HTMLButtonElement);
    if (at < 0 || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    const next = tabButtons[(at + (e.key === 'ArrowRight' ? 1 : VIEWS.length - 1)) % VIEWS.length]!;
    next.focus();
    on.onView(VIEWS[tabButtons.indexOf(next)]!);
    e.preventDefault();
  });

  const tools: TraceTools = {
    element,
    idBase,
    showMatches(n, at, searching) {
      count.textContent = !searching ? '' : n === 0 ? 'no matches' : `${formatCount(at + 1)} of ${formatCount(n)}`;
      findBox.classList.toggle('tv-find-none', searching && n === 0);
    },
    showZoomed(zoomed) {
      reset.disabled = !zoomed;
    },
    showView(v) {
      tabButtons.forEach((b, k) => {
        b.setAttribute('aria-selected', String(VIEWS[k] === v));
        b.tabIndex = VIEWS[k] === v ? 0 : -1;
      });
    },
    focusFind: () => input.focus(),
    setQuery(q) {
      if (input.value !== q) input.value = q;
    },
    reset() {
      reset.disabled = true;
      count.textContent = '';
    },
  };
  tools.showView('Timeline');
  return tools;
}
