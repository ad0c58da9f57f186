// "From traces to alerts": the hole finder's findings counted over recent requests (GET /api/findings), or over the recordings.
import { aggregateFindings } from '../../analysis/index.ts';
import type { FindingAggregate, FindingsAggregateResponse } from '../../model/index.ts';
import { manifest } from '../recordings/index.ts';
import { el, setText } from './dom.ts';
import type { LiveContext, LivePart } from './index.ts';
import { livePartFrom } from './partLifecycle.ts';
import { pollJson } from './pollJson.ts';
import { recordingBanner } from './recordingPanel.ts';
import './alertsPanel.css';

/** The window the live count looks back over, in minutes: the demo's own requests, not yesterday's rehearsal. */
const LOOKBACK_MIN = 15;
const POLL_MS = 5000;
/** What fits the back row: the three most frequent holes. */
export const ALERTS_SHOWN = 3;

/** The aggregate as alert lines, most frequent first; words for an empty window. */
export function alertLines(data: readonly FindingAggregate[], ofTraces: number): string[] {
  if (ofTraces === 0) return [`No requests yet in the last ${LOOKBACK_MIN} minutes: send a few from the Demo slide.`];
  if (data.length === 0) return [`No hole in any of the last ${ofTraces} requests.`];
  return data.slice(0, ALERTS_SHOWN).map((a) => a.title);
}

export function renderAlerts(list: HTMLElement, lines: string[]): void {
  list.replaceChildren(...lines.map((l) => el('li', {}, l)));
}

/** The findings as `npm run record` stored them, counted over the recorded traces as the server counts recent ones. */
export function mountAlertsReplay(host: HTMLElement): () => void {
  const recs = manifest.recordings.filter((r) => r.findings);
  const list = el('ul', { class: 'alerts-list' });
  renderAlerts(list, alertLines(aggregateFindings(recs.map((r) => ({ traceID: r.traceID, findings: r.findings ?? [] }))), recs.length));
  const root = el('div', { class: 'alerts-panel rec-replay' }, recordingBanner(`Counted over the ${recs.length} recorded traces.`), list);
  host.append(root);
  host.dataset.alerts = 'recording';
  return () => {
    root.remove();
    delete host.dataset.alerts;
  };
}

function mountAlerts(host: HTMLElement, ctx: LiveContext): () => void {
  if (ctx.offline) return mountAlertsReplay(host);
  const list = el('ul', { class: 'alerts-list', 'aria-live': 'polite' });
  const note = el('p', { class: 'alerts-note', role: 'status' });
  const root = el('div', { class: 'alerts-panel' }, list, note);
  host.append(root);
  const base = ctx.apiBase.replace(/\/$/, '');
  const show = (body: FindingsAggregateResponse) => {
    renderAlerts(list, alertLines(body.data, body.ofTraces));
    setText(note, body.ofTraces > 0 ? `Live: the hole finder over this demo's last ${body.ofTraces} requests.` : '');
    host.dataset.alerts = 'live';
  };
  const stop = pollJson(`${base}/api/findings?lookback=${LOOKBACK_MIN}m`, POLL_MS, show, (why) => {
    setText(note, `Findings unavailable (${why}); retrying…`);
    host.dataset.alerts = 'unavailable';
  });
  return () => {
    stop();
    root.remove();
    delete host.dataset.alerts;
  };
}

export function createAlertsPanel(): LivePart {
  return livePartFrom(mountAlerts);
}
