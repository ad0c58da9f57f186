// Public API of the trace viewer: a virtualised waterfall with critical path and hotspot, mountable anywhere.
// STUB — to be implemented (issue 5). Keep this exported surface; extend it if needed.
import type { JaegerTrace } from '../model/jaegerJson.ts';

export interface TraceViewerOptions {
  /** Row height in CSS px (≥ 16 px text); the presenter zoom scales it. */
  rowHeight?: number;
  /** Called when the user selects a span (for details panes outside the viewer). */
  onSelectSpan?: (spanID: string | null) => void;
}

export interface TraceViewer {
  /** Replaces the shown trace. Work is proportional to the rows on screen, not the span count. */
  show(trace: JaegerTrace): void;
  clear(message?: string): void;
  /** 1 = normal; larger values enlarge rows and text for the back of the room. */
  setZoom(zoom: number): void;
  destroy(): void;
}

export function createTraceViewer(container: HTMLElement, _opts: TraceViewerOptions = {}): TraceViewer {
  return {
    show: (trace) => {
      container.textContent = `${trace.spans.length} spans`;
    },
    clear: (message = '') => {
      container.textContent = message;
    },
    setZoom: () => {},
    destroy: () => {
      container.textContent = '';
    },
  };
}
