// The flow's state in words for the status line of any live part, with a tone for its colour.
import { requestPatternWords } from './holePattern.ts';
import type { DemoFlowSnapshot } from './demoFlow.ts';
import { traceAttendee } from '../../model/index.ts';

/** The presenter's state as one word, for the status line and for tests (data-demo-state). */
export function presenterPhase(s: DemoFlowSnapshot): string {
  const v = s.value;
  if (typeof v === 'string') return v;
  const p = v.onstage;
  if (p === 'idle') return s.context.error ? 'failed' : s.context.stage.trace ? 'showing' : 'idle';
  return p;
}

export type Tone = 'ok' | 'busy' | 'bad';

/** Who sent the trace on the stage, in a few words. */
export function stageCaption(s: DemoFlowSnapshot): string {
  const st = s.context.stage;
  if (!st.trace) return '';
  if (st.origin === 'ours') return st.of > 1 ? `Slowest of your ${st.of}` : 'Your request';
  const who = traceAttendee(st.trace);
  const from = who ? `From ${who}` : 'From elsewhere (not sent from this slide)';
  return st.origin === 'opened' ? `${from}, opened from the audience lane` : from;
}

export function statusLine(s: DemoFlowSnapshot): { text: string; tone: Tone } {
  const c = s.context;
  if (c.mesh?.state === 'offline') return { text: `The live demo isn't running: ${c.mesh.reason}`, tone: 'bad' };
  if (c.mesh?.state === 'down') return { text: `Mesh trouble: ${c.mesh.reason}`, tone: 'bad' };
  if (c.stream === 'retrying') return { text: 'Live trace stream lost — reconnecting…', tone: 'bad' };
  if (c.mesh === null) return { text: 'Checking the demo mesh…', tone: 'busy' };
  switch (presenterPhase(s)) {
    case 'requesting': {
      const n = c.pending?.count ?? 1;
      if (c.pending?.pattern) return { text: `Sending ${requestPatternWords(c.pending.pattern)}…`, tone: 'busy' };
      return {
        text:
          n === 1
            ? `Sending a ${c.pending?.kind ?? 'normal'} request through the mesh…`
            : `Sending ${n} ${c.pending?.kind ?? ''} requests at once…`,
        tone: 'busy',
      };
    }
    case 'proving':
      return { text: c.proving?.text ?? 'Proving the plug…', tone: 'busy' };
    case 'switching':
      return { text: 'Switching…', tone: 'busy' };
    case 'opening':
      return { text: 'Opening that trace…', tone: 'busy' };
    case 'failed':
      return { text: c.error ?? 'Something went wrong.', tone: 'bad' };
  }
  if (c.stage.failure) return { text: `${stageCaption(s)} failed: ${c.stage.failure} — the opened span shows where.`, tone: 'bad' };
  if (c.stage.trace) return { text: `${stageCaption(s)}${c.stage.pinned ? ' — pinned' : ''}.`, tone: 'ok' };
  return { text: 'Ready. Send a request and watch its trace arrive.', tone: 'ok' };
}
