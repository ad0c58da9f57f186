// Decides which key presses reveal.js may take, so buttons and inputs on slides (and the deck's own controls) keep theirs.

/** Keys a presentation clicker sends: they always move the deck, even from inside a live part. */
const CLICKER_KEYS = new Set(['PageUp', 'PageDown']);
/** Keys that press a focused button or link; reveal.js would otherwise also treat Space as "next". */
const ACTIVATION_KEYS = new Set(['Enter', ' ', 'Spacebar']);
const PRESSABLE = 'button, a[href], select, summary, [role="button"], [role="switch"], [role="tab"]';

/**
 * reveal.js `keyboardCondition`: false means "not yours". Inside a live part (an element
 * with data-live) every key belongs to the part except the clicker's; elsewhere a focused
 * control keeps only its activation keys, so arrows still turn slides after a click.
 */
export function revealMayTakeKey(event: KeyboardEvent): boolean {
  const target = event.target;
  if (!(target instanceof Element)) return true;
  if (target.closest('[data-live]')) return CLICKER_KEYS.has(event.key);
  if (target.closest(PRESSABLE)) return !ACTIVATION_KEYS.has(event.key);
  return true;
}
