// Building slide DOM by hand, text only: nothing from a span or an attendee ever passes through innerHTML.

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return node;
}

/** Replaces an element's text, touching the DOM only when it changed (screen readers re-announce on change). */
export function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

const PRESSABLE = 'button, a[href], select, summary, input, [role="button"], [role="switch"], [role="tab"]';
const ACTIVATION_KEYS = new Set(['Enter', ' ', 'Spacebar']);

/**
 * Second line of defence after the deck's keyboardCondition: a focused control inside the
 * part keeps its activation keys and touches stay with the part, whatever reveal.js decides.
 * Clicker keys (PageUp/PageDown) and arrows still bubble so the deck can move on.
 */
export function guardInput(host: HTMLElement): () => void {
  const onKey = (e: KeyboardEvent) => {
    if (e.target instanceof Element && e.target.closest(PRESSABLE) && ACTIVATION_KEYS.has(e.key)) e.stopPropagation();
  };
  const onTouch = (e: Event) => e.stopPropagation();
  const onPointer = (e: PointerEvent) => {
    if (e.pointerType === 'touch') e.stopPropagation();
  };
  host.setAttribute('data-prevent-swipe', '');
  host.addEventListener('keydown', onKey);
  for (const t of ['touchstart', 'touchmove', 'touchend'] as const) host.addEventListener(t, onTouch);
  for (const t of ['pointerdown', 'pointermove', 'pointerup'] as const) host.addEventListener(t, onPointer);
  return () => {
    host.removeEventListener('keydown', onKey);
    for (const t of ['touchstart', 'touchmove', 'touchend'] as const) host.removeEventListener(t, onTouch);
    for (const t of ['pointerdown', 'pointermove', 'pointerup'] as const) host.removeEventListener(t, onPointer);
  };
}
