// The trace's summary line: what it was, how long it took, which services, how deep, how many spans, and the hotspot.
import { formatCount, formatDuration } from './format.ts';
import type { Hotspot } from './hotspot.ts';
import { paintService } from './palette.ts';
import { serviceOf, type TraceModel } from './traceModel.ts';
import { add } from './dom.ts';

export interface TraceHeader {
  readonly element: HTMLElement;
  show(model: TraceModel, hotspot: Hotspot | undefined, onHotspot: (span: number) => void): void;
  clear(): void;
}

function plural(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function createTraceHeader(): TraceHeader {
  const element = document.createElement('header');
  element.className = 'tv-header';
  return {
    element,
    show(m, hotspot, onHotspot) {
      element.replaceChildren();
      const root = m.roots[0]!;
      add(element, 'h2', 'tv-title', `${serviceOf(m, root)}: ${m.spans[root]!.operationName}`);
      const id = add(element, 'p', 'tv-trace-id');
      add(id, 'span', 'tv-stat-key', 'Trace ');
      add(id, 'code', 'tv-trace-id-value', m.trace.traceID);
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
      stats.setAttribute('aria-label', `${formatDuration(m.durationUs)}, ${plural(m.count, 'span', 'spans')}, ${plural(m.services.length, 'service', 'services')}, depth ${m.levels}`);

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

      if (hotspot) {
        const hot = add(element, 'p', 'tv-hotspot');
        hot.setAttribute('role', 'status');
        add(hot, 'strong', 'tv-hotspot-sentence', hotspot.sentence);
        const label = hotspot.sentence.includes(hotspot.where) ? 'show this span' : hotspot.where;
        const detail = add(hot, 'button', 'tv-hotspot-where', `${label}${hotspot.evidence ? ` — log: “${hotspot.evidence}”` : ''}`);
        detail.type = 'button';
        detail.title = 'Show this span';
        detail.addEventListener('click', () => onHotspot(hotspot.span));
        if (hotspot.repeated) add(hot, 'span', 'tv-hotspot-more', `Also: ${hotspot.repeated.sentence}.`);
      }
    },
    clear() {
      element.replaceChildren();
    },
  };
}
