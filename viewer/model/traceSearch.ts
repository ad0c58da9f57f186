// "Find in trace": spans whose service, operation, span ID, tag or log values contain the words, in display order.
import { findSpanIndex, type TraceModel } from './traceModel.ts';

/**
 * Every span matching the query, in display order. Case-insensitive; several words must all
 * match (each anywhere in the span). One native substring search per word over text built once.
 * Each pass is its own small function so the engine optimises each loop on its own (a find at
 * 300k spans runs each of them once, cold).
 */
export function findSpans(m: TraceModel, query: string): Int32Array {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return new Int32Array(0);
  let hits: Uint8Array | undefined;
  for (const w of words) {
    const hit = new Uint8Array(m.count);
    markNames(m, w, hit);
    markText(m, w, hit);
    const byId = words.length === 1 && w.length >= 4 ? findSpanIndex(m, query.trim()) : -1;
    if (byId >= 0) hit[byId] = 1;
    if (hits) keepBoth(hits, hit);
    else hits = hit;
  }
  return inDisplayOrder(m, hits!);
}

/** Spans whose service or operation name contains the word. */
function markNames(m: TraceModel, w: string, hit: Uint8Array): void {
  const services = Uint8Array.from(m.services, (s) => (s.toLowerCase().includes(w) ? 1 : 0));
  const ops = Uint8Array.from(m.operations, (o) => (o.toLowerCase().includes(w) ? 1 : 0));
  if (!services.includes(1) && !ops.includes(1)) return;
  const { count: n, service, operation } = m;
  for (let i = 0; i < n; i++) hit[i] = services[service[i]!]! | ops[operation[i]!]!;
}

/**
 * Where to look first for the word: its character that is rarest in a sample of the text, and that
 * character's place in the word. A one-character search is a native memchr, several times faster
 * than a search for the whole word over text this repetitive (tag lines repeat the same keys).
 * A character common in the sample makes every find a candidate to check: then the whole word.
 */
function anchorOf(text: string, w: string): { anchor: string; at: number } {
  const counts = new Map<string, number>();
  for (let j = 0; j < w.length; j++) counts.set(w[j]!, 0);
  const window = 16384;
  for (const from of [0, Math.max(0, (text.length >> 1) - (window >> 1)), Math.max(0, text.length - window)]) {
    for (let i = from; i < Math.min(text.length, from + window); i++) {
      const ch = text[i]!;
      const k = counts.get(ch);
      if (k !== undefined) counts.set(ch, k + 1);
    }
  }
  let best = 0;
  for (let j = 1; j < w.length; j++) if (counts.get(w[j]!)! < counts.get(w[best]!)!) best = j;
  const sampled = Math.min(text.length, 3 * window);
  if (w.length === 1 || counts.get(w[best]!)! * 32 > sampled) return { anchor: w, at: 0 };
  return { anchor: w[best]!, at: best };
}

/** Spans whose tag or log text contains the word: native searches, jumping to the next span's line after each hit. */
function markText(m: TraceModel, w: string, hit: Uint8Array): void {
  const n = m.count;
  const text = m.searchText;
  const lines = m.searchOffset;
  const { anchor, at: j } = anchorOf(text, w);
  let line = 0;
  for (let at = text.indexOf(anchor, j); at >= 0; ) {
    const start = at - j;
    if (anchor !== w && !text.startsWith(w, start)) {
      at = text.indexOf(anchor, at + 1);
      continue;
    }
    // The span whose line holds `start`: lines only move forward, so a galloping step then a binary search.
    let step = 1;
    while (line + step < n && lines[line + step]! <= start) step *= 2;
    let lo = line;
    let hi = Math.min(n - 1, line + step);
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid]! <= start) lo = mid;
      else hi = mid - 1;
    }
    line = lo;
    hit[line] = 1;
    // One hit per span is enough: go on from the next line.
    at = line + 1 < n ? text.indexOf(anchor, lines[line + 1]! + j) : -1;
  }
}

function keepBoth(hits: Uint8Array, hit: Uint8Array): void {
  for (let i = 0; i < hits.length; i++) hits[i] = hits[i]! & hit[i]!;
}

/** The hits in display order: a walk along the order, or, for a few hits, gathered then sorted by position. */
function inDisplayOrder(m: TraceModel, hits: Uint8Array): Int32Array {
  const { count: n, order, orderPos } = m;
  let count = 0;
  for (let i = 0; i < n; i++) count += hits[i]!;
  const out = new Int32Array(count);
  // Sorting k positions beats one pass over all n only while k·log k is well under n.
  if (count * 16 > n) {
    for (let p = 0, k = 0; p < n && k < count; p++) {
      const i = order[p]!;
      if (hits[i]) out[k++] = i;
    }
    return out;
  }
  const keys = new Float64Array(count);
  for (let i = 0, k = 0; i < n && k < count; i++) if (hits[i]) keys[k++] = orderPos[i]!;
  keys.sort();
  for (let k = 0; k < count; k++) out[k] = order[keys[k]!]!;
  return out;
}
