// The flow's state in words for the status line of any live part, and as one word for tests (data-demo-state).
import type { DemoFlowSnapshot } from './demoFlow.ts';
import { formatMs } from '../../viewer/latencyChart.ts';

/** The request region's state as one word, for the status line and for tests (data-demo-state). */
export function requestPhase(s: DemoFlowSnapshot): string {
  const r = (s.value as { request: unknown }).request;
  return typeof r === 'string' ? r : Object.keys(r as object)[0]!;
}

export function statusLine(s: DemoFlowSnapshot): { text: string; tone: 'ok' | 'busy' | 'bad' } {
  const c = s.context;
  const v = s.value as { health: string; stream: unknown };
  if (c.mesh?.state === 'offline') return { text: `The live demo isn't running: ${c.mesh.reason}`, tone: 'bad' };
  if (c.mesh?.state === 'down') return { text: `${c.mesh.reason} Checking again every few seconds…`, tone: 'bad' };
  if (v.stream === 'retrying') return { text: `Live trace stream lost — reconnecting…`, tone: 'bad' };
  if (c.mesh === null) return { text: 'Checking the demo mesh…', tone: 'busy' };
  switch (requestPhase(s)) {
    case 'requesting': {
      const n = c.pending?.count ?? 1;
      return { text: n === 1 ? 'Sending a request through the mesh…' : `Sending ${n} ${c.pending?.kind ?? ''} requests at once…`, tone: 'busy' };
    }
    case 'awaitingTrace': {
      const slowest = Math.max(...c.lastResults.map((r) => r.durationMs));
      return { text: `Answered in ${formatMs(slowest)} — waiting for its trace…`, tone: 'busy' };
    }
    case 'following':
      return { text: 'A trace from the audience is arriving…', tone: 'busy' };
    case 'failed':
      return { text: c.error ?? 'Something went wrong.', tone: 'bad' };
    case 'showing':
      return { text: 'Ready. The trace below arrived by itself over the live stream.', tone: 'ok' };
    default:
      return { text: 'Ready. Send a request and watch its trace arrive.', tone: 'ok' };
  }
}
