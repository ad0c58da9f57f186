// "Find in trace": spans whose service, operation, span ID, tag or log values contain the words, in display order.
import { findSpanIndex, type TraceModel } from './traceModel.ts';

/**
 * Every span matching the query, in display order. Case-insensitive; several words must all
 * match (each anywhere in the span). One native substring search per word over text built once.
 */
export function findSpans(m: TraceModel, query: string): Int32Array {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return new Int32Array(0);
  const { count: n, service, operation, order } = m;
  let hits: Uint8Array | undefined;
  for (const w of words) {
    const hit = new Uint8Array(n);
    const services = m.services.map((s) => s.toLowerCase().includes(w));
    const ops = m.operations.map((o) => o.toLowerCase().includes(w));
    if (services.some(Boolean) || ops.some(Boolean)) {
      for (let i = 0; i < n; i++) if (services[service[i]!] || ops[operation[i]!]) hit[i] = 1;
    }
    const text = m.searchText;
    const lines = m.searchOffset;
    let line = 0;
    for (let at = text.indexOf(w); at >= 0; ) {
      // The span whose line holds `at`: lines only move forward, so a galloping step then a binary search.
      let step = 1;
      while (line + step < n && lines[line + step]! <= at) step *= 2;
      let lo = line;
      let hi = Math.min(n - 1, line + step);
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (lines[mid]! <= at) lo = mid;
        else hi = mid - 1;
      }
      line = lo;
      hit[line] = 1;
      // One hit per span is enough: go on from the next line.
      at = line + 1 < n ? text.indexOf(w, lines[line + 1]!) : -1;
    }
    const byId = words.length === 1 && w.length >= 4 ? findSpanIndex(m, query.trim()) : -1;
    if (byId >= 0) hit[byId] = 1;
    if (hits) for (let i = 0; i < n; i++) hits[i] = hits[i]! & hit[i]!;
    else hits = hit;
  }
  let count = 0;
  for (let i = 0; i < n; i++) count += hits![i]!;
  const out = new Int32Array(count);
  if (count > n / 8) {
    for (let p = 0, k = 0; p < n && k < count; p++) if (hits![order[p]!]) out[k++] = order[p]!;
    return out;
  }
  // Few matches: gather them in file order (a sequential pass), then put them in display order.
  for (let i = 0, k = 0; i < n && k < count; i++) if (hits![i]) out[k++] = i;
  const pos = m.orderPos;
  const keys = Float64Array.from(out, (i) => pos[i]!);
  keys.sort();
  for (let k = 0; k < count; k++) out[k] = order[keys[k]!]!;
  return out;
}
