// Feeds the viewer's latency chart from the flow's recent requests, labelling the first request after each hole switch.
import { createLatencyChart } from '../../viewer/latencyChart.ts';
import type { HoleSwitchMark, LatencyPoint } from './demoFlow.ts';
import { shortHoleName } from './holeSwitches.ts';

export interface LatencyPanel {
  update(recent: readonly LatencyPoint[], switches: readonly HoleSwitchMark[]): void;
  destroy(): void;
}

export function createLatencyPanel(host: HTMLElement): LatencyPanel {
  const chart = createLatencyChart(host, { window: 40 });
  const added = new Set<string>();
  const labelled = new Set<HoleSwitchMark>();
  return {
    update(recent, switches) {
      for (const p of recent) {
        if (added.has(p.traceID)) continue;
        added.add(p.traceID);
        const due = switches.filter((s) => !labelled.has(s) && s.at <= p.at);
        for (const s of due) labelled.add(s);
        const label = due.map((s) => `${shortHoleName(s.holeId)} ${s.plugged ? 'plugged' : 'opened'}`).join(', ') || undefined;
        chart.add(p.durationMs, p.at, label);
      }
      // The flow keeps a bounded list; forget ids it dropped so the set stays small too.
      if (added.size > recent.length * 2) {
        const keep = new Set(recent.map((p) => p.traceID));
        for (const id of added) if (!keep.has(id)) added.delete(id);
      }
    },
    destroy() {
      chart.destroy();
    },
  };
}
