// The byte reader's side of the one failure rule: spots the status tags (model/spanStatus.ts) by their raw key bytes and decodes their values only when one could fail the span.
import {
  ERROR_TAG_INDEX,
  failedByStatus,
  isErrorTagValue,
  STATUS_CAUSE_MASK,
  STATUS_TAG_KEYS,
  statusKeyAt,
  type StatusTags,
} from '../../model/index.ts';
export { MAY_BE_STATUS_KEY as MAY_BE_STATUS } from '../../model/index.ts';

const QUOTE = 34;
const KEYS = STATUS_TAG_KEYS.length;

/** The span being read: which status keys it has (bit k: STATUS_TAG_KEYS[k]) and where their values are. */
let seen = 0;
const valueFrom = new Int32Array(KEYS);
const valueTo = new Int32Array(KEYS);

/** A JSON value as JSON.parse would give a plain one (string, number, boolean); strings are taken as written. */
function plainValue(b: Uint8Array, from: number, to: number): unknown {
  if (b[from] === QUOTE) return String.fromCharCode.apply(null, b.subarray(from + 1, to - 1) as unknown as number[]);
  const text = String.fromCharCode.apply(null, b.subarray(from, to) as unknown as number[]);
  return text === 'true' ? true : text === 'false' ? false : Number(text);
}

/**
 * Per key, the bytes and value decoded last: a trace repeats a handful of values ("server", 200)
 * across all its spans, so nearly every span reuses one instead of decoding it again.
 */
const lastBytes: (Uint8Array | undefined)[] = new Array(KEYS).fill(undefined);
const lastValue: unknown[] = new Array(KEYS).fill(undefined);
function statusValueOf(k: number, b: Uint8Array, from: number, to: number): unknown {
  const last = lastBytes[k];
  if (last && last.length === to - from) {
    let i = 0;
    while (i < last.length && last[i] === b[from + i]) i++;
    if (i === last.length) return lastValue[k];
  }
  lastBytes[k] = b.slice(from, to);
  return (lastValue[k] = plainValue(b, from, to));
}

/** The value bytes spell true or "true" (an error tag that fails the span). */
function sayTrue(b: Uint8Array, from: number, to: number): boolean {
  return isErrorTagValue(plainValue(b, from, to));
}

/** One object of a fixed shape, refilled for each span the rule is asked about. */
const tags: StatusTags = Object.fromEntries(STATUS_TAG_KEYS.map((k) => [k, undefined]));

/** A new span begins. */
export function resetStatusTags(): void {
  seen = 0;
}

/** A tag of the span: key bytes [keyFrom, keyTo), value bytes [from, to). Only where a status tag's value lies is kept (the first of each key). */
export function noteStatusTag(b: Uint8Array, keyFrom: number, keyTo: number, from: number, to: number): void {
  const k = statusKeyAt(b, keyFrom, keyTo);
  // The first of each key counts; for `error`, a later one that says true (model/spanStatus.ts).
  if (k < 0 || ((seen & (1 << k)) !== 0 && !(k === ERROR_TAG_INDEX && sayTrue(b, from, to) && !sayTrue(b, valueFrom[k]!, valueTo[k]!))))
    return;
  seen |= 1 << k;
  valueFrom[k] = from;
  valueTo[k] = to;
}

/** The rule over the span's status tags, decoded from `b` only when one of them could fail it. */
export function statusFailed(b: Uint8Array): boolean {
  if ((seen & STATUS_CAUSE_MASK) === 0) return false;
  for (let k = 0; k < KEYS; k++) tags[STATUS_TAG_KEYS[k]!] = seen & (1 << k) ? statusValueOf(k, b, valueFrom[k]!, valueTo[k]!) : undefined;
  return failedByStatus(tags);
}
