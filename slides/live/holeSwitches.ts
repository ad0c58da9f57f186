// Presenter controls on the Demo slide: one switch per performance hole, drawn from the flow machine's hole state.
import { holeCatalog } from '../../model/index.ts';
import { el, setText } from './dom.ts';
import type { HoleState } from './traceSource.ts';

export interface HoleSwitchesPanel {
  readonly element: HTMLElement;
  update(holes: readonly HoleState[], busy: string | null, problem: string | null): void;
  destroy(): void;
}

/** The short name on a button and a chart line; the full title stays in the tooltip and for screen readers. */
export function shortHoleName(id: string): string {
  return holeCatalog.find((h) => h.id === id)?.shortName ?? id;
}

export function createHoleSwitches(onSwitch: (holeId: string) => void): HoleSwitchesPanel {
  const list = el('ul', { class: 'demo-holes-list' });
  const problem = el('p', { class: 'demo-holes-problem', role: 'alert' });
  const element = el(
    'div',
    { role: 'group', class: 'demo-holes', 'aria-label': 'Performance holes (presenter)' },
    el('h3', {}, 'Holes:'),
    list,
    problem,
  );
  const buttons = new Map<string, { button: HTMLButtonElement; state: HTMLElement }>();
  list.addEventListener('click', (e) => {
    const b = (e.target as Element).closest<HTMLButtonElement>('button[data-hole]');
    if (b && !b.disabled && b.dataset.hole) onSwitch(b.dataset.hole);
  });

  return {
    element,
    update(holes, busy, why) {
      for (const h of holes) {
        let entry = buttons.get(h.id);
        if (!entry) {
          const state = el('span', { class: 'demo-hole-state' });
          const button = el(
            'button',
            { type: 'button', role: 'switch', class: 'demo-hole', 'data-hole': h.id, title: h.title, 'aria-label': h.title },
            el('span', { class: 'demo-hole-title' }, shortHoleName(h.id)),
            state,
          );
          entry = { button, state };
          buttons.set(h.id, entry);
          list.append(el('li', {}, button));
        }
        entry.button.setAttribute('aria-checked', String(h.plugged));
        entry.button.dataset.plugged = String(h.plugged);
        entry.button.disabled = busy !== null;
        entry.button.toggleAttribute('data-busy', busy === h.id);
        setText(entry.state, busy === h.id ? 'proving…' : h.plugged ? 'plugged' : 'open');
      }
      setText(problem, why ?? '');
    },
    destroy() {
      element.remove();
    },
  };
}
