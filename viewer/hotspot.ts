// Names the hotspot in words: the span owning the most critical-path time, and what share of the request it cost.
import type { JaegerSpan } from '../model/jaegerJson.ts';
import type { CriticalPath } from './criticalPath.ts';
import { formatDuration, formatShare, formatValue } from './format.ts';
import { serviceOf, type TraceModel } from './traceModel.ts';

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
}

/** What the span's words suggest it was doing; checked in order, first match wins. */
const PHRASES: { test: RegExp; phrase: string }[] = [
  { test: /\block|mutex|semaphore|contention/, phrase: 'waited for the lock' },
  { test: /waiting behind|queue|queued/, phrase: 'waited in a queue' },
  { test: /\bpool\b|connection|acquire/, phrase: 'waited for a free connection' },
  { test: /retr(y|ies)|timed? ?out|timeout/, phrase: 'went to timeouts and retries' },
  { test: /worker|fan-?out|batch/, phrase: 'waited for busy workers' },
  { test: /cache miss|recompute|uncached/, phrase: 'redid work a cache would have saved' },
  { test: /\bsleep|backoff|delay/, phrase: 'was spent sleeping' },
];

function logTexts(s: JaegerSpan): string[] {
  const out: string[] = [];
  for (const log of Array.isArray(s.logs) ? s.logs : []) {
    const fields = Array.isArray(log?.fields) ? log.fields : [];
    const msg = fields.find((f) => f && (f.key === 'message' || f.key === 'event' || f.key === 'msg'));
    if (msg) out.push(formatValue(msg));
  }
  return out;
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
  const words = [span.operationName, ...logs].join(' ').toLowerCase();
  const match = PHRASES.find((p) => p.test.test(words));
  const evidence = logs.find((l) => PHRASES.some((p) => p.test.test(l.toLowerCase()))) ?? logs[0];
  const pct = formatShare(share);
  const sentence = match
    ? `${pct} of this request ${match.phrase}`
    : `${pct} of this request (${formatDuration(timeUs)}) was spent in ${where}`;
  return { span: best, timeUs, share, sentence, where, evidence };
}
