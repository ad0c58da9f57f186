// The hole finder's findings above every view of the trace: what each hole cost, and a click shows its spans.
import type { Finding } from '../../model/index.ts';
import { add } from './dom.ts';
import { formatShare } from '../model/format.ts';
import type { LoadedTrace } from '../model/loadedTrace.ts';
import type { TraceView } from './traceView.ts';

export interface FindingsList extends TraceView {
  /** `indices[k]` are the span indices of finding k. */
  list(findings: readonly Finding[], indices: readonly number[][]): void;
  /** Says what is happening instead (the finder at work, or why it could not read the trace). */
  waiting(text: string): void;
}

const SHOWN = 4;

export function createFindingsList(onPick: (spans: number[], finding: Finding) => void): FindingsList {
  // A div with a region role, not a <section>: reveal.js counts every section inside a slide as a slide.
  const element = add(null, 'div', 'tv-findings');
  element.setAttribute('role', 'region');
  element.setAttribute('aria-label', 'Findings: performance holes in this trace');
  element.hidden = true;
  let showAll = false;
  let last: { findings: readonly Finding[]; indices: readonly number[][] } | undefined;
  let listedFor: LoadedTrace | undefined;

  function draw(): void {
    if (!last) return;
    const { findings, indices } = last;
    element.replaceChildren();
    element.hidden = false;
    if (findings.length === 0) {
      add(element, 'p', 'tv-findings-none', 'No performance holes found in this trace.');
      return;
    }
    const ol = add(element, 'ol', 'tv-findings-list');
    findings.slice(0, showAll ? findings.length : SHOWN).forEach((f, k) => {
      const li = add(ol, 'li', 'tv-finding');
      li.dataset.kind = f.kind;
      const b = add(li, 'button', 'tv-finding-pick');
      b.type = 'button';
      b.title = `Show the ${indices[k]?.length ?? 0} spans of this finding`;
      add(b, 'span', 'tv-finding-share', formatShare(f.share));
      add(b, 'span', 'tv-finding-title', f.title);
      b.addEventListener('click', () => {
        for (const other of element.querySelectorAll('.tv-finding-on')) other.classList.remove('tv-finding-on');
        li.classList.add('tv-finding-on');
        onPick(indices[k] ?? [], f);
      });
      if (f.fix) add(li, 'span', 'tv-finding-fix', `Fix: ${f.fix}`);
    });
    if (findings.length > SHOWN) {
      const more = add(element, 'button', 'tv-findings-more', showAll ? 'Fewer' : `All ${findings.length} findings`);
      more.type = 'button';
      more.addEventListener('click', () => {
        showAll = !showAll;
        draw();
      });
    }
  }

  return {
    element,
    show(t) {
      // The same trace drawn again (on a new time axis) keeps its findings.
      if (t.loaded === listedFor) return;
      listedFor = t.loaded;
      this.waiting('Looking for performance holes…');
    },
    list(findings, indices) {
      last = { findings, indices };
      showAll = false;
      draw();
    },
    waiting(text) {
      last = undefined;
      element.hidden = false;
      element.replaceChildren();
      add(element, 'p', 'tv-findings-none', text);
    },
    clear() {
      last = undefined;
      listedFor = undefined;
      element.hidden = true;
      element.replaceChildren();
    },
  };
}
