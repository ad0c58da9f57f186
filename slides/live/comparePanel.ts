// The before/after pair of a hole switch on the Demo slide: the viewer's comparison plus a way back to the live trace.
import { createTraceCompare } from '../../viewer/traceCompare.ts';
import type { Comparison } from './demoFlow.ts';
import { el } from './dom.ts';

export interface ComparePanel {
  show(c: Comparison): void;
  setZoom(z: number): void;
  destroy(): void;
}

export function createComparePanel(host: HTMLElement, onClose: () => void): ComparePanel {
  const close = el('button', { type: 'button', class: 'demo-compare-close' }, 'Back to the live trace');
  const body = el('div', { class: 'demo-compare-body' });
  host.append(close, body);
  close.addEventListener('click', onClose);
  const compare = createTraceCompare(body);
  return {
    show(c) {
      if (!c.before || !c.after) return;
      const what = `${c.hole.title} ${c.hole.plugged ? 'plugged' : 'opened'}`;
      compare.show(c.before, c.after, `${what}: the last trace before the switch, and the first after it`);
    },
    setZoom: (z) => compare.setZoom(z),
    destroy() {
      compare.destroy();
      close.remove();
      body.remove();
    },
  };
}
