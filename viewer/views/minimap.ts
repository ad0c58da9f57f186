// The whole trace in a strip above the rows: drag across it to zoom the time axis into that range.
import { add } from './dom.ts';
import { OVERVIEW_HEIGHT, OVERVIEW_WIDTH, overviewPixels } from './overview.ts';
import { windowFromDrag, type TimeWindow } from '../model/timeWindow.ts';
import type { TraceModel } from '../model/traceModel.ts';
import type { TraceView } from './traceView.ts';

/** The strip always spans the trace's own duration; the zoomed window is its unshaded part. */
export type Minimap = Required<Pick<TraceView, 'element' | 'show' | 'clear' | 'setWindow'>>;

export function createMinimap(onWindow: (w: TimeWindow) => void): Minimap {
  const element = add(null, 'div', 'tv-minimap');
  element.setAttribute('aria-label', 'Overview of the whole trace: drag across it to zoom into a time range');
  element.setAttribute('role', 'img');
  const canvas = add(element, 'canvas', 'tv-minimap-canvas');
  const shadeL = add(element, 'div', 'tv-minimap-shade');
  const shadeR = add(element, 'div', 'tv-minimap-shade');
  const drag = add(element, 'div', 'tv-minimap-drag');
  drag.hidden = true;
  let model: TraceModel | undefined;
  let axis = 1;
  let win: TimeWindow | undefined;

  /** The picture comes painted from the worker for big traces; small ones are painted here. */
  function draw(pixels: Uint32Array | undefined): void {
    const m = model;
    canvas.width = OVERVIEW_WIDTH;
    canvas.height = OVERVIEW_HEIGHT;
    const ctx = canvas.getContext('2d');
    if (!ctx || !m) return;
    const img = ctx.createImageData(OVERVIEW_WIDTH, OVERVIEW_HEIGHT);
    // An empty picture: the real one is on its way from the worker.
    if (pixels && pixels.length === 0) new Uint32Array(img.data.buffer).fill(0xfffafafa);
    else new Uint32Array(img.data.buffer).set(pixels ?? overviewPixels(m));
    ctx.putImageData(img, 0, 0);
    placeShades();
  }

  function placeShades(): void {
    const [a, b] = win ? [win.fromUs, win.toUs] : [0, axis];
    shadeL.style.width = `${(a / axis) * 100}%`;
    shadeR.style.left = `${(b / axis) * 100}%`;
    shadeR.style.width = `${Math.max(0, 100 - (b / axis) * 100)}%`;
  }

  let from = -1;
  const fraction = (e: PointerEvent) => {
    const r = element.getBoundingClientRect();
    return Math.min(1, Math.max(0, (e.clientX - r.left) / Math.max(1, r.width)));
  };
  element.addEventListener('pointerdown', (e) => {
    if (!model) return;
    from = fraction(e);
    try {
      element.setPointerCapture(e.pointerId);
    } catch {
      // A synthetic pointer (a script, a test) has nothing to capture; the drag still works.
    }
    drag.hidden = false;
    drag.style.left = `${from * 100}%`;
    drag.style.width = '0';
    e.preventDefault();
  });
  element.addEventListener('pointermove', (e) => {
    if (from < 0) return;
    const to = fraction(e);
    drag.style.left = `${Math.min(from, to) * 100}%`;
    drag.style.width = `${Math.abs(to - from) * 100}%`;
  });
  element.addEventListener('pointerup', (e) => {
    if (from < 0) return;
    const to = fraction(e);
    drag.hidden = true;
    const w = windowFromDrag(axis, from, to);
    from = -1;
    if (w) onWindow(w);
  });

  return {
    element,
    show(t) {
      const m = (model = t.model);
      axis = m.durationUs > 0 ? m.durationUs : 1;
      win = undefined;
      element.hidden = false;
      // A big trace's picture is painted by the worker that read it: an empty strip until it comes.
      const painted = t.loaded.overview;
      draw(painted ? new Uint32Array(0) : undefined);
      void painted?.then((px) => model === m && draw(px));
    },
    setWindow(w) {
      win = w;
      placeShades();
    },
    clear() {
      model = undefined;
      element.hidden = true;
    },
  };
}
