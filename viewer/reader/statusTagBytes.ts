// The byte reader's side of the one failure rule: spots the status tags (model/spanStatus.ts) by their raw key bytes and decodes their values only when one could fail the span.
import { failedByStatus, STATUS_CAUSE_KEYS, STATUS_TAG_KEYS, type StatusTags } from '../../model/index.ts';

const QUOTE = 34;
const STATUS_KEYS = STATUS_TAG_KEYS.map((k) => new TextEncoder().encode(k));
/** 1 at the lengths a status key has: the reader turns every other key away with one lookup, before any call. */
export const MAY_BE_STATUS = new Uint8Array(Math.max(...STATUS_KEYS.map((k) => k.length)) + 1);
for (const k of STATUS_KEYS) MAY_BE_STATUS[k.length] = 1;
let causeMask = 0;
for (const k of STATUS_CAUSE_KEYS) causeMask |= 1 << STATUS_TAG_KEYS.indexOf(k);

/** The span being read: which status keys it has (bit k: STATUS_TAG_KEYS[k]) and where their values are. */
let seen = 0;
const valueFrom = new Int32Array(STATUS_KEYS.length);
const valueTo = new Int32Array(STATUS_KEYS.length);

/** Which status key (index into STATUS_TAG_KEYS) the bytes [from, to) are, or −1. */
function statusKeyOf(b: Uint8Array, from: number, to: number): number {
  const len = to - from;
  outer: for (let k = 0; k < STATUS_KEYS.length; k++) {
    const want = STATUS_KEYS[k]!;
    if (want.length !== len) continue;
    for (let i = 0; i < len; i++) if (b[from + i] !== want[i]) continue outer;
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
 * Per key, the bytes and value decoded last: a trace repeats a handful of values ("server", 200)
 * across all its spans, so nearly every span reuses one instead of decoding it again.
 */
const lastBytes: (Uint8Array | undefined)[] = STATUS_KEYS.map(() => undefined);
const lastValue: unknown[] = STATUS_KEYS.map(() => undefined);
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

/** One object of a fixed shape, refilled for each span the rule is asked about. */
const tags: StatusTags = Object.fromEntries(STATUS_TAG_KEYS.map((k) => [k, undefined]));

/** A new span begins. */
export function resetStatusTags(): void {
  seen = 0;
}

/** A tag of the span: key bytes [keyFrom, keyTo), value bytes [from, to). Only where a status tag's value lies is kept (the first of each key). */
export function noteStatusTag(b: Uint8Array, keyFrom: number, keyTo: number, from: number, to: number): void {
  const k = statusKeyOf(b, keyFrom, keyTo);
  if (k < 0 || (seen & (1 << k)) !== 0) return;
  seen |= 1 << k;
  valueFrom[k] = from;
  valueTo[k] = to;
}

/** The rule over the span's status tags, decoded from `b` only when one of them could fail it. */
export function statusFailed(b: Uint8Array): boolean {
  if ((seen & causeMask) === 0) return false;
  for (let k = 0; k < STATUS_KEYS.length; k++)
    tags[STATUS_TAG_KEYS[k]!] = seen & (1 << k) ? statusValueOf(k, b, valueFrom[k]!, valueTo[k]!) : undefined;
  return failedByStatus(tags);
}
