// Two traces side by side on one time scale — before and after a hole was plugged — with the difference in words.
import type { JaegerTrace } from '../model/jaegerJson.ts';
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
  const root = document.createElement('section');
  root.className = 'tc';
  const caption = document.createElement('h3');
  caption.className = 'tc-caption';
  const delta = document.createElement('p');
  delta.className = 'tc-delta';
  delta.setAttribute('role', 'status');
  const sides = document.createElement('div');
  sides.className = 'tc-sides';
  root.append(caption, delta, sides);
  container.appendChild(root);

  const panes = (['Before', 'After'] as const).map((name) => {
    const pane = document.createElement('div');
    pane.className = `tc-side tc-${name.toLowerCase()}`;
    const head = document.createElement('h4');
    head.className = 'tc-side-head';
    const hot = document.createElement('p');
    hot.className = 'tc-side-hotspot';
    const host = document.createElement('div');
    host.className = 'tc-side-viewer';
    pane.append(head, hot, host);
    sides.appendChild(pane);
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
