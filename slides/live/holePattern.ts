// Sends a hole's documented request pattern as the catalog defines it: warm-up, a lead still in flight, then the judged requests, at once or one after another.
import type { HolePattern, RequestKind } from '../../model/index.ts';
import type { DemoRequestResult, TraceSource } from './traceSource.ts';

/** The sending half of a hole's pattern (model/holes.ts): what to send, not what it shows. */
export type RequestPattern = Pick<HolePattern, 'warmup' | 'lead' | 'kind' | 'count' | 'concurrent'>;

/** One call of the demo API inside a pattern: `burst` requests sent together, or judged ones one after another (burst 1). */
export interface SentGroup {
  kind: RequestKind;
  burst: number;
  results: DemoRequestResult[];
  /** The requests whose traces show the hole; warm-up and lead are not judged. */
  judged: boolean;
}

/** Plain requests, all at once: what the Send button asks for. */
export function plainRequests(kind: RequestKind, count: number): RequestPattern {
  return { warmup: [], kind, count, concurrent: true };
}

/** The pattern in words: "a burst of 5 normal requests at once, right behind 2 normal already in flight", "3 normal requests one after another". */
export function requestPatternWords(p: RequestPattern): string {
  const warm = p.warmup.length ? `, after ${p.warmup.map((w) => `${w.count} ${w.kind}`).join(' and ')} to warm up` : '';
  const lead = p.lead ? `, right behind ${p.lead.count} ${p.lead.kind} already in flight` : '';
  return p.concurrent
    ? `a burst of ${p.count} ${p.kind} requests at once${lead}${warm}`
    : `${p.count} ${p.kind} requests one after another${lead}${warm}`;
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

/**
 * Sends the pattern in its order: each warm-up (a call of its count), then, with a lead, the lead's
 * call and `aheadMs` later the judged burst while the lead is still in flight; without one the judged
 * requests as one burst, or one at a time, each after the answer to the one before.
 */
export async function sendPattern(source: TraceSource, p: RequestPattern, signal: AbortSignal): Promise<SentGroup[]> {
  const groups: SentGroup[] = [];
  for (const w of p.warmup)
    groups.push({ kind: w.kind, burst: w.count, results: await source.sendRequests(w.kind, w.count, signal), judged: false });
  if (p.lead) {
    const { kind, count, aheadMs } = p.lead;
    const lead = source.sendRequests(kind, count, signal);
    lead.catch(() => undefined); // awaited below; this only keeps a failure during the burst from going unhandled
    await pause(aheadMs, signal);
    const judged = await source.sendRequests(p.kind, p.count, signal);
    groups.push(
      { kind, burst: count, results: await lead, judged: false },
      { kind: p.kind, burst: p.count, results: judged, judged: true },
    );
  } else if (p.concurrent) {
    groups.push({ kind: p.kind, burst: p.count, results: await source.sendRequests(p.kind, p.count, signal), judged: true });
  } else {
    const results: DemoRequestResult[] = [];
    for (let i = 0; i < p.count; i++) results.push(...(await source.sendRequests(p.kind, 1, signal)));
    groups.push({ kind: p.kind, burst: 1, results, judged: true });
  }
  return groups;
}

/** The judged requests of a sent pattern, in the order they were sent. */
export function judgedResults(groups: readonly SentGroup[]): DemoRequestResult[] {
  return groups.filter((g) => g.judged).flatMap((g) => g.results);
}
