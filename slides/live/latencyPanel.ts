// The crowd lane's latency chart: each request's final duration over time, ours and the audience's apart, hole switches as labelled lines.
import { el } from './dom.ts';
import type { HoleSwitchMark, LatencyPoint } from './flowEvents.ts';
import { shortHoleName } from './holeSwitches.ts';
import { formatMs, median } from '../../model/index.ts';

export interface LatencyPanel {
  update(points: readonly LatencyPoint[], switches: readonly HoleSwitchMark[]): void;
  destroy(): void;
}

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  parent: Element,
  text?: string,
): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  parent.appendChild(e);
  return e;
}

/** A round upper bound for the y axis, so its labels read well (1, 2, 2.5, 5 × 10^k). */
function niceCeil(x: number): number {
  if (x <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

const clock = (at: number) => new Date(at).toLocaleTimeString('en-GB', { hour12: false, hour: '2-digit', minute: '2-digit' });

export function createLatencyPanel(host: HTMLElement): LatencyPanel {
  const summary = el('figcaption', { class: 'lp-summary' });
  const chart = document.createElementNS(SVG, 'svg');
  chart.setAttribute('class', 'lp-svg');
  chart.setAttribute('role', 'img');
  const root = el('figure', { class: 'lp' }, summary, chart);
  host.append(root);
  let points: readonly LatencyPoint[] = [];
  let switches: readonly HoleSwitchMark[] = [];
  let frame = 0;

  function draw(): void {
    frame = 0;
    // Hidden (the presenter zoom put the lane away): nothing can be measured; the resize on return redraws.
    if (chart.clientWidth === 0) return;
    chart.replaceChildren();
    const font = parseFloat(getComputedStyle(root).fontSize) || 16;
    const w = Math.max(200, chart.clientWidth);
    const h = Math.max(120, chart.clientHeight || 170);
    chart.setAttribute('viewBox', `0 0 ${w} ${h}`);
    if (points.length === 0) {
      summary.textContent = 'No requests yet: each one lands here with its final duration.';
      chart.setAttribute('aria-label', summary.textContent);
      return;
    }
    const durations = points.map((p) => p.durationMs);
    const crowd = points.filter((p) => p.origin === 'crowd').length;
    summary.textContent = `Last ${points.length}: median ${formatMs(median(durations))} · ${crowd} from the audience`;
    chart.setAttribute('aria-label', summary.textContent);

    const labelLines = 2;
    const left = font * 3.6;
    const right = font * 0.6;
    const top = font * 1.22 * labelLines + font * 0.4;
    const bottom = font * 1.5;
    const plotW = w - left - right;
    const plotH = h - top - bottom;
    const yMax = niceCeil(Math.max(...durations) * 1.05);
    const y = (ms: number) => top + plotH - (Math.min(ms, yMax) / yMax) * plotH;
    const t0 = Math.min(
      ...points.map((p) => p.at),
      ...switches.map((s) => s.at).filter((at) => at >= Math.min(...points.map((p) => p.at))),
    );
    const t1 = Math.max(...points.map((p) => p.at), t0 + 1);
    const x = (at: number) => left + ((at - t0) / (t1 - t0)) * plotW;

    for (const f of [0, 0.5, 1]) {
      svg('line', { x1: left, x2: left + plotW, y1: y(yMax * f), y2: y(yMax * f), class: 'lp-grid' }, chart);
      svg(
        'text',
        { x: left - font * 0.3, y: y(yMax * f), class: 'lp-axis', 'text-anchor': 'end', 'dominant-baseline': 'middle' },
        chart,
        formatMs(yMax * f),
      );
    }

    // Switches inside the window, as vertical lines. Switches close together share one label, and a
    // label that still finds no free place on the label lines is left out (its line keeps a tooltip):
    // labels never overlap.
    const shown = switches.filter((s) => s.at >= t0 && s.at <= t1 + 60_000);
    const xOf = (s: HoleSwitchMark) => Math.min(x(s.at), left + plotW);
    const groups: HoleSwitchMark[][] = [];
    for (const s of shown) {
      const g = groups[groups.length - 1];
      if (g && xOf(s) - xOf(g[0]!) < font * 5) g.push(s);
      else groups.push([s]);
    }
    const words = (g: HoleSwitchMark[]) => {
      const plugged = g.filter((s) => s.plugged).map((s) => shortHoleName(s.holeId));
      const opened = g.filter((s) => !s.plugged).map((s) => shortHoleName(s.holeId));
      return [plugged.length ? `${plugged.join(', ')} plugged` : '', opened.length ? `${opened.join(', ')} opened` : '']
        .filter(Boolean)
        .join('; ');
    };
    for (const s of shown) {
      const line = svg(
        'line',
        {
          x1: xOf(s),
          x2: xOf(s),
          y1: top - 2,
          y2: top + plotH,
          class: `lp-switch${s.plugged ? ' lp-switch-plugged' : ''}`,
          'data-hole': s.holeId,
        },
        chart,
      );
      svg(
        'title',
        {},
        line,
        `${shortHoleName(s.holeId)} ${s.plugged ? 'plugged' : 'opened'} at ${new Date(s.at).toLocaleTimeString('en-GB', { hour12: false })}`,
      );
    }
    // Each label is measured as drawn, then put on the first label line with room from its switch on.
    const ends: number[] = Array.from({ length: labelLines }, () => -Infinity);
    const gap = font * 0.5;
    for (const g of groups) {
      const text = svg('text', { x: 0, y: 0, class: 'lp-switch-text' }, chart, words(g));
      const width = text.getComputedTextLength();
      const from = Math.max(0, Math.min(xOf(g[0]!) + 3, w - width));
      const line = ends.findIndex((end) => end + gap <= from);
      if (line < 0) {
        text.remove();
        continue;
      }
      ends[line] = from + width;
      text.setAttribute('x', String(from));
      text.setAttribute('y', String(font * (1.22 * line + 1)));
    }

    const r = Math.max(3, font * 0.28);
    for (const p of points) {
      // A click on a point opens its trace (the crowd lane listens for data-open-trace).
      const attrs = {
        'data-trace-id': p.traceID,
        'data-open-trace': p.traceID,
        'data-ms': p.durationMs.toFixed(3),
        'data-origin': p.origin,
      };
      const cx = x(p.at);
      const cy = y(p.durationMs);
      if (p.failed) {
        const g = svg('g', { ...attrs, class: 'lp-point lp-failed' }, chart);
        svg('path', { d: `M${cx - r} ${cy - r}L${cx + r} ${cy + r}M${cx - r} ${cy + r}L${cx + r} ${cy - r}` }, g);
      } else if (p.origin === 'crowd') {
        svg(
          'rect',
          { ...attrs, class: 'lp-point lp-crowd', x: cx - r, y: cy - r, width: 2 * r, height: 2 * r, transform: `rotate(45 ${cx} ${cy})` },
          chart,
        );
      } else {
        svg('circle', { ...attrs, class: 'lp-point lp-ours', cx, cy, r }, chart);
      }
    }

    // Two clock labels at most, and only when both fit side by side.
    const a = clock(t0);
    const b = clock(t1);
    svg('text', { x: left, y: h - font * 0.25, class: 'lp-axis' }, chart, a);
    if (b !== a && plotW > (a.length + b.length + 2) * font * 0.6)
      svg('text', { x: left + plotW, y: h - font * 0.25, class: 'lp-axis', 'text-anchor': 'end' }, chart, b);
  }

  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(draw);
  };
  const resize = new ResizeObserver(schedule);
  resize.observe(chart);
  draw();
  return {
    update(p, s) {
      points = p;
      switches = s;
      schedule();
    },
    destroy() {
      if (frame) cancelAnimationFrame(frame);
      resize.disconnect();
      root.remove();
    },
  };
}
