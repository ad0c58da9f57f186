// Two traces side by side on one time scale — before and after a hole was plugged — with the difference in words.
import { diffTraces } from '../../analysis/index.ts';
import type { JaegerTrace } from '../../model/index.ts';
import { loadedFromTrace, type LoadedTrace } from '../model/loadedTrace.ts';
import { add } from './dom.ts';
import { describeDelta, formatDuration } from '../model/format.ts';
import { createTraceViewer, type TraceViewer } from './traceViewer.ts';
import './traceCompare.css';

export { describeDelta };

export interface TraceCompare {
  show(before: JaegerTrace, after: JaegerTrace, caption?: string): void;
  /** The same for traces the worker loaded (the standalone page). */
  showLoaded(before: LoadedTrace, after: LoadedTrace, caption?: string): void;
  setZoom(zoom: number): void;
  /** Highlights these spans in each pane, opens and scrolls to the first, and names them above the pane (call once the panes are on screen). */
  focus(before: readonly string[], after: readonly string[], labels: readonly [string, string]): void;
  destroy(): void;
}

const durationOf = (t: LoadedTrace) => t.model?.durationUs ?? 0;

/** The hole finder's duration diff headline when both traces are whole in memory (the worker's traces keep their spans as bytes). */
function whereTheTimeWent(before: LoadedTrace, after: LoadedTrace): string | null {
  if (!before.trace || !after.trace || !before.model || !after.model) return null;
  try {
    return diffTraces(before.trace, after.trace).headline;
  } catch {
    // The panes draw either way; only the sentence about where the time went is left out.
    return null;
  }
}

export function createTraceCompare(container: HTMLElement): TraceCompare {
  const root = add(container, 'div', 'tc');
  const caption = add(root, 'h3', 'tc-caption');
  const delta = add(root, 'p', 'tc-delta');
  delta.setAttribute('role', 'status');
  const total = add(delta, 'span', 'tc-delta-total');
  const where = add(delta, 'span', 'tc-delta-where');
  const sides = add(root, 'div', 'tc-sides');

  const panes = (['Before', 'After'] as const).map((name) => {
    const pane = add(sides, 'div', `tc-side tc-${name.toLowerCase()}`);
    const head = add(pane, 'h4', 'tc-side-head');
    const hot = add(pane, 'p', 'tc-side-hotspot');
    const focus = add(pane, 'p', 'tc-side-focus');
    focus.hidden = true;
    const host = add(pane, 'div', 'tc-side-viewer');
    // The viewer lists the pane's findings itself; this line only says what the pane is.
    const viewer: TraceViewer = createTraceViewer(host, { header: false });
    return { name, head, hot, focus, viewer };
  });

  function showBoth(before: LoadedTrace, after: LoadedTrace, text: string | undefined): void {
    caption.textContent = text ?? 'Before and after';
    caption.hidden = !text;
    const beforeUs = durationOf(before);
    const afterUs = durationOf(after);
    // One scale for both, so the shorter trace looks shorter.
    const axis = Math.max(beforeUs, afterUs, 1);
    [before, after].forEach((trace, k) => {
      const p = panes[k]!;
      p.hot.textContent = `Trace ${trace.traceID}`;
      p.focus.hidden = true;
      p.viewer.setAxis(axis);
      p.viewer.showLoaded(trace);
      const s = p.viewer.summary();
      p.head.textContent = s ? `${p.name}: ${formatDuration(s.durationUs)} · ${s.spanCount} spans` : p.name;
    });
    total.textContent = describeDelta(beforeUs, afterUs);
    const diff = whereTheTimeWent(before, after);
    where.textContent = diff ? ` Where it went: ${diff}.` : '';
    where.hidden = !diff;
  }

  return {
    show: (before, after, text) => showBoth(loadedFromTrace(before), loadedFromTrace(after), text),
    showLoaded: showBoth,
    focus(before, after, labels) {
      [before, after].forEach((ids, k) => {
        const p = panes[k]!;
        const found = p.viewer.highlightSpans(ids);
        // The label first: showing it shrinks the pane, and the reveal places the row in the pane's final height.
        p.focus.textContent = labels[k]!;
        p.focus.hidden = found === 0;
        if (ids[0] !== undefined) p.viewer.revealSpan(ids[0]);
      });
    },
    setZoom(z) {
      root.style.setProperty('--tv-zoom', String(z));
      for (const p of panes) p.viewer.setZoom(z);
    },
    destroy() {
      for (const p of panes) p.viewer.destroy();
      root.remove();
    },
  };
}
