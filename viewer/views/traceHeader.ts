// The trace's summary line: what it was, its ID, how long it took, which services, how deep, how many spans.
import { formatCount, formatDuration } from '../model/format.ts';
import { paintService } from './palette.ts';
import { operationOf, serviceOf } from '../model/traceModel.ts';
import { add } from './dom.ts';
import type { TraceView } from './traceView.ts';

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function createTraceHeader(): TraceView {
  const element = document.createElement('header');
  element.className = 'tv-header';
  return {
    element,
    show({ model: m }) {
      element.replaceChildren();
      const root = m.roots[0]!;
      add(element, 'h2', 'tv-title', `${serviceOf(m, root)}: ${operationOf(m, root)}`);
      const id = add(element, 'p', 'tv-trace-id');
      add(id, 'span', 'tv-stat-key', 'Trace ');
      add(id, 'code', 'tv-trace-id-value', m.traceID);
      const stats = add(element, 'p', 'tv-stats');
      const facts = [
        ['Duration', formatDuration(m.durationUs)],
        ['Spans', formatCount(m.count)],
        ['Services', formatCount(m.services.length)],
        ['Depth', formatCount(m.levels)],
      ];
      if (m.errorCount > 0) facts.push(['Errors', `⚠ ${formatCount(m.errorCount)}`]);
      for (const [k, v] of facts) {
        const f = add(stats, 'span', 'tv-stat');
        add(f, 'span', 'tv-stat-key', `${k} `);
        add(f, 'strong', 'tv-stat-value', v);
      }
      stats.setAttribute(
        'aria-label',
        `${formatDuration(m.durationUs)}, ${plural(m.count, 'span', 'spans')}, ${plural(m.services.length, 'service', 'services')}, depth ${m.levels}`,
      );

      const legend = add(element, 'ul', 'tv-legend');
      legend.setAttribute('aria-label', 'Services');
      m.services.forEach((name, k) => {
        const li = add(legend, 'li', 'tv-legend-item');
        paintService(add(li, 'span', 'tv-swatch'), k);
        add(li, 'span', '', name);
      });
      const cpKey = add(legend, 'li', 'tv-legend-item tv-legend-cp');
      add(cpKey, 'span', 'tv-cp-key');
      add(cpKey, 'span', '', 'critical path');
    },
    clear() {
      element.replaceChildren();
    },
  };
}
