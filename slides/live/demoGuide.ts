// The presenter's on-slide guide (token holders only): one line per step of the demo script, with a button that sends the step's request.
import { el, setText } from './dom.ts';
import type { RequestPattern } from './holePattern.ts';
import { scriptSteps } from './demoScript.ts';

export interface DemoGuide {
  readonly element: HTMLElement;
  /** Moves to the first step whose hole is still open. */
  update(plugged: ReadonlySet<string>): void;
  destroy(): void;
}

/** `onSend` gets the step's whole documented pattern (warm-up, lead, count, at once or one after another), the one its text names. */
export function createDemoGuide(onSend: (pattern: RequestPattern) => void): DemoGuide {
  const steps = scriptSteps();
  const label = el('span', { class: 'guide-step' });
  const text = el('span', { class: 'guide-text' });
  const sendIt = el('button', { type: 'button', class: 'guide-send' }, 'Send it');
  const prev = el('button', { type: 'button', class: 'guide-nav', 'aria-label': 'Previous step' }, '‹');
  const next = el('button', { type: 'button', class: 'guide-nav', 'aria-label': 'Next step' }, '›');
  const element = el('p', { class: 'demo-guide', 'aria-label': 'Demo script (presenter only)' }, prev, label, text, sendIt, next);
  let at = 0;
  let chosenByHand = false;

  const render = () => {
    const s = steps[at]!;
    setText(label, `${at + 1}/${steps.length} ${s.spec.shortName}:`);
    setText(text, `${s.send} ${s.look} ${s.flip}`);
    element.dataset.hole = s.spec.id;
    element.title = `${s.spec.title}. ${s.proof}`;
  };
  prev.addEventListener('click', () => {
    at = (at + steps.length - 1) % steps.length;
    chosenByHand = true;
    render();
  });
  next.addEventListener('click', () => {
    at = (at + 1) % steps.length;
    chosenByHand = true;
    render();
  });
  sendIt.addEventListener('click', () => onSend(steps[at]!.spec.pattern));
  render();
  let lastPlugged = '';
  return {
    element,
    update(plugged) {
      const key = [...plugged].sort().join(',');
      if (key === lastPlugged) return;
      lastPlugged = key;
      if (chosenByHand && plugged.size === 0) return;
      const open = steps.findIndex((s) => !plugged.has(s.spec.id));
      at = Math.max(open, 0);
      chosenByHand = false;
      render();
      if (open < 0) {
        setText(label, 'Done:');
        setText(text, 'every hole is plugged. Switch one back open to show it again, or take questions.');
      }
    },
    destroy() {
      element.remove();
    },
  };
}
