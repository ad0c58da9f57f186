// Presenter controls on the Demo slide: one switch per performance hole, PUT with the presenter token.
import { el, setText } from './dom.ts';
import type { HoleState, TraceSource } from './traceSource.ts';

export interface HoleSwitchesPanel {
  readonly element: HTMLElement;
  destroy(): void;
}

/** Called after the server confirmed a switch, with the moment it took effect. */
export type OnHoleSwitched = (hole: HoleState, at: number) => void;

/** A label short enough for five switches in one row; the full title stays in the tooltip and for screen readers. */
export function shortHoleName(id: string): string {
  const words = id.replace(/[-_]+/g, ' ').replace(/\bn plus one\b/i, 'N+1 calls').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function createHoleSwitches(source: TraceSource, onSwitched: OnHoleSwitched): HoleSwitchesPanel {
  const list = el('ul', { class: 'demo-holes-list' });
  const problem = el('p', { class: 'demo-holes-problem', role: 'alert' });
  const element = el('div', { role: 'group', class: 'demo-holes', 'aria-label': 'Performance holes (presenter)' }, el('h3', {}, 'Holes:'), list, problem);
  const abort = new AbortController();
  let destroyed = false;

  function render(holes: HoleState[]): void {
    list.replaceChildren(...holes.map(switchFor));
  }

  function paint(button: HTMLButtonElement, state: HTMLElement, plugged: boolean): void {
    button.setAttribute('aria-checked', String(plugged));
    button.dataset.plugged = String(plugged);
    setText(state, plugged ? 'plugged' : 'open');
  }

  function switchFor(hole: HoleState): HTMLElement {
    const state = el('span', { class: 'demo-hole-state' });
    const button = el(
      'button',
      { type: 'button', role: 'switch', class: 'demo-hole', 'data-hole': hole.id, title: hole.title, 'aria-label': hole.title },
      el('span', { class: 'demo-hole-title' }, shortHoleName(hole.id)),
      state,
    );
    let plugged = hole.plugged;
    paint(button, state, plugged);
    button.addEventListener('click', async () => {
      if (button.disabled) return;
      const want = !plugged;
      button.disabled = true;
      setText(problem, '');
      try {
        const confirmed = await source.setHole(hole.id, want);
        if (destroyed) return;
        plugged = confirmed.plugged;
        paint(button, state, plugged);
        onSwitched({ ...hole, plugged }, Date.now());
      } catch (e) {
        if (destroyed) return;
        // The switch stays where the server has it; the reason is on screen, not only in a console.
        paint(button, state, plugged);
        setText(problem, e instanceof Error ? e.message : String(e));
      } finally {
        button.disabled = false;
      }
    });
    return el('li', {}, button);
  }

  source
    .holes(abort.signal)
    .then((holes) => {
      if (!destroyed) render(holes);
    })
    .catch((e: unknown) => {
      if (!destroyed && !(e instanceof DOMException && e.name === 'AbortError')) setText(problem, e instanceof Error ? e.message : String(e));
    });

  return {
    element,
    destroy() {
      destroyed = true;
      abort.abort();
      element.remove();
    },
  };
}
