// The whole trace in a strip above the rows: drag across it to zoom the time axis into that range.
import { add } from './dom.ts';
import { serviceColour } from './palette.ts';
import type { TraceModel } from './traceModel.ts';

export interface Minimap {
  readonly element: HTMLElement;
  setModel(model: TraceModel, axisUs: number): void;
  /** The zoomed range (µs from the trace start), drawn as the unshaded part; undefined = all. */
  showWindow(fromUs: number | undefined, toUs?: number): void;
  clear(): void;
}

const HEIGHT = 56;

function rgbOf(hex: string): number {
  const v = parseInt(hex.slice(1), 16);
  // ImageData is RGBA in memory; as a little-endian Uint32 that reads ABGR.
  return (0xff << 24) | ((v & 0xff) << 16) | (v & 0xff00) | ((v >> 16) & 0xff);
}

export function createMinimap(onWindow: (fromUs: number | undefined, toUs?: number) => void): Minimap {
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
  let win: [number, number] | undefined;

  function draw(): void {
    const m = model;
    const w = Math.max(1, Math.round(element.clientWidth || 800));
    canvas.width = w;
    canvas.height = HEIGHT;
    const ctx = canvas.getContext('2d');
    if (!ctx || !m) return;
    const img = ctx.createImageData(w, HEIGHT);
    const px = new Uint32Array(img.data.buffer);
    px.fill(0xfffafafa);
    const colours = m.services.map((_, k) => rgbOf(serviceColour(k).fill));
    // Each pixel row stands for a slice of the display order; a span paints its time range in that
    // slice (a short trace gets thicker bars, one band per span).
    const band = Math.max(1, Math.floor(HEIGHT / m.count) - 1);
    for (let p = 0; p < m.count; p++) {
      const u = m.order[p]!;
      const y = Math.min(HEIGHT - 1, Math.floor((p * HEIGHT) / m.count));
      const x0 = Math.floor((m.start[u]! / axis) * w);
      const x1 = Math.min(w, Math.max(x0 + 1, Math.ceil(((m.start[u]! + m.duration[u]!) / axis) * w)));
      const c = colours[m.service[u]!]!;
      for (let yy = y; yy < Math.min(HEIGHT, y + band); yy++) {
        const row = yy * w;
        for (let x = Math.max(0, x0); x < x1; x++) px[row + x] = c;
      }
    }
    ctx.putImageData(img, 0, 0);
    placeShades();
  }

  function placeShades(): void {
    const [a, b] = win ?? [0, axis];
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
    const [a, b] = [Math.min(from, to), Math.max(from, to)];
    from = -1;
    // A click without a drag is not a zoom.
    if (b - a < 0.005) return;
    onWindow(a * axis, b * axis);
  });
  const resize = new ResizeObserver(() => model && draw());
  resize.observe(element);

  return {
    element,
    setModel(m, axisUs) {
      model = m;
      axis = axisUs > 0 ? axisUs : 1;
      win = undefined;
      element.hidden = false;
      draw();
    },
    showWindow(a, b) {
      win = a === undefined || b === undefined ? undefined : [a, b];
      placeShades();
    },
    clear() {
      model = undefined;
      element.hidden = true;
    },
  };
}
