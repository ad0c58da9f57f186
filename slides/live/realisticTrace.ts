// "A realistic example": a real trace from the mesh in the viewer — the latest one, or one fresh request.
import { createActor } from 'xstate';
import type { JaegerTrace } from '../../model/index.ts';
import { createTraceViewer } from '../../viewer/index.ts';
import { createDemoFlowMachine } from './demoFlow.ts';
import { el, guardInput, setText } from './dom.ts';
import { statusLine } from './flowStatus.ts';
import type { LiveContext, LivePart } from './index.ts';
import { livePartFrom } from './partLifecycle.ts';
import { mountRecordingReplay } from './recordingPanel.ts';
import { sourceFor } from './sourceFor.ts';
import './realisticTrace.css';

function mountRealistic(host: HTMLElement, ctx: LiveContext): () => void {
  const source = sourceFor(ctx);
  if (!source) return mountRecordingReplay(host, 'realistic');
  const status = el('p', { class: 'realistic-status', role: 'status' });
  const viewerHost = el('div', { class: 'realistic-viewer' });
  const root = el('div', { class: 'realistic-trace' }, viewerHost, status);
  host.append(root);
  const releaseInput = guardInput(host);
  const viewer = createTraceViewer(viewerHost);

  // One-shot: this slide shows its own request and ignores attendees' traffic.
  const actor = createActor(createDemoFlowMachine(source), { input: { followCrowd: false } });
  let shown: JaegerTrace | null = null;
  const show = (trace: JaegerTrace) => {
    shown = trace;
    viewer.show(trace);
    host.dataset.traceId = trace.traceID;
    host.dataset.spanCount = String(trace.spans.length);
  };
  const reused = ctx.latestTrace.get();
  if (reused) show(reused);
  else viewer.clear('Sending one request through the mesh…');

  const sub = actor.subscribe((s) => {
    const t = s.context.stage.trace;
    if (t && t !== shown) {
      ctx.latestTrace.remember(t);
      show(t);
    }
    const line = statusLine(s);
    setText(status, shown && line.tone !== 'bad' ? 'A real request through the demo mesh, traced by jaeger-client.' : line.text);
    status.dataset.tone = line.tone;
  });
  actor.start();
  actor.send({ type: 'ENTER' });
  if (!reused) actor.send({ type: 'SEND', kind: 'normal', count: 1 });

  return () => {
    sub.unsubscribe();
    actor.stop();
    viewer.destroy();
    releaseInput();
    root.remove();
    delete host.dataset.traceId;
    delete host.dataset.spanCount;
  };
}

export function createRealisticTrace(): LivePart {
  return livePartFrom(mountRealistic);
}
