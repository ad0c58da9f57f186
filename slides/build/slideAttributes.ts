// Reads `<!-- .slide: … -->` attribute comments into a safe attribute list: no event handlers, no script URLs.

/** An attribute list as written, in source order. */
export type SlideAttributes = [name: string, value: string][];

/** Attributes a slide may set; everything else (onclick, src, href, …) is refused with a reason. */
const ALLOWED_NAME = /^(id|class|style|title|lang|dir|hidden|data-[a-z0-9_.:-]+|aria-[a-z]+)$/;

/** URL schemes that would run code if reveal.js fed the value to an iframe, image or link. */
const SCRIPT_URL = /^\s*(javascript|vbscript|data\s*:\s*text\/html)\s*:?/i;

/** One attribute: name, optionally `=` and a double-quoted, single-quoted or bare value. */
const ATTRIBUTE = /\s*([^\s=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/y;

/**
 * Parses the text between `.slide:` and `-->`. Returns the attributes, or the problems
 * found (each a sentence naming the offending attribute), never a partial result.
 */
export function parseSlideAttributes(text: string): { attributes: SlideAttributes; problems: string[] } {
  const attributes: SlideAttributes = [];
  const problems: string[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    ATTRIBUTE.lastIndex = 0;
    const m = ATTRIBUTE.exec(rest);
    if (!m || m[0].length === 0) {
      problems.push(`cannot read the attributes from "${rest}"`);
      break;
    }
    rest = rest.slice(m[0].length).trimStart();
    const name = m[1]!.toLowerCase(); // group 1 is not optional: a match always has a name
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    if (!ALLOWED_NAME.test(name)) {
      problems.push(
        name.startsWith('on')
          ? `attribute "${name}" is an event handler; slides may not carry script`
          : `attribute "${name}" is not allowed on a slide (allowed: id, class, style, title, lang, dir, hidden, data-*, aria-*)`,
      );
      continue;
    }
    if (SCRIPT_URL.test(value)) {
      problems.push(`attribute "${name}" holds a script URL; slides may not carry script`);
      continue;
    }
    if (attributes.some(([n]) => n === name)) {
      problems.push(`attribute "${name}" is given twice`);
      continue;
    }
    attributes.push([name, value]);
  }
  return problems.length > 0 ? { attributes: [], problems } : { attributes, problems };
}

/** Escapes text for a double-quoted attribute value or element content. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Serialises attributes for an opening tag, with a leading space when there are any. */
export function renderAttributes(attributes: SlideAttributes): string {
  return attributes.map(([name, value]) => ` ${name}="${escapeHtml(value)}"`).join('');
}
