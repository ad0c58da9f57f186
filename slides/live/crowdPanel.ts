// The crowd lane beside the trace: the audience's requests counted and charted, the hole finder's tally, and any recent trace one click away.
import type { FindingsAggregateResponse } from '../../model/index.ts';
import { el, setText } from './dom.ts';
import type { CrowdItem, HoleSwitchMark, LatencyPoint } from './flowEvents.ts';
import { createLatencyPanel } from './latencyPanel.ts';
import { formatMs, median } from '../../model/index.ts';

export interface CrowdPanel {
  readonly element: HTMLElement;
  update(view: {
    crowd: readonly CrowdItem[];
    points: readonly LatencyPoint[];
    switches: readonly HoleSwitchMark[];
    findings: FindingsAggregateResponse | null;
    now: number;
  }): void;
  destroy(): void;
}

const RECENT_SHOWN = 6;
const FINDINGS_SHOWN = 3;

export function createCrowdPanel(onOpen: (traceID: string) => void): CrowdPanel {
  const counts = el('p', { class: 'crowd-counts', role: 'status' });
  const chartHost = el('div', { class: 'crowd-chart' });
  const findings = el('ul', { class: 'crowd-findings', 'aria-label': 'Holes found in recent requests' });
  const recent = el('ul', { class: 'crowd-recent', 'aria-label': 'Recent requests from the audience' });
  // Not a <section>: reveal.js would count it as a slide.
  const element = el('div', { class: 'crowd-lane', role: 'region', 'aria-label': 'The audience' }, counts, chartHost, findings, recent);
  const chart = createLatencyPanel(chartHost);
  element.addEventListener('click', (e) => {
    const b = (e.target as Element).closest<HTMLElement>('[data-open-trace]');
    if (b?.dataset.openTrace) onOpen(b.dataset.openTrace);
  });
  let lastPoints: unknown = null;
  let lastSwitches: unknown = null;
  let lastCrowd: unknown = null;
  let lastFindings: unknown = null;

  return {
    element,
    update(v) {
      if (v.points !== lastPoints || v.switches !== lastSwitches) {
        lastPoints = v.points;
        lastSwitches = v.switches;
        chart.update(v.points, v.switches);
      }
      if (v.crowd !== lastCrowd) {
        lastCrowd = v.crowd;
        const minute = v.crowd.filter((c) => v.now - c.at < 60_000);
        const failed = minute.filter((c) => c.failed).length;
        setText(
          counts,
          minute.length === 0
            ? 'Audience: no requests in the last minute.'
            : `Audience, last minute: ${minute.length} request${minute.length === 1 ? '' : 's'}, median ${formatMs(median(minute.map((c) => c.durationMs)))}${failed ? `, ${failed} failed` : ''}`,
        );
        recent.replaceChildren(
          ...v.crowd
            .slice(-RECENT_SHOWN)
            .reverse()
            .map((c) =>
              el(
                'li',
                {},
                el(
                  'button',
                  {
                    type: 'button',
                    class: `crowd-item${c.failed ? ' crowd-failed' : ''}`,
                    'data-open-trace': c.traceID,
                    title: `Open trace ${c.traceID}`,
                  },
                  `${c.failed ? '⚠ ' : ''}${c.who ?? 'someone'} · ${formatMs(c.durationMs)}`,
                ),
              ),
            ),
        );
      }
      if (v.findings !== lastFindings) {
        lastFindings = v.findings;
        const top = (v.findings?.data ?? []).slice(0, FINDINGS_SHOWN);
        findings.replaceChildren(
          ...top.map((f) =>
            el(
              'li',
              {},
              el(
                'button',
                {
                  type: 'button',
                  class: 'crowd-finding',
                  'data-kind': f.kind,
                  'data-open-trace': f.exampleTraceIDs[0] ?? '',
                  title: 'Open an example trace',
                },
                f.title,
              ),
            ),
          ),
        );
      }
    },
    destroy() {
      chart.destroy();
      element.remove();
    },
  };
}
