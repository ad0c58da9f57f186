// A finding's stable name across traces: kind, place and the shape of its spans, hashed; never ids, counts or times.
import type { FindingKind } from '../model/index.ts';
import type { TraceIndex } from './traceIndex.ts';

/** 64-bit FNV-1a over UTF-16 code units, as two 32-bit halves (no BigInt on the hot path), 16 hex digits. */
export function hash64(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c ^ (h1 >>> 24), 0x01000193) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

/**
 * The shape is the sorted set of distinct "service operation" pairs of the finding's spans: the
 * same hole repeats the same calls whatever their number, so 5 or 12 retries read alike.
 */
export function fingerprintOf(ix: TraceIndex, byId: Map<string, number>, kind: FindingKind, service: string, operation: string, spanIDs: readonly string[]): string {
  const shape = new Set<string>();
  for (const id of spanIDs) {
    const i = byId.get(id);
    if (i !== undefined) shape.add(`${ix.service[i]}\u0001${ix.spans[i]!.operationName}`);
  }
  return `${kind}:${hash64([kind, service, operation, ...[...shape].sort()].join('\u0000'))}`;
}
