// A big trace's usual answer rendered into the kept bytes once the trace has stopped growing, in slices, so even its first open is a plain byte stream.
import type { AnswerCache } from './answerCache.ts';
import { BIG_TRACE_SPANS, envelopeOf, pacing } from './boundedAnswer.ts';
import { jsonPieces } from './jsonStream.ts';
import type { JaegerEnvelope } from '../model/index.ts';
import type { RenderOptions } from './traceJson.ts';
import type { TraceStore } from './traceStore.ts';

/** Big traces waiting to go quiet at once; past it a new one is not rendered ahead (it still is when asked for). */
const MAX_WAITING = 8;

export interface PrerenderOptions {
  store: TraceStore;
  answers: AnswerCache;
  /** The usual answer: its envelope, render options and the variant key the route keeps it under. */
  shell: JaegerEnvelope<unknown[]>;
  render: RenderOptions;
  variant: string;
  /** Tells each time a trace grows; returns how to stop listening. */
  onTraceGrew: (listener: (traceID: string) => void) => () => void;
  /** How long a big trace must not grow before it is rendered (default 2 s). */
  idleMs?: number;
}

/** Starts listening; returns how to stop. One trace is rendered at a time, each in SLICE_MS slices. */
export function prerenderIdleTraces(o: PrerenderOptions): () => void {
  const idleMs = o.idleMs ?? 2_000;
  const waiting = new Map<string, NodeJS.Timeout>();
  const ready: string[] = [];
  let busy = false;

  const next = async (): Promise<void> => {
    if (busy) return;
    const key = ready.shift();
    if (key === undefined) return;
    busy = true;
    try {
      const trace = o.store.get(key);
      if (trace && trace.spans.length > BIG_TRACE_SPANS && !o.answers.get(trace, o.variant) && !o.answers.live(trace, o.variant))
        await o.answers.render(trace, o.variant, jsonPieces(envelopeOf(o.shell, [trace], o.render), ''), pacing, true).ended;
    } finally {
      busy = false;
      void next();
    }
  };

  const stop = o.onTraceGrew((id) => {
    const trace = o.store.get(id);
    if (!trace || trace.spans.length <= BIG_TRACE_SPANS) return;
    const old = waiting.get(trace.key);
    if (old) clearTimeout(old);
    else if (waiting.size >= MAX_WAITING) return;
    const timer = setTimeout(() => {
      waiting.delete(trace.key);
      ready.push(trace.key);
      void next();
    }, idleMs);
    timer.unref();
    waiting.set(trace.key, timer);
  });
  return () => {
    stop();
    for (const t of waiting.values()) clearTimeout(t);
    waiting.clear();
    ready.length = 0;
  };
}
