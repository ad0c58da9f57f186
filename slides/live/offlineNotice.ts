// What a live part shows when no server is behind the deck: a plain sentence instead of a broken demo.
import { el } from './dom.ts';

export function offlineNotice(host: HTMLElement, className: string): () => void {
  const note = el(
    'div',
    { class: `${className} live-offline`, role: 'status' },
    el('p', {}, "The live demo isn't running in this copy of the deck."),
    el('p', { class: 'live-offline-hint' }, 'Run “npm start” and open the address it prints to send real requests through the mesh.'),
  );
  host.dataset.mesh = 'offline';
  host.append(note);
  return () => {
    note.remove();
    delete host.dataset.mesh;
  };
}
