// "How Jaeger works": live span counts per door of the embedded pipeline (OTLP, Thrift over HTTP, Thrift over UDP), then stored and queried, polled every second while shown.
import type { CollectorStatsSnapshot } from '../../model/index.ts';
import { el, setText } from './dom.ts';
import type { LiveContext, LivePart } from './index.ts';
import { livePartFrom } from './partLifecycle.ts';
import { pollJson } from './pollJson.ts';
import { mountRecordingReplay } from './recordingPanel.ts';
import './pipelineCounts.css';

/** GET /api/collector/stats as this slide reads it: a door an older server lacks is simply absent. */
type CollectorStats = Partial<CollectorStatsSnapshot>;

export interface StageCounts {
  /** Spans in through each door: OTLP/HTTP (OpenTelemetry SDKs), Thrift over HTTP and over UDP (jaeger-client). */
  otlp: number;
  http: number;
  udp: number;
  /** All doors together: what the collector took in. */
  collector: number;
  store: number;
  query: number;
}

/** Spans per door and stage. There is no agent hop: the UDP ports the old jaeger-agent listened on are one more door of the collector. */
export function stageCounts(s: CollectorStats): StageCounts {
  const udp = (s.udpCompact?.spans ?? 0) + (s.udpBinary?.spans ?? 0);
  const http = s.http?.spans ?? 0;
  const otlp = s.otlp?.spans ?? 0;
  const stored = (s.udpCompact?.stored ?? 0) + (s.udpBinary?.stored ?? 0) + (s.http?.stored ?? 0) + (s.otlp?.stored ?? 0);
  return { otlp, http, udp, collector: otlp + http + udp, store: stored, query: s.store?.traces ?? 0 };
}

export interface UdpLoss {
  /** Datagrams the kernel dropped at the agent's sockets (null: the server cannot read it). */
  kernel: number | null;
  /** Batches missing from the clients' seqNo numbering. */
  gaps: number;
}

/** What UDP lost between the clients and the agent: invisible to both ends unless someone counts. */
export function udpLoss(s: CollectorStats): UdpLoss {
  const doors = [s.udpCompact, s.udpBinary];
  const known = doors.filter((d) => d && typeof d.kernelDrops === 'number');
  return {
    kernel: known.length ? known.reduce((n, d) => n + (d!.kernelDrops ?? 0), 0) : null,
    gaps: doors.reduce((n, d) => n + (d?.missingBatches ?? 0), 0),
  };
}

function lossText(l: UdpLoss): string {
  const kernel =
    l.kernel === null
      ? 'kernel drops not readable here'
      : `${l.kernel.toLocaleString('en')} datagram${l.kernel === 1 ? '' : 's'} dropped by the kernel`;
  return `UDP lost on the way: ${kernel} · ${l.gaps.toLocaleString('en')} batch${l.gaps === 1 ? '' : 'es'} missing by sequence number`;
}

const STAGES: { key: keyof StageCounts; name: string; unit: string }[] = [
  { key: 'otlp', name: 'OTLP/HTTP', unit: 'from the OTel SDK' },
  { key: 'http', name: 'Thrift/HTTP', unit: 'from jaeger-client' },
  { key: 'udp', name: 'Thrift/UDP', unit: "the old agent's port" },
  { key: 'collector', name: 'collector', unit: 'spans in' },
  { key: 'store', name: 'store', unit: 'spans stored' },
  { key: 'query', name: 'query', unit: 'traces to read' },
];

const POLL_MS = 1000;

function mountPipeline(host: HTMLElement, ctx: LiveContext): () => void {
  if (ctx.offline) return mountRecordingReplay(host, 'pipeline');
  const cells = new Map<keyof StageCounts, { count: HTMLElement; rate: HTMLElement }>();
  const row = el('ol', { class: 'pipeline-stages' });
  for (const st of STAGES) {
    const count = el('span', { class: 'pipeline-count', 'data-stage': st.key }, '–');
    const rate = el('span', { class: 'pipeline-rate' });
    cells.set(st.key, { count, rate });
    row.append(
      el(
        'li',
        { class: 'pipeline-stage', 'data-door': st.key },
        el('span', { class: 'pipeline-name' }, st.name),
        count,
        el('span', { class: 'pipeline-unit' }, st.unit),
        rate,
      ),
    );
  }
  const loss = el('p', { class: 'pipeline-loss', 'data-lost': '0' });
  const note = el('p', { class: 'pipeline-note', role: 'status' });
  const root = el('div', { class: 'pipeline-counts' }, row, loss, note);
  host.append(root);

  const base = ctx.apiBase.replace(/\/$/, '');
  let previous: { at: number; counts: StageCounts } | undefined;

  const show = (stats: CollectorStats) => {
    const counts = stageCounts(stats);
    const lost = udpLoss(stats);
    setText(loss, lossText(lost));
    loss.dataset.lost = String((lost.kernel ?? 0) + lost.gaps);
    const now = performance.now();
    for (const st of STAGES) {
      const cell = cells.get(st.key)!;
      setText(cell.count, counts[st.key].toLocaleString('en'));
      const per = previous ? ((counts[st.key] - previous.counts[st.key]) * 1000) / (now - previous.at) : 0;
      setText(cell.rate, per > 0 ? `+${Math.round(per)}/s` : '');
    }
    previous = { at: now, counts };
    setText(note, '');
    host.dataset.pipeline = 'live';
  };
  const stop = pollJson(`${base}/api/collector/stats`, POLL_MS, show, (why) => {
    setText(note, `Live counts unavailable (${why}); retrying…`);
    host.dataset.pipeline = 'unavailable';
  });

  return () => {
    stop();
    root.remove();
    delete host.dataset.pipeline;
  };
}

export function createPipelineCounts(): LivePart {
  return livePartFrom(mountPipeline);
}
