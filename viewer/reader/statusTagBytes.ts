// The byte reader's side of the one failure rule: spots the status tags (model/spanStatus.ts) by their raw key bytes and decodes only their values.
import { STATUS_TAG_KEYS, type StatusTags } from '../../model/index.ts';

const QUOTE = 34;
const STATUS_KEYS = STATUS_TAG_KEYS.map((k) => new TextEncoder().encode(k));
/** Every other key is turned away by its length, one comparison. */
const STATUS_KEY_LENGTHS = new Set(STATUS_KEYS.map((k) => k.length));

/** Which status key (index into STATUS_TAG_KEYS) the bytes [from, to) are, or −1. */
function statusKeyOf(b: Uint8Array, from: number, to: number): number {
  if (!STATUS_KEY_LENGTHS.has(to - from)) return -1;
  outer: for (let k = 0; k < STATUS_KEYS.length; k++) {
    const want = STATUS_KEYS[k]!;
    if (want.length !== to - from) continue;
    for (let i = 0; i < want.length; i++) if (b[from + i] !== want[i]) continue outer;
    return k;
  }
  return -1;
}

/** A JSON value as JSON.parse would give a plain one (string, number, boolean); strings are taken as written. */
function plainValue(b: Uint8Array, from: number, to: number): unknown {
  if (b[from] === QUOTE) return String.fromCharCode.apply(null, b.subarray(from + 1, to - 1) as unknown as number[]);
  const text = String.fromCharCode.apply(null, b.subarray(from, to) as unknown as number[]);
  return text === 'true' ? true : text === 'false' ? false : Number(text);
}

/**
 * Adds the tag whose key is bytes [keyFrom, keyTo) and value [valueFrom, valueTo) to `status` when it is
 * a status tag (the first of each key counts); returns the (possibly new) status, null while none was seen.
 */
export function noteStatusTag(status: StatusTags | null, b: Uint8Array, keyFrom: number, keyTo: number, valueFrom: number, valueTo: number): StatusTags | null {
  const k = statusKeyOf(b, keyFrom, keyTo);
  if (k < 0) return status;
  const out = status ?? {};
  out[STATUS_TAG_KEYS[k]!] ??= plainValue(b, valueFrom, valueTo);
  return out;
}
