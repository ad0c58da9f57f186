// Self-study replay: the Demo, "A realistic example" and "How Jaeger works" slides drawn from recorded traces, marked as such.
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
function recordingBanner(): HTMLElement {
  return el(
    'p',
    { class: 'rec-banner', role: 'note' },
    el('span', { class: 'rec-badge' }, 'Recording'),
    ` Recorded on ${recordedOn(manifest)} — no live mesh behind this copy.`,
  );
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
  const root = el('div', { class: 'demo-slide rec-replay rec-demo', 'data-zoom': '1' }, recordingBanner(), picker, el('div', { class: 'rec-main' }, stage, walk));
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
    buttons.forEach((b, k) => b.setAttribute('aria-pressed', String(k === i)));
    setText(title, pair.title);
    prose.replaceChildren(...walkthroughFor(pair).map((p) => el('p', {}, p)));
    host.dataset.recordingState = 'loading';
    try {
      const [before, after] = await Promise.all([source.fetchTrace(pair.before.traceID, new AbortController().signal), source.fetchTrace(pair.after.traceID, new AbortController().signal)]);
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
  const root = el('div', { class: 'realistic-trace rec-replay rec-realistic' }, recordingBanner(), viewerHost);
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

/** The pipeline's stages with the figures of the recording: every recorded span went client → collector → store. */
function mountPipelineReplay(host: HTMLElement): () => void {
  const recs = createRecordingTraceSource().manifest.recordings;
  const spans = recs.reduce((n, r) => n + r.spanCount, 0);
  const stages: [string, number, string][] = [
    ['jaeger-client', spans, 'spans sent'],
    ['agent (UDP)', 0, 'spans (HTTP skips it)'],
    ['collector', spans, 'spans'],
    ['store', spans, 'spans stored'],
    ['query', recs.length, 'traces read back'],
  ];
  const row = el('ol', { class: 'pipeline-stages' });
  for (const [name, count, unit] of stages) {
    row.append(
      el('li', { class: 'pipeline-stage' }, el('span', { class: 'pipeline-name' }, name), el('span', { class: 'pipeline-count' }, count.toLocaleString('en')), el('span', { class: 'pipeline-unit' }, unit)),
    );
  }
  const services = Math.max(...recs.map((r) => r.services));
  const note = el('p', { class: 'pipeline-note' }, `The ${recs.length} recorded traces: ${spans.toLocaleString('en')} spans from ${services} services, posted over HTTP to the collector, then read back as Jaeger JSON.`);
  const root = el('div', { class: 'rec-replay pipeline-counts' }, recordingBanner(), row, note);
  host.append(root);
  host.dataset.pipeline = 'recording';
  return () => {
    root.remove();
    delete host.dataset.pipeline;
  };
}

export function mountRecordingReplay(host: HTMLElement, slide: ReplaySlide): () => void {
  host.dataset.mesh = 'recording';
  const teardown = slide === 'demo' ? mountDemoReplay(host) : slide === 'realistic' ? mountRealisticReplay(host) : mountPipelineReplay(host);
  return () => {
    teardown();
    delete host.dataset.mesh;
  };
}
