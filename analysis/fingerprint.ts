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
 * Each finding's fingerprint. The shape is the sorted set of distinct "service operation" pairs of its
 * spans: the same hole repeats the same calls whatever their number, so 5 or 12 retries read alike.
 * One pass over the trace finds every finding's spans (no id map of the whole trace is built).
 */
export function fingerprintsOf(
  ix: TraceIndex,
  findings: readonly { kind: FindingKind; service: string; operation: string; spanIDs: readonly string[] }[],
): string[] {
  if (findings.length === 0) return [];
  const wanted = new Map<string, number[]>();
  findings.forEach((f, k) => {
    for (const id of f.spanIDs) {
      const list = wanted.get(id);
      if (list) list.push(k);
      else wanted.set(id, [k]);
    }
  });
  const shapes = findings.map(() => new Set<string>());
  for (let i = 0; i < ix.n; i++) {
    const of = wanted.get(ix.spans[i]!.spanID);
    if (of) for (const k of of) shapes[k]!.add(`${ix.service[i]}\u0001${ix.spans[i]!.operationName}`);
  }
  return findings.map((f, k) => `${f.kind}:${hash64([f.kind, f.service, f.operation, ...[...shapes[k]!].sort()].join('\u0000'))}`);
}
