// The live slides on paper (?print-pdf): the Demo's recorded trace with its findings, and the other live slides' recordings, sized to their page.
import { analyzeTrace } from '../../analysis/index.ts';
import { exampleRecording, loadRecording, manifest, recordedOn } from '../recordings/index.ts';
import { createTraceViewer } from '../../viewer/index.ts';
import { mountAlertsReplay } from './alertsPanel.ts';
import { el, setText } from './dom.ts';
import { mountRecordingReplay } from './recordingPanel.ts';
import './demoSlide.css';

/**
 * Mounted before reveal.js lays the pages out, into a box of fixed height, so the page count is
 * settled before the trace file has even loaded.
 */
function mountPrintDemo(section: HTMLElement): void {
  const host = section.querySelector<HTMLElement>('[data-live-host]');
  const rec = exampleRecording(manifest);
  if (!host || !rec) return;
  const caption = el(
    'p',
    { class: 'print-demo-caption' },
    `A trace recorded from the demo mesh on ${recordedOn(manifest)}, with the holes the hole finder names in it:`,
  );
  const findings = el('ul', { class: 'print-demo-findings' });
  const viewerHost = el('div', { class: 'print-demo-viewer' });
  host.append(el('div', { class: 'print-demo' }, caption, findings, viewerHost));
  section.classList.add('print-demo-slide');
  const viewer = createTraceViewer(viewerHost, { details: false });
  viewer.clear('Opening the recorded trace…');
  void loadRecording(rec).then(
    (trace) => {
      viewer.show(trace);
      host.dataset.traceId = trace.traceID;
      const found = analyzeTrace(trace).slice(0, 3);
      // On paper too the costliest finding's rows are marked and in view.
      const top = found[0];
      if (top && viewer.highlightSpans(top.spanIDs) > 0) viewer.revealSpan(top.spanIDs[0]!);
      findings.replaceChildren(...found.map((f) => el('li', {}, f.title)));
      if (found.length === 0) findings.replaceChildren(el('li', {}, 'The hole finder names nothing in this recording.'));
    },
    (e: unknown) => setText(caption, `The recorded trace could not be opened (${e instanceof Error ? e.message : String(e)}).`),
  );
}

/**
 * Every live slide's paper form, mounted before reveal.js lays out the pages: a PDF has no server,
 * so each shows what the self-study copy shows (the recordings), in boxes of fixed height.
 */
export function mountPrintParts(doc: Document): void {
  const demo = doc.querySelector<HTMLElement>('section#demo');
  if (demo) mountPrintDemo(demo);
  const hostOf = (live: string) => doc.querySelector<HTMLElement>(`section[data-live="${live}"] [data-live-host]`);
  const realistic = hostOf('realistic-trace');
  if (realistic) mountRecordingReplay(realistic, 'realistic');
  const pipeline = hostOf('pipeline');
  if (pipeline) mountRecordingReplay(pipeline, 'pipeline');
  const alerts = hostOf('alerts');
  if (alerts) mountAlertsReplay(alerts);
}
