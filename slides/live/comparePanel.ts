// A plug's proof on the stage: the verdict in words (medians, the finding gone) over the typical trace before and after.
import { createTraceCompare } from '../../viewer/index.ts';
import { el, setText } from './dom.ts';
import type { ProofResult } from './proofVerdict.ts';
import { focusLabels } from './proofFocus.ts';

export interface ComparePanel {
  show(result: ProofResult): void;
  /** Scrolls both panes to the finding's spans; call once the panel is visible. */
  reveal(result: ProofResult): void;
  setZoom(z: number): void;
  destroy(): void;
}

export function createComparePanel(host: HTMLElement, onClose: () => void): ComparePanel {
  const close = el('button', { type: 'button', class: 'demo-compare-close' }, 'Back to live trace');
  const headline = el('p', { class: 'proof-headline', role: 'status' });
  const finding = el('p', { class: 'proof-finding' });
  const diff = el('p', { class: 'proof-diff' });
  const suggestion = el('p', { class: 'proof-suggestion' });
  const room = el('p', { class: 'proof-room' });
  const verdict = el('div', { class: 'proof-verdict' }, headline, finding, diff, suggestion, room);
  const body = el('div', { class: 'demo-compare-body' });
  host.append(verdict, close, body);
  close.addEventListener('click', onClose);
  const compare = createTraceCompare(body);
  return {
    show(r) {
      host.dataset.verdict = r.verdict;
      host.dataset.hole = r.holeId;
      setText(headline, r.headline);
      setText(finding, r.findingLine ?? '');
      finding.hidden = !r.findingLine;
      setText(diff, r.diffLine ?? '');
      diff.hidden = !r.diffLine;
      setText(suggestion, r.suggestion ?? '');
      suggestion.hidden = !r.suggestion;
      setText(room, r.roomLine ?? '');
      room.hidden = !r.roomLine;
      // No caption: the verdict above says what the pair is; the panes name themselves Before and After.
      compare.show(r.before.typical, r.after.typical);
    },
    reveal(r) {
      // The payoff in view: the finding's rows, opened and scrolled to, in both panes (the panes must be on screen to scroll).
      // On the next frame: the panes' heights settle once the verdict's lines are laid out, and centring needs the final height.
      const f = r.focus;
      if (f) requestAnimationFrame(() => compare.focus(f.before, f.after, focusLabels(f)));
    },
    setZoom: (z) => compare.setZoom(z),
    destroy() {
      compare.destroy();
      verdict.remove();
      close.remove();
      body.remove();
    },
  };
}
