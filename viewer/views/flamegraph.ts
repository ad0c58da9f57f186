import { add } from './dom.ts';
import { formatDuration } from '../model/format.ts';
import { serviceColour } from './palette.ts';
import { wholeAxis } from '../model/timeWindow.ts';
import { operationOf, serviceOf, type TraceModel } from '../model/traceModel.ts';
import { createViewMarks, type TraceView } from './traceView.ts';

/** Outlines the marked spans and the chosen one; draws only while its tab is open. */
export type Flamegraph = Required<Omit<TraceView, 'destroy'>>;

const ROW = 22;
/** Deeper than this the canvas would outgrow what a browser will draw; the Timeline still shows every level. */
const MAX_LEVELS = 300;

export function createFlamegraph(onSelect: (span: number) => void): Flamegraph {
  const element = add(null, 'div', 'tv-flame');
  element.tabIndex = 0;
  element.setAttribute('role', 'img');
  const canvas = add(element, 'canvas', 'tv-flame-canvas');
  let model: TraceModel | undefined;
  let axis = 1;
  let from = 0;
  let to = 1;
  const marks = createViewMarks(
    () => model !== undefined,
    () => draw(),
  );

  function x(us: number, w: number): number {
    return ((us - from) / (to - from)) * w;
  }

  function draw(): void {
    const m = model;
    if (!m || element.offsetParent === null) return;
    const w = Math.max(100, element.clientWidth - 4);
    const levels = Math.min(m.levels, MAX_LEVELS);
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(levels * ROW * dpr);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${levels * ROW}px`;
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.font = '13px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    // Blocks grouped by colour: one fill style change per service, not per span.
    const byService: number[][] = m.services.map(() => []);
    const labelled: number[] = [];
    for (let i = 0; i < m.count; i++) {
      if (m.depth[i]! >= levels) continue;
      const a = x(m.start[i]!, w);
      const b = x(m.start[i]! + m.duration[i]!, w);
      if (b < 0 || a > w || b - a < 0.5) continue;
      byService[m.service[i]!]!.push(i);
      if (b - a > 60) labelled.push(i);
    }
    byService.forEach((list, k) => {
      ctx.fillStyle = serviceColour(k).fill;
      for (const i of list) {
        const a = Math.max(0, x(m.start[i]!, w));
        const b = Math.min(w, x(m.start[i]! + m.duration[i]!, w));
        ctx.fillRect(a, m.depth[i]! * ROW + 1, Math.max(1, b - a - 1), ROW - 2);
      }
    });
    ctx.fillStyle = '#000';
    for (const i of labelled) {
      const a = Math.max(0, x(m.start[i]!, w));
      const b = Math.min(w, x(m.start[i]! + m.duration[i]!, w));
      const text = `${serviceOf(m, i)}: ${operationOf(m, i)} ${formatDuration(m.duration[i]!)}`;
      ctx.save();
      ctx.beginPath();
      ctx.rect(a, m.depth[i]! * ROW, b - a - 2, ROW);
      ctx.clip();
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      const tw = Math.min(b - a - 6, ctx.measureText(text).width + 6);
      ctx.fillRect(a + 2, m.depth[i]! * ROW + 3, tw, ROW - 6);
      ctx.fillStyle = '#000';
      ctx.fillText(text, a + 5, m.depth[i]! * ROW + ROW / 2);
      ctx.restore();
    }
    const outline = (i: number, colour: string) => {
      const a = x(m.start[i]!, w);
      const b = x(m.start[i]! + m.duration[i]!, w);
      if (m.depth[i]! >= levels || b < 0 || a > w) return;
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      ctx.strokeRect(Math.max(0, a) + 1, m.depth[i]! * ROW + 1, Math.max(2, Math.min(w, b) - Math.max(0, a) - 2), ROW - 2);
    };
    if (marks.marked) for (let i = 0; i < m.count; i++) if (marks.marked[i]) outline(i, '#d55e00');
    if (marks.selected >= 0) outline(marks.selected, '#000');
    element.setAttribute('aria-label', `Flamegraph of ${m.count} spans over ${levels} levels`);
  }

  canvas.addEventListener('click', (e) => {
    const m = model;
    if (!m) return;
    const r = canvas.getBoundingClientRect();
    const depth = Math.floor((e.clientY - r.top) / ROW);
    const us = from + ((e.clientX - r.left) / r.width) * (to - from);
    let best = -1;
    for (let i = 0; i < m.count; i++) {
      if (m.depth[i] !== depth || m.start[i]! > us || m.start[i]! + m.duration[i]! < us) continue;
      if (best < 0 || m.duration[i]! < m.duration[best]!) best = i;
    }
    if (best >= 0) onSelect(best);
  });
  new ResizeObserver(() => draw()).observe(element);

  return {
    element,
    show(t) {
      model = t.model;
      axis = t.axisUs > 0 ? t.axisUs : 1;
      from = 0;
      to = axis;
      marks.reset();
      draw();
    },
    setWindow(w) {
      ({ fromUs: from, toUs: to } = w ?? wholeAxis(axis));
      draw();
    },
    highlight: marks.highlight,
    select: marks.select,
    refresh: draw,
    clear() {
      model = undefined;
      canvas.width = 0;
    },
  };
}
