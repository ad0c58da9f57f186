// The one way the viewer makes elements: class and text only, so nothing from a span is ever parsed as HTML.

export function add<K extends keyof HTMLElementTagNameMap>(
  parent: HTMLElement | null,
  tag: K,
  cls: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  if (parent) parent.appendChild(e);
  return e;
}
