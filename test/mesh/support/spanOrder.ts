// How far CHILD_OF children stray outside their parents in time: the clock test and the mesh bench both read it.
import { endUs, type MeshSpan } from './meshSpans.ts';

export interface SpanOrderStray {
  traceID: string;
  parent: string;
  child: string;
  /** µs the child started before its parent (positive = a stray). */
  earlyUs: number;
  /** µs the child ended after its parent (positive = a stray). */
  lateUs: number;
}

/** Every CHILD_OF pair in one trace with how far the child lies outside its parent; FOLLOWS_FROM children are free to outlive it. */
export function childOfStrays(spans: MeshSpan[]): SpanOrderStray[] {
  const byId = new Map(spans.map((s) => [s.spanID, s]));
  const out: SpanOrderStray[] = [];
  for (const child of spans) {
    const parent = byId.get(child.parentSpanID);
    if (!parent) continue;
    if (child.references?.some((r) => r.refType === 'FOLLOWS_FROM' && r.spanID === parent.spanID)) continue;
    out.push({
      traceID: child.traceID,
      parent: `${parent.service} ${parent.operation}`,
      child: `${child.service} ${child.operation}`,
      earlyUs: parent.startUs - child.startUs,
      lateUs: endUs(child) - endUs(parent),
    });
  }
  return out;
}

/** The worst stray over many traces (0 when every child sits inside its parent). */
export function worstStray(traces: MeshSpan[][]): {
  earlyUs: number;
  lateUs: number;
  early?: SpanOrderStray;
  late?: SpanOrderStray;
  pairs: number;
} {
  let early: SpanOrderStray | undefined;
  let late: SpanOrderStray | undefined;
  let pairs = 0;
  for (const t of traces) {
    for (const s of childOfStrays(t)) {
      pairs++;
      if (!early || s.earlyUs > early.earlyUs) early = s;
      if (!late || s.lateUs > late.lateUs) late = s;
    }
  }
  return { earlyUs: Math.max(0, early?.earlyUs ?? 0), lateUs: Math.max(0, late?.lateUs ?? 0), early, late, pairs };
}
