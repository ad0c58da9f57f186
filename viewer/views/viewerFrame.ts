// The trace viewer's frame: where each view sits (above the tabs, in a tab, beside them) and the tools' keyboard keys.
import { add } from './dom.ts';
import type { TraceTools, ViewName } from './traceTools.ts';
import type { TraceView } from './traceView.ts';

/** The viewer's frame: views above the tabs, the status line, the tools, the tab panels, and views beside them. */
export function layOut(
  above: TraceView[],
  tabs: Record<ViewName, TraceView[]>,
  beside: TraceView[],
  tools: TraceTools | undefined,
  idBase: string,
) {
  const root = add(null, 'div', 'tv');
  for (const v of above) root.append(v.element);
  const message = add(root, 'p', 'tv-message');
  message.setAttribute('role', 'status');
  if (tools) root.append(tools.element);
  const body = add(root, 'div', 'tv-body');
  const all = add(body, 'div', 'tv-views');
  const panels = {} as Record<ViewName, HTMLElement>;
  for (const [name, list] of Object.entries(tabs) as [ViewName, TraceView[]][]) {
    const panel = (panels[name] = add(all, 'div', name === 'Timeline' ? 'tv-view tv-view-timeline' : 'tv-view'));
    panel.id = `${idBase}-${name}`;
    panel.setAttribute('role', 'tabpanel');
    panel.hidden = name !== 'Timeline';
    for (const v of list) panel.append(v.element);
  }
  for (const v of beside) body.append(v.element);
  return { root, message, panels };
}

interface TreeTools {
  collapseAll(): void;
  expandAll(): void;
  stepLevel(delta: 1 | -1): void;
}

/** Keys for the tools, as a Jaeger UI user knows them; not while typing in the find box, nor with no trace on show. */
export function listenForToolKeys(root: HTMLElement, tree: TreeTools, tools: TraceTools, hasTrace: () => boolean): void {
  const act: Record<string, () => void> = {
    ']': () => tree.collapseAll(),
    '[': () => tree.expandAll(),
    '-': () => tree.stepLevel(-1),
    '+': () => tree.stepLevel(1),
    '=': () => tree.stepLevel(1),
    '/': () => tools.focusFind(),
  };
  root.addEventListener('keydown', (e) => {
    if (!hasTrace() || (e.target as HTMLElement).closest('input, select, textarea') || e.ctrlKey || e.metaKey || e.altKey) return;
    const f = act[e.key];
    if (!f) return;
    f();
    e.preventDefault();
    e.stopPropagation();
  });
}
