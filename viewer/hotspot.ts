// Names the hotspot in words: the span owning the most critical-path time, and what share of the request it cost.
import type { JaegerSpan } from '../model/jaegerJson.ts';
import type { CriticalPath } from './criticalPath.ts';
import { formatDuration, formatShare, formatValue } from './format.ts';
import { serviceOf, type TraceModel } from './traceModel.ts';

/** What the span's words suggest it was doing; checked in order, first match wins. */
const PHRASES: { test: RegExp; phrase: string }[] = [
  { test: /\block|mutex|semaphore|contention/, phrase: 'waited for the lock' },
  { test: /waiting behind|waits for|queue|queued|\bahead\b/, phrase: 'waited in a queue' },
  { test: /\bpool\b|connection|acquire/, phrase: 'waited for a free connection' },
  { test: /retr(y|ies|ying)|timed? ?out|timeout/, phrase: 'went to timeouts and retries' },
  { test: /not answering|stall|unavailable/, phrase: 'waited on a dependency that did not answer' },
  { test: /worker|fan-?out|barista/, phrase: 'waited for busy workers' },
  { test: /cache miss|recompute|uncached/, phrase: 'redid work a cache would have saved' },
  { test: /\bsleep|backoff|delay/, phrase: 'was spent sleeping' },
];

/** A repeated operation that, added up, owns much of the critical path (N+1 calls, a missing cache). */
export interface RepeatedWork {
  where: string;
  count: number;
  timeUs: number;
  share: number;
  sentence: string;
}

export interface Hotspot {
  span: number;
  /** Critical-path time owned by the span, µs. */
  timeUs: number;
  /** That time over the trace's duration, 0…1. */
  share: number;
  /** One sentence for the slide, e.g. "62% of this request waited for the lock". */
  sentence: string;
  /** Where it happened, e.g. "inventory: db.lock". */
  where: string;
  /** A log line of the span that explains it, when it has one. */
  evidence: string | undefined;
  /** Set when many small steps of one kind add up to more than the single hotspot. */
  repeated: RepeatedWork | undefined;
}

/** Log lines as text, the message first (it says more than the event name). */
function logTexts(s: JaegerSpan): string[] {
  const out: string[] = [];
  for (const log of Array.isArray(s.logs) ? s.logs : []) {
    const fields = Array.isArray(log?.fields) ? log.fields : [];
    const pick = ['message', 'msg', 'event'].map((k) => fields.find((f) => f && f.key === k)).find(Boolean);
    if (pick) out.push(formatValue(pick));
  }
  return out;
}

/** A pool of one connection is a lock, whatever the span calls it. */
function isPoolOfOne(s: JaegerSpan): boolean {
  return Array.isArray(s.tags) && s.tags.some((t) => t && t.key === 'pool.size' && Number(t.value) === 1);
}

function phraseFor(s: JaegerSpan, logs: string[]): string | undefined {
  if (isPoolOfOne(s)) return 'waited for the lock';
  const words = [s.operationName, ...logs].join(' ').toLowerCase();
  return PHRASES.find((p) => p.test.test(words))?.phrase;
}

const MIN_REPEATS = 3;

function findRepeated(m: TraceModel, cp: CriticalPath, singleSpan: number): RepeatedWork | undefined {
  const groups = new Map<string, { count: number; timeUs: number }>();
  for (let i = 0; i < m.count; i++) {
    if (cp.ownTime[i]! <= 0) continue;
    const key = `${serviceOf(m, i)}: ${m.spans[i]!.operationName}`;
    const g = groups.get(key) ?? { count: 0, timeUs: 0 };
    g.count++;
    g.timeUs += cp.ownTime[i]!;
    groups.set(key, g);
  }
  let best: [string, { count: number; timeUs: number }] | undefined;
  for (const e of groups) if (e[1].count >= MIN_REPEATS && (!best || e[1].timeUs > best[1].timeUs)) best = e;
  if (!best || best[1].timeUs <= cp.ownTime[singleSpan]!) return undefined;
  const [where, g] = best;
  const share = g.timeUs / m.durationUs;
  const single = `${serviceOf(m, singleSpan)}: ${m.spans[singleSpan]!.operationName}`;
  const sentence =
    where === single
      ? `it ran ${g.count} times, one after another: ${formatShare(share)} of the request in all`
      : `${formatShare(share)} went to ${g.count} calls of ${where}, one after another`;
  return { where, count: g.count, timeUs: g.timeUs, share, sentence };
}

export function findHotspot(m: TraceModel, cp: CriticalPath): Hotspot | undefined {
  let best = -1;
  for (let i = 0; i < m.count; i++) if (best < 0 || cp.ownTime[i]! > cp.ownTime[best]!) best = i;
  if (best < 0 || m.durationUs <= 0 || cp.ownTime[best]! <= 0) return undefined;
  const span = m.spans[best]!;
  const timeUs = cp.ownTime[best]!;
  const share = timeUs / m.durationUs;
  const where = `${serviceOf(m, best)}: ${span.operationName}`;
  const logs = logTexts(span);
  const phrase = phraseFor(span, logs);
  const evidence = logs.find((l) => PHRASES.some((p) => p.test.test(l.toLowerCase()))) ?? logs[0];
  const pct = formatShare(share);
  const sentence = phrase ? `${pct} of this request ${phrase}` : `${pct} of this request (${formatDuration(timeUs)}) was spent in ${where}`;
  return { span: best, timeUs, share, sentence, where, evidence, repeated: findRepeated(m, cp, best) };
}
