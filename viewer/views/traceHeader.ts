// The trace's summary line: what it was, its ID, how long it took, which services, how deep, how many spans.
import { formatCount, formatDuration } from '../model/format.ts';
import { paintService } from './palette.ts';
import { operationOf, serviceOf } from '../model/traceModel.ts';
import { add } from './dom.ts';
import { reportersByService } from '../model/reporter.ts';
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

      // Which SDK reported each service, so by which door its spans came (a trace that crosses a migration shows both).
      const reporters = reportersByService(m.processes, m.services);
      const doors = new Map<string, string[]>();
      m.services.forEach((name, k) => {
        for (const r of reporters[k]!) doors.set(r, [...(doors.get(r) ?? []), name]);
      });
      if (doors.size > 1) {
        // One line, so the waterfall keeps its rows: the smaller groups by name, the largest as "the other N" (named on hover).
        const line = add(element, 'p', 'tv-doors');
        add(line, 'span', 'tv-stat-key', 'Reported by ');
        const groups = [...doors].sort((a, b) => a[1].length - b[1].length);
        groups.forEach(([r, names], k) => {
          const d = add(line, 'span', 'tv-door');
          add(d, 'strong', 'tv-door-name', r);
          const last = k === groups.length - 1;
          const who = last && names.length > 2 ? `the other ${names.length}` : names.join(', ');
          const s = add(d, 'span', 'tv-door-services', `: ${who}${last ? '' : '; '}`);
          if (who !== names.join(', ')) s.title = names.join(', ');
        });
      }

      const legend = add(element, 'ul', 'tv-legend');
      legend.setAttribute('aria-label', 'Services');
      m.services.forEach((name, k) => {
        const li = add(legend, 'li', 'tv-legend-item');
        paintService(add(li, 'span', 'tv-swatch'), k);
        add(li, 'span', '', name);
        // Per service only when they differ; one reporter for all is said once, after the services.
        if (doors.size > 1 && reporters[k]!.length > 0) add(li, 'span', 'tv-legend-sdk', reporters[k]!.join(', '));
      });
      if (doors.size === 1) add(add(legend, 'li', 'tv-legend-item'), 'span', 'tv-legend-sdk', `all by ${[...doors.keys()][0]}`);
      const cpKey = add(legend, 'li', 'tv-legend-item tv-legend-cp');
      add(cpKey, 'span', 'tv-cp-key');
      add(cpKey, 'span', '', 'critical path');
    },
    clear() {
      element.replaceChildren();
    },
  };
}
