// Searches and big answers in slices: a public query never holds the event loop for long, never builds its whole reply in memory, and only a few run at once.
import type { Request, Response } from 'express';
import type { JaegerEnvelope } from '../model/index.ts';
import { jaegerTraceSteps, lazyTraceSteps, type RenderOptions } from './traceJson.ts';
import { addressOf, isOwnMachine } from '../pkg/index.ts';
import { prettyIndent } from './queryParams.ts';
import type { TraceQuery, TraceRecord, TraceStore } from './traceStore.ts';
import { Chunked, jsonPieces, streamPieces, type StreamPacing } from './jsonStream.ts';
import { type AnswerCache, answerStats, sendKept } from './answerCache.ts';

/** Work done between pauses: the rest of the server (the presenter's /healthz, the live stream) runs in between. With 10 ms slices and 2 searches per device the big-search attack gave the presenter healthz p50 153 ms; 5 ms and 1 per device, 84 ms (load average ~18 on 2 cores). */
const SLICE_MS = 5;
/** The most traces one search answers (the Jaeger UI's own largest "Limit Results" choice); larger limits are cut to it. */
const MAX_SEARCH_LIMIT = 1500;

/** A trace answer past this many spans is a big answer: it passes its own gate (about 2 MB of JSON, ~20 ms of rendering). */
export const BIG_TRACE_SPANS = 5_000;

/** Up to this many spans a trace is rendered and stringified in one piece (~5 ms). */
const WHOLE_TRACE_SPANS = 1_000;

/** The longest stretch of work between two pauses so far (tests and the attack report read it). */
export const sliceStats = { longestMs: 0, slices: 0 };

/** Notes how long the slice that began at `start` ran, then yields to the event loop. */
function pause(start: number): Promise<void> {
  const ran = performance.now() - start;
  sliceStats.slices++;
  if (ran > sliceStats.longestMs) sliceStats.longestMs = ran;
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * The store's search run in slices: the newest matches by trace start, at most q.limit and never more than
 * MAX_SEARCH_LIMIT whatever was asked; undefined when `gone()` says the client left.
 */
export async function searchInSlices(store: TraceStore, q: TraceQuery, gone: () => boolean): Promise<TraceRecord[] | undefined> {
  const hits: TraceRecord[] = [];
  const steps = store.scan(q);
  let sliceStart = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) break;
    if (next.value !== undefined) hits.push(next.value);
    if (performance.now() - sliceStart >= SLICE_MS) {
      await pause(sliceStart);
      if (gone()) return undefined;
      sliceStart = performance.now();
    }
  }
  hits.sort((a, b) => b.startTime - a.startTime);
  return hits.slice(0, Math.min(q.limit, MAX_SEARCH_LIMIT));
}

/** Drives a generator to its return value, pausing every SLICE_MS; undefined when `gone()` says the client left. */
export async function runInSlices<R>(steps: Generator<undefined, R>, gone: () => boolean): Promise<R | undefined> {
  let sliceStart = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - sliceStart >= SLICE_MS) {
      await pause(sliceStart);
      if (gone()) {
        // Ended, so what it holds is let go (its finally blocks run).
        steps.return(undefined as R);
        return undefined;
      }
      sliceStart = performance.now();
    }
  }
}

/** Maps `items` with `fn`, pausing every SLICE_MS. */
export async function inSlices<T, R>(items: readonly T[], fn: (item: T) => R): Promise<R[]> {
  const out: R[] = [];
  let sliceStart = performance.now();
  for (const item of items) {
    out.push(fn(item));
    if (performance.now() - sliceStart >= SLICE_MS) {
      await pause(sliceStart);
      sliceStart = performance.now();
    }
  }
  return out;
}

/** How every streamed answer is paced: SLICE_MS of work, then a pause (counted in sliceStats). */
export const pacing: StreamPacing = { sliceMs: SLICE_MS, pause };

/**
 * Sends `value` (plain JSON, with Chunked parts written member by member) with the same bytes as
 * JSON.stringify of the whole, prettyPrint= honoured; the reply is sent as it is made, paced by the
 * client (backpressure) and by SLICE_MS (the event loop).
 */
export function streamJson(req: Request, res: Response, value: unknown): Promise<void> {
  return streamPieces(res, jsonPieces(value, prettyIndent(req)), pacing);
}

/** `shell` (an envelope) with `traces` rendered into its data array one at a time, each in steps (see streamJson). */
export function streamEnvelope(
  req: Request,
  res: Response,
  shell: JaegerEnvelope<unknown[]>,
  traces: readonly TraceRecord[],
  render: RenderOptions,
): Promise<void> {
  return streamJson(req, res, envelopeOf(shell, traces, render));
}

/** The envelope with `traces` as its data, each rendered in steps as it is written. */
export function envelopeOf(shell: JaegerEnvelope<unknown[]>, traces: readonly TraceRecord[], render: RenderOptions): Chunked {
  return Chunked.object({ ...shell, data: Chunked.steps(traces, (t) => traceMemberSteps(t, render)) });
}

/**
 * Runs `answer` (a streamed answer about `traces`), first past `gate` when any of them is big: a big answer
 * holds its trace's clock-skew work (v1) or its OTLP conversion (v3) while it is sent. A failure is answered
 * 500 (or cuts the stream).
 */
export async function gatedAnswer(
  req: Request,
  res: Response,
  traces: readonly TraceRecord[],
  gate: HeavyQueries,
  refuse: Refuse,
  answer: () => Promise<void>,
): Promise<void> {
  let release = () => {};
  if (traces.some((t) => t.spans.length > BIG_TRACE_SPANS)) {
    const admitted = gate.admit(req, res, refuse);
    if (!admitted) return;
    release = admitted;
    res.once('close', release);
  }
  try {
    await answer();
  } catch {
    if (!res.headersSent) refuse(res, 500, 'rendering the trace failed');
    else res.destroy();
  } finally {
    release();
  }
}

/**
 * Sends a big trace's answer: its kept bytes, else the same answer being rendered now (joined from its first
 * byte), else, past the device's turn at `gate`, a new rendering of `pieces()` that later requests join.
 */
export function sendBigTrace(
  req: Request,
  res: Response,
  o: {
    trace: TraceRecord;
    /** What else makes the answer differ (API, options, indent): the key it is shared and kept under. */
    variant: string;
    answers: AnswerCache;
    gate: HeavyQueries;
    refuse: Refuse;
    pieces: () => Iterable<string | undefined>;
  },
): void {
  const failed = (r: Response) => o.refuse(r, 500, 'rendering the trace failed');
  const kept = o.answers.get(o.trace, o.variant);
  if (kept) {
    answerStats.kept++;
    return void sendKept(res, kept).catch(() => res.destroy());
  }
  const live = o.answers.live(o.trace, o.variant);
  if (live) {
    answerStats.joined++;
    return void live.send(res, failed).catch(() => res.destroy());
  }
  const release = o.gate.admit(req, res, o.refuse);
  if (!release) return;
  const { answer, ended } = o.answers.render(o.trace, o.variant, o.pieces(), pacing);
  // The device's turn lasts while the rendering runs and while its own answer is read: a slow reader keeps it.
  const sent = answer.send(res, failed).catch(() => res.destroy());
  void Promise.all([ended, sent]).finally(release);
}

/** A stored trace as one answer member: clock skew worked out in steps, each span rendered only as it is written. */
export function* traceMemberSteps(trace: TraceRecord, render: RenderOptions): Generator<undefined, unknown[]> {
  // A small trace is quicker rendered and stringified whole (a few ms): searches answer many of them.
  if (trace.spans.length <= WHOLE_TRACE_SPANS) return [yield* jaegerTraceSteps(trace, render)];
  const t = yield* lazyTraceSteps(trace, render);
  const order = Array.from({ length: t.count }, (_, i) => i);
  return [Chunked.object({ traceID: t.traceID, spans: Chunked.array(order, t.spanAt), processes: t.processes, warnings: null }, t.release)];
}

type Refuse = (res: Response, code: number, msg: string) => void;

/**
 * At most `total` heavy answers at once for the room, and at most `perAddress` for one device: a
 * script that opens many searches waits its turn instead of taking every cycle of the presenter's
 * laptop. The server's own machine (the presenter) has its own `total`, so the room cannot use it up.
 */
export class HeavyQueries {
  private readonly running = { room: 0, own: 0 };
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly total = 2,
    private readonly perAddress = 1,
    private readonly ownTotal = 4,
    /** What is gated, for the refusal's words. */
    private readonly what = 'searches',
  ) {}

  /**
   * Lets the request's device start a heavy answer: a release function, or undefined when it must come back
   * later, after `refuse` has answered 503 with Retry-After in the API's own error shape.
   */
  admit(req: Request, res: Response, refuse: Refuse): (() => void) | undefined {
    const address = addressOf(req.socket);
    const release = this.tryStart(address, isOwnMachine(address));
    if (release) return release;
    res.set('Retry-After', '2');
    refuse(res, 503, `too many ${this.what} running at once: try again in a moment`);
    return undefined;
  }

  private tryStart(address: string, ownMachine: boolean): (() => void) | undefined {
    const pool = ownMachine ? 'own' : 'room';
    const mine = this.byAddress.get(address) ?? 0;
    if (this.running[pool] >= (ownMachine ? this.ownTotal : this.total) || (!ownMachine && mine >= this.perAddress)) return undefined;
    this.running[pool]++;
    this.byAddress.set(address, mine + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.running[pool]--;
      const left = (this.byAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.byAddress.delete(address);
      else this.byAddress.set(address, left);
    };
  }
}
