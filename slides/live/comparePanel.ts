// The before/after pair of a hole switch on the Demo slide: the viewer's comparison plus a way back to the live trace.
import { createTraceCompare } from '../../viewer/traceCompare.ts';
import type { Comparison } from './demoFlow.ts';
import { el } from './dom.ts';
import { shortHoleName } from './holeSwitches.ts';

export interface ComparePanel {
  show(c: Comparison): void;
  setZoom(z: number): void;
  destroy(): void;
}

export function createComparePanel(host: HTMLElement, onClose: () => void): ComparePanel {
  const close = el('button', { type: 'button', class: 'demo-compare-close' }, 'Back to live trace');
  const body = el('div', { class: 'demo-compare-body' });
  host.append(close, body);
  close.addEventListener('click', onClose);
  const compare = createTraceCompare(body);
  return {
    show(c) {
      if (!c.before || !c.after) return;
      compare.show(c.before, c.after, `${shortHoleName(c.hole.holeId)} ${c.hole.plugged ? 'plugged' : 'opened'}: last trace before, first after`);
    },
    setZoom: (z) => compare.setZoom(z),
    destroy() {
      compare.destroy();
      close.remove();
      body.remove();
    },
  };
}
