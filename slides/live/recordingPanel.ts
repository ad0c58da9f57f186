// Recorded traces on the live slides, marked as such: the Demo and "How Jaeger works" in the self-study copy, "A realistic example" everywhere.
import type { JaegerTrace } from '../../model/index.ts';
import { createTraceViewer } from '../../viewer/index.ts';
import { createTraceCompare } from '../../viewer/index.ts';
import { exampleRecording, manifest, recordedOn, recordedPairs, walkthroughFor, type RecordedPair } from '../recordings/index.ts';
import { el, guardInput, setText } from './dom.ts';
import { shortHoleName } from './holeSwitches.ts';
import { focusLabels, proofFocus } from './proofFocus.ts';
import { holeCatalog } from '../../model/index.ts';
import { createRecordingTraceSource } from './recordingTraceSource.ts';
// The live parts' own styles keep the viewer's headings readable inside reveal.js; the replay reuses them.
import './demoSlide.css';
import './realisticTrace.css';
import './pipelineCounts.css';
import './recordingPanel.css';

export type ReplaySlide = 'demo' | 'realistic' | 'pipeline';

/** The plain marking every replay carries: a reader must never take it for a live mesh. */
export function recordingBanner(words = `Recorded on ${recordedOn(manifest)} — no live mesh behind this copy.`): HTMLElement {
  return el('p', { class: 'rec-banner', role: 'note' }, el('span', { class: 'rec-badge' }, 'Recording'), ` ${words}`);
}

function pairLabel(p: RecordedPair): string {
  return p.before.holeId ? shortHoleName(p.before.holeId) : 'All holes';
}

function problemText(e: unknown): string {
  return `This recording could not be opened (${e instanceof Error ? e.message : String(e)}).`;
}

function mountDemoReplay(host: HTMLElement): () => void {
  const source = createRecordingTraceSource();
  const pairs = recordedPairs(source.manifest);
  const picker = el('div', { class: 'rec-picker', role: 'group', 'aria-label': 'Recorded before/after pairs' });
  const stage = el('div', { class: 'rec-stage demo-compare' });
  const title = el('h3', { class: 'rec-walk-title' });
  const prose = el('div', { class: 'rec-walk-text' });
  const walk = el('aside', { class: 'rec-walk', 'aria-label': 'Walk-through' }, title, prose);
  const root = el(
    'div',
    { class: 'demo-slide rec-replay rec-demo', 'data-zoom': '1' },
    recordingBanner(),
    picker,
    el('div', { class: 'rec-main' }, stage, walk),
  );
  host.append(root);
  const releaseInput = guardInput(host);
  const compare = createTraceCompare(stage);
  let chosen = 0;
  let alive = true;

  const buttons = pairs.map((p, i) => {
    const b = el('button', { type: 'button', class: 'rec-pick', 'data-pair': p.id, 'aria-pressed': 'false' }, pairLabel(p));
    b.addEventListener('click', () => void choose(i));
    picker.append(b);
    return b;
  });

  async function choose(i: number): Promise<void> {
    const pair = pairs[i];
    if (!pair) return;
    chosen = i;
    for (const [k, b] of buttons.entries()) b.setAttribute('aria-pressed', String(k === i));
    setText(title, pair.title);
    prose.replaceChildren(...walkthroughFor(pair).map((p) => el('p', {}, p)));
    host.dataset.recordingState = 'loading';
    try {
      const [before, after] = await Promise.all([
        source.fetchTrace(pair.before.traceID, new AbortController().signal),
        source.fetchTrace(pair.after.traceID, new AbortController().signal),
      ]);
      // The reader may have picked another pair, or left the slide, while the files loaded.
      if (!alive || chosen !== i) return;
      if (!before || !after) throw new Error('a trace of the pair is missing');
      // No caption: the pressed picker button already names the pair, and rows need the height.
      compare.show(before, after);
      // As on the live slide: the finding that went away and the same place after, in view in both panes.
      const kind = holeCatalog.find((h) => h.id === pair.before.holeId)?.findingKind;
      const focus = kind ? proofFocus(kind, before, after) : null;
      if (focus) compare.focus(focus.before, focus.after, focusLabels(focus));
      host.dataset.pair = pair.id;
      host.dataset.beforeSpans = String(before.spans.length);
      host.dataset.afterSpans = String(after.spans.length);
      host.dataset.recordingState = 'shown';
    } catch (e) {
      if (!alive) return;
      prose.prepend(el('p', { class: 'rec-problem', role: 'alert' }, problemText(e)));
      host.dataset.recordingState = 'failed';
    }
  }
  void choose(0);

  return () => {
    alive = false;
    compare.destroy();
    releaseInput();
    root.remove();
    for (const k of ['recordingState', 'pair', 'beforeSpans', 'afterSpans']) delete host.dataset[k];
  };
}

function mountRealisticReplay(host: HTMLElement): () => void {
  const rec = exampleRecording(manifest);
  const viewerHost = el('div', { class: 'realistic-viewer' });
  // Shown by the live deck too (the notes quote this very trace), so the banner claims no more than the recording.
  const root = el(
    'div',
    { class: 'realistic-trace rec-replay rec-realistic' },
    recordingBanner(`One order through the demo mesh, recorded on ${recordedOn(manifest)}.`),
    viewerHost,
  );
  host.append(root);
  const releaseInput = guardInput(host);
  const viewer = createTraceViewer(viewerHost);
  let alive = true;
  viewer.clear('Opening the recorded trace…');
  const source = createRecordingTraceSource();
  void (async () => {
    try {
      const trace = rec ? await source.fetchTrace(rec.traceID, new AbortController().signal) : null;
      if (!alive) return;
      if (!trace) throw new Error('no example trace was recorded');
      viewer.show(trace);
      // The theme shows the host over the static picture only once it carries a trace id.
      host.dataset.traceId = trace.traceID;
      host.dataset.spanCount = String(trace.spans.length);
    } catch (e) {
      if (alive) viewer.clear(problemText(e));
    }
  })();
  return () => {
    alive = false;
    viewer.destroy();
    releaseInput();
    root.remove();
    delete host.dataset.traceId;
    delete host.dataset.spanCount;
  };
}

/** Which door a recorded span came in by: the OpenTelemetry SDK names itself on its process (OTLP); the mesh's jaeger-client posts Thrift over HTTP. */
export function recordedDoor(trace: JaegerTrace, processID: string): 'otlp' | 'http' {
  return trace.processes[processID]?.tags?.some((t) => t.key === 'telemetry.sdk.name') ? 'otlp' : 'http';
}

/** The pipeline's doors and stages with the recording's own figures: every recorded span came in by one door and was stored. */
function mountPipelineReplay(host: HTMLElement): () => void {
  const source = createRecordingTraceSource();
  const recs = source.manifest.recordings;
  const row = el('ol', { class: 'pipeline-stages' });
  const note = el('p', { class: 'pipeline-note' }, 'Counting the recorded spans…');
  const root = el('div', { class: 'rec-replay pipeline-counts' }, recordingBanner(), row, note);
  host.append(root);
  let alive = true;
  void (async () => {
    const traces = await Promise.all(recs.map((r) => source.fetchTrace(r.traceID, new AbortController().signal)));
    if (!alive) return;
    const byDoor = { otlp: 0, http: 0 };
    for (const t of traces) for (const span of t?.spans ?? []) byDoor[recordedDoor(t!, span.processID)]++;
    const spans = byDoor.otlp + byDoor.http;
    const stages: [string, number, string, string][] = [
      ['otlp', byDoor.otlp, 'OTLP/HTTP', 'from the OTel SDK'],
      ['http', byDoor.http, 'Thrift/HTTP', 'from jaeger-client'],
      ['udp', 0, 'Thrift/UDP', "the old agent's port"],
      ['collector', spans, 'collector', 'spans in'],
      ['store', spans, 'store', 'spans stored'],
      ['query', recs.length, 'query', 'traces read back'],
    ];
    for (const [key, count, name, unit] of stages) {
      row.append(
        el(
          'li',
          { class: 'pipeline-stage', 'data-door': key },
          el('span', { class: 'pipeline-name' }, name),
          el('span', { class: 'pipeline-count', 'data-stage': key }, count.toLocaleString('en')),
          el('span', { class: 'pipeline-unit' }, unit),
        ),
      );
    }
    const services = Math.max(...recs.map((r) => r.services));
    setText(note, `The ${recs.length} recorded traces: ${spans.toLocaleString('en')} spans from ${services} services.`);
    host.dataset.pipeline = 'recording';
  })();
  return () => {
    alive = false;
    root.remove();
    delete host.dataset.pipeline;
  };
}

export function mountRecordingReplay(host: HTMLElement, slide: ReplaySlide): () => void {
  host.dataset.mesh = 'recording';
  const mounts: Record<ReplaySlide, (h: HTMLElement) => () => void> = {
    demo: mountDemoReplay,
    realistic: mountRealisticReplay,
    pipeline: mountPipelineReplay,
  };
  const teardown = mounts[slide](host);
  return () => {
    teardown();
    delete host.dataset.mesh;
  };
}
