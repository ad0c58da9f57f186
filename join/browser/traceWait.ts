// Fetches a trace from the query API until its spans stop arriving, with a deadline.
import type { JaegerEnvelope, JaegerTrace } from '../../model/index.ts';

export interface TraceWaitOptions {
  /** Give up after this long (spans from a busy mesh may lag a second or two). */
  deadlineMs?: number;
  intervalMs?: number;
  /** Called each time a fetch finds more spans than before. */
  onProgress?: (trace: JaegerTrace) => void;
  /** Stops waiting when it returns true (a newer request took over). */
  cancelled?: () => boolean;
}

/**
 * Services flush spans on their own clocks, so a trace grows for a while after the request ends.
 * It counts as complete once two fetches in a row find the same number of spans.
 */
export async function waitForTrace(apiBase: URL, traceID: string, opts: TraceWaitOptions = {}): Promise<JaegerTrace | undefined> {
  // Only a real id is asked for: an empty one would ask the search for everyone's traces.
  if (!/^[0-9a-f]{1,32}$/i.test(traceID)) return undefined;
  const deadline = Date.now() + (opts.deadlineMs ?? 12_000);
  const interval = opts.intervalMs ?? 400;
  const url = new URL(`api/traces/${encodeURIComponent(traceID)}`, apiBase);
  let best: JaegerTrace | undefined;
  let stableFetches = 0;
  while (Date.now() < deadline && !opts.cancelled?.()) {
    try {
      const res = await fetch(url, { cache: 'no-store' });
      if (res.ok) {
        const trace = ((await res.json()) as JaegerEnvelope<JaegerTrace[]>).data[0];
        if (trace && trace.spans.length > (best?.spans.length ?? 0)) {
          best = trace;
          stableFetches = 0;
          opts.onProgress?.(trace);
        } else if (best && ++stableFetches >= 2) {
          return best;
        }
      }
    } catch {
      // A dropped connection on venue Wi-Fi: try again until the deadline.
    }
    await new Promise((r) => setTimeout(r, interval));
  }
  return best;
}
