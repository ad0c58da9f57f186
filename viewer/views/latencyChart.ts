// A live bar chart of recent requests' latency with p50 and p95 lines, so a plugged hole shows at a glance.
import './latencyChart.css';
import { ascending, formatMs, quantile } from '../../model/index.ts';

export interface LatencyChart {
  /** One finished request; `at` is when it ended (ms since the epoch or a Date); `label` marks an event there. */
  add(durationMs: number, at?: number | Date, label?: string): void;
  clear(): void;
  destroy(): void;
  /** The percentiles drawn right now, for narration and tests. */
  stats(): { count: number; p50: number; p95: number; latest: number } | undefined;
}

export interface LatencyChartOptions {
  /** How many recent requests to keep (default 40). */
  window?: number;
}

interface Point {
  ms: number;
  at: number;
  label: string | undefined;
}

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, parent: Element): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  parent.appendChild(e);
  return e;
}

/** A round upper bound for the y axis, so its labels read well (1, 2, 2.5, 5 × 10^k). */
export function niceCeil(x: number): number {
  if (x <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

export function createLatencyChart(container: HTMLElement, opts: LatencyChartOptions = {}): LatencyChart {
  const keep = Math.max(2, opts.window ?? 40);
  const root = document.createElement('figure');
  root.className = 'lc';
  const summary = document.createElement('figcaption');
  summary.className = 'lc-summary';
  const chart = document.createElementNS(SVG, 'svg');
  chart.setAttribute('class', 'lc-svg');
  chart.setAttribute('role', 'img');
  root.append(summary, chart);
  container.appendChild(root);
  let points: Point[] = [];
  let frame = 0;

  function computeStats() {
    if (points.length === 0) return undefined;
    const sorted = ascending(points.map((p) => p.ms));
    return { count: points.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), latest: points[points.length - 1]!.ms };
  }

  function draw(): void {
    frame = 0;
    chart.replaceChildren();
    const s = computeStats();
    if (!s) {
      summary.textContent = 'No requests yet — send one to see its latency here.';
      chart.setAttribute('aria-label', 'No requests yet');
      return;
    }
    summary.textContent = `Last ${s.count} request${s.count === 1 ? '' : 's'}: p50 ${formatMs(s.p50)} · p95 ${formatMs(s.p95)} · latest ${formatMs(s.latest)}`;
    chart.setAttribute('aria-label', summary.textContent);

    // Drawn in CSS pixels so that text keeps its size whatever the box.
    const font = parseFloat(getComputedStyle(root).fontSize) || 18;
    const w = Math.max(240, chart.clientWidth || 600);
    const h = Math.max(160, chart.clientHeight || 260);
    chart.setAttribute('viewBox', `0 0 ${w} ${h}`);
    const left = font * 4.2;
    const right = font * 7.5;
    const top = font * 1.2;
    const bottom = font * 1.8;
    const plotW = w - left - right;
    const plotH = h - top - bottom;
    const yMax = niceCeil(Math.max(...points.map((p) => p.ms)) * 1.05);
    const y = (ms: number) => top + plotH - (Math.min(ms, yMax) / yMax) * plotH;

    for (const f of [0, 0.5, 1]) {
      const v = yMax * f;
      svg('line', { x1: left, x2: left + plotW, y1: y(v), y2: y(v), class: 'lc-grid' }, chart);
      const t = svg('text', { x: left - font * 0.3, y: y(v), class: 'lc-axis', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, chart);
      t.textContent = formatMs(v);
    }

    const slot = plotW / keep;
    const barW = Math.max(2, slot * 0.7);
    const offset = keep - points.length;
    points.forEach((p, k) => {
      const x = left + (offset + k) * slot + (slot - barW) / 2;
      svg('rect', { x, y: y(p.ms), width: barW, height: Math.max(1, top + plotH - y(p.ms)), class: 'lc-bar' }, chart);
      if (p.label) {
        const mx = x - (slot - barW) / 2;
        svg('line', { x1: mx, x2: mx, y1: top, y2: top + plotH, class: 'lc-mark' }, chart);
        const t = svg('text', { x: mx + font * 0.25, y: top + font * 0.2, class: 'lc-mark-text', 'dominant-baseline': 'hanging' }, chart);
        t.textContent = p.label;
      }
    });

    const lines: [string, number, string][] = [
      ['p95', s.p95, 'lc-p95'],
      ['p50', s.p50, 'lc-p50'],
    ];
    let lastY = -Infinity;
    for (const [name, v, cls] of lines) {
      svg('line', { x1: left, x2: left + plotW, y1: y(v), y2: y(v), class: cls }, chart);
      // Keep the two labels apart when the lines nearly meet.
      const ly = Math.max(y(v), lastY + font * 1.1);
      lastY = ly;
      const t = svg('text', { x: left + plotW + font * 0.4, y: ly, class: `lc-label ${cls}-text`, 'dominant-baseline': 'middle' }, chart);
      t.textContent = `${name} ${formatMs(v)}`;
    }

    const first = points[0]!;
    const last = points[points.length - 1]!;
    const clock = (at: number) => new Date(at).toLocaleTimeString('en-GB', { hour12: false });
    const a = svg('text', { x: left + offset * slot, y: h - font * 0.3, class: 'lc-axis' }, chart);
    a.textContent = clock(first.at);
    if (points.length > 1) {
      const b = svg('text', { x: left + plotW, y: h - font * 0.3, class: 'lc-axis', 'text-anchor': 'end' }, chart);
      b.textContent = clock(last.at);
    }
  }

  function schedule(): void {
    if (!frame) frame = requestAnimationFrame(draw);
  }

  const resize = new ResizeObserver(() => schedule());
  resize.observe(chart);
  draw();

  return {
    add(durationMs, at = Date.now(), label) {
      if (!Number.isFinite(durationMs) || durationMs < 0) return;
      points.push({ ms: durationMs, at: at instanceof Date ? at.getTime() : at, label });
      if (points.length > keep) points = points.slice(points.length - keep);
      schedule();
    },
    clear() {
      points = [];
      schedule();
    },
    destroy() {
      if (frame) cancelAnimationFrame(frame);
      resize.disconnect();
      root.remove();
    },
    stats: computeStats,
  };
}
