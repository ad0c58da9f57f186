// The visible "Notes" button: switches self-study mode (each slide's notes beside it) and keeps the choice in the URL.
import type { RevealApi } from 'reveal.js';

export interface SelfStudyOptions {
  /** Notes start shown (the static self-study copy); the URL then records only a choice to hide them. */
  notesByDefault?: boolean;
}

export function mountSelfStudyToggle(deck: RevealApi, doc: Document, win: Window, opts: SelfStudyOptions = {}): HTMLButtonElement {
  const byDefault = Boolean(opts.notesByDefault);
  const button = doc.createElement('button');
  button.type = 'button';
  button.className = 'notes-toggle';
  button.textContent = 'Notes';
  button.title = 'Show or hide the speaker notes beside each slide (self-study mode)';

  const render = () => button.setAttribute('aria-pressed', String(Boolean(deck.getConfig().showNotes)));
  button.addEventListener('click', () => {
    const showNotes = !deck.getConfig().showNotes;
    deck.configure({ showNotes });
    render();
    // Same URL form reveal.js reads on load, so a reload or a shared link keeps the mode.
    const url = new URL(win.location.href);
    if (showNotes === byDefault) url.searchParams.delete('showNotes');
    else url.searchParams.set('showNotes', String(showNotes));
    win.history.replaceState(win.history.state, '', url);
  });
  render();
  doc.body.appendChild(button);
  return button;
}
