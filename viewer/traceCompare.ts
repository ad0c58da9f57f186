// Two traces side by side on one time scale — before and after a hole was plugged — with the difference in words.
import type { JaegerTrace } from '../model/jaegerJson.ts';
import { add } from './dom.ts';
import { describeDelta, formatDuration } from './format.ts';
import { createTraceViewer, type TraceViewer } from './traceViewer.ts';
import { buildTraceModel } from './traceModel.ts';
import './traceCompare.css';

export { describeDelta };

export interface TraceCompare {
  show(before: JaegerTrace, after: JaegerTrace, caption?: string): void;
  setZoom(zoom: number): void;
  destroy(): void;
}

function duration(t: JaegerTrace): number {
  try {
    return buildTraceModel(t).durationUs;
  } catch {
    return 0;
  }
}

export function createTraceCompare(container: HTMLElement): TraceCompare {
  const root = add(container, 'div', 'tc');
  const caption = add(root, 'h3', 'tc-caption');
  const delta = add(root, 'p', 'tc-delta');
  delta.setAttribute('role', 'status');
  const sides = add(root, 'div', 'tc-sides');

  const panes = (['Before', 'After'] as const).map((name) => {
    const pane = add(sides, 'div', `tc-side tc-${name.toLowerCase()}`);
    const head = add(pane, 'h4', 'tc-side-head');
    const hot = add(pane, 'p', 'tc-side-hotspot');
    const host = add(pane, 'div', 'tc-side-viewer');
    const viewer: TraceViewer = createTraceViewer(host, { header: false });
    return { name, head, hot, viewer };
  });

  return {
    show(before, after, text) {
      caption.textContent = text ?? 'Before and after';
      caption.hidden = !text;
      const beforeUs = duration(before);
      const afterUs = duration(after);
      // One scale for both, so the shorter trace looks shorter.
      const axis = Math.max(beforeUs, afterUs, 1);
      [before, after].forEach((trace, k) => {
        const p = panes[k]!;
        p.viewer.setAxis(axis);
        p.viewer.show(trace);
        const s = p.viewer.summary();
        p.head.textContent = s ? `${p.name}: ${formatDuration(s.durationUs)} · ${s.spanCount} spans` : p.name;
        p.hot.textContent = s?.hotspot?.sentence ?? '';
      });
      delta.textContent = describeDelta(beforeUs, afterUs);
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
