// Child machine of the Demo flow: proves one plug like for like — samples before, the switch, warm-up, samples after, then the verdict.
import { assign, enqueueActions, fromPromise, sendParent, setup } from 'xstate';
import type { HolePattern, HoleSpec } from '../../model/index.ts';
import type { JaegerTrace } from '../../model/index.ts';
import type { HoleState, RequestKind } from '../../model/index.ts';
import { messageOf } from './flowContext.ts';
import { judgePlug, sideOf, type ProofResult } from './proofVerdict.ts';
import { failureWords } from './presenterRequest.ts';
import { hasRoot } from '../../model/index.ts';
import type { DemoRequestResult, TraceSource } from './traceSource.ts';
import { roomWords, type RoomHoldClient } from './roomHold.ts';
import type { RoomHoldEnd, RoomHoldStart } from '../../model/index.ts';

export interface PlugProofInput {
  source: TraceSource;
  spec: HoleSpec;
  /** Recent like-for-like requests (same kind and shape, same switches, warm) to reuse as "before"; [] to send fresh ones. */
  reuse: string[];
  /** How long a trace may take to become whole. */
  traceTimeoutMs: number;
  /** Holds the room's new requests while the proof measures (presenter only); null: measure beside the crowd. */
  room?: RoomHoldClient | null;
}

export type PlugProofOutput = { result: ProofResult; error: null } | { result: null; error: string };

interface Ctx extends PlugProofInput {
  before: JaegerTrace[];
  after: JaegerTrace[];
  result: ProofResult | null;
  error: string | null;
  held: RoomHoldStart | null;
}

type Ev = { type: 'PROGRESS'; text: string } | { type: 'SENT'; results: DemoRequestResult[]; kind: RequestKind; burst: number };

interface GatherInput {
  source: TraceSource;
  spec: HoleSpec;
  phase: 'before' | 'after';
  reuse: string[];
  traceTimeoutMs: number;
  tell(e: Ev): void;
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

/** The trace once its root has landed and two looks in a row find the same spans (services flush on their own clocks). */
export async function settledTrace(source: TraceSource, traceID: string, timeoutMs: number, signal: AbortSignal): Promise<JaegerTrace> {
  const deadline = performance.now() + timeoutMs;
  let last: JaegerTrace | null = null;
  for (;;) {
    const t = await source.fetchTrace(traceID, signal);
    if (t && last && hasRoot(t) && t.spans.length === last.spans.length) return t;
    if (t) last = t;
    if (performance.now() > deadline) {
      if (last && hasRoot(last, true)) return last;
      throw new Error(`the trace of request ${traceID.slice(0, 8)} did not arrive whole within ${Math.round(timeoutMs / 1000)} s`);
    }
    await pause(150, signal);
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function gather(input: GatherInput, signal: AbortSignal): Promise<JaegerTrace[]> {
  const { source, spec, phase, tell } = input;
  const p: HolePattern = spec.pattern;
  if (phase === 'before' && input.reuse.length > 0) {
    tell({
      type: 'PROGRESS',
      text: `Proving the ${spec.shortName} plug: your last ${plural(input.reuse.length, `${p.kind} request`)} are the “before”…`,
    });
    return Promise.all(input.reuse.map((id) => settledTrace(source, id, input.traceTimeoutMs, signal)));
  }
  const send = async (kind: RequestKind, count: number): Promise<DemoRequestResult[]> => {
    const results = await source.sendRequests(kind, count, signal);
    tell({ type: 'SENT', results: results.filter((r) => r.traceID), kind, burst: count });
    const failed = results.find((r) => !r.traceID || r.status >= 400);
    if (failed) throw new Error(`A request failed (${failureWords(failed) ?? `HTTP ${failed.status}`}): the proof stops here.`);
    return results;
  };
  // Cold state (an empty cache) would flatter no one: the pattern's warm-up is sent on both sides, not judged, and the slide says so.
  for (const w of p.warmup) {
    tell({
      type: 'PROGRESS',
      text: `Warming up (${phase === 'before' ? 'before' : 'after'} the plug): ${plural(w.count, `${w.kind} request`)} first, not measured — e.g. to fill a cache…`,
    });
    await send(w.kind, w.count);
  }
  const ids: string[] = [];
  if (p.lead) {
    // The lead is in flight when the judged burst arrives, so even the burst's first request meets the hole; not measured.
    const { kind, count, aheadMs } = p.lead;
    tell({
      type: 'PROGRESS',
      text: `Measuring ${phase} the ${spec.shortName} plug: ${plural(count, `${kind} request`)} ahead (not measured), then a burst of ${p.count} ${p.kind} requests…`,
    });
    const lead = send(kind, count);
    lead.catch(() => undefined); // awaited below; this only keeps a failure during the burst from going unhandled
    await pause(aheadMs, signal);
    ids.push(...(await send(p.kind, p.count)).map((r) => r.traceID));
    await lead;
  } else if (p.concurrent) {
    tell({ type: 'PROGRESS', text: `Measuring ${phase} the ${spec.shortName} plug: a burst of ${p.count} ${p.kind} requests…` });
    ids.push(...(await send(p.kind, p.count)).map((r) => r.traceID));
  } else {
    for (let i = 0; i < p.count; i++) {
      tell({ type: 'PROGRESS', text: `Measuring ${phase} the ${spec.shortName} plug: ${p.kind} request ${i + 1} of ${p.count}…` });
      ids.push(...(await send(p.kind, 1)).map((r) => r.traceID));
    }
  }
  // A side with no trace has nothing to judge or show: fail here, in words, not later on an empty comparison.
  if (ids.length === 0) throw new Error(`the demo API answered none of the ${phase} requests`);
  return Promise.all(ids.map((id) => settledTrace(source, id, input.traceTimeoutMs, signal)));
}

export const plugProofMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: PlugProofInput; output: PlugProofOutput },
  actors: {
    gather: fromPromise<JaegerTrace[], GatherInput>(({ input, signal }) => gather(input, signal)),
    plug: fromPromise<HoleState, { source: TraceSource; id: string }>(({ input }) => input.source.setHole(input.id, true)),
    holdRoom: fromPromise<RoomHoldStart | null, RoomHoldClient | null | undefined>(
      ({ input, signal }) => input?.start(signal) ?? Promise.resolve(null),
    ),
    releaseRoom: fromPromise<RoomHoldEnd | null, RoomHoldClient | null | undefined>(({ input }) => input?.end() ?? Promise.resolve(null)),
  },
}).createMachine({
  id: 'plugProof',
  context: ({ input }) => ({ ...input, before: [], after: [], result: null, error: null, held: null }),
  output: ({ context }) =>
    context.result ? { result: context.result, error: null } : { result: null, error: context.error ?? 'The proof stopped.' },
  on: {
    PROGRESS: { actions: sendParent(({ event }) => ({ type: 'PROOF_PROGRESS', text: event.text })) },
    SENT: { actions: sendParent(({ event }) => ({ type: 'OURS', results: event.results, kind: event.kind, burst: event.burst })) },
  },
  initial: 'holding',
  states: {
    // The crowd's requests would queue in front of ours and both sides would measure the crowd: the room waits for the few seconds a proof takes.
    holding: {
      always: { guard: ({ context }) => !context.room, target: 'before' },
      entry: enqueueActions(({ context, enqueue }) => {
        if (context.room)
          enqueue.sendParent({ type: 'PROOF_PROGRESS', text: 'Asking the room to wait a few seconds while the proof measures…' });
      }),
      invoke: {
        src: 'holdRoom',
        input: ({ context }) => context.room,
        onDone: { target: 'before', actions: assign({ held: ({ event }) => event.output }) },
        // No hold (an older server, a network hiccup): measure anyway, beside the crowd.
        onError: 'before',
      },
    },
    before: {
      invoke: {
        src: 'gather',
        input: ({ context, self }) => ({ ...context, phase: 'before' as const, tell: (e: Ev) => self.send(e) }),
        onDone: { target: 'switching', actions: assign({ before: ({ event }) => event.output }) },
        // The presenter asked for the plug: a proof that cannot measure "before" must not keep the hole open.
        onError: {
          target: 'switching',
          actions: assign({ error: ({ event }) => `Plugged without a proof: the “before” requests failed (${messageOf(event.error)}).` }),
        },
      },
    },
    switching: {
      entry: sendParent(({ context }) => ({ type: 'PROOF_PROGRESS', text: `Plugging ${context.spec.shortName}…` })),
      invoke: {
        src: 'plug',
        input: ({ context }) => ({ source: context.source, id: context.spec.id }),
        onDone: [
          {
            guard: ({ context }) => context.error !== null,
            target: 'releasing',
            actions: sendParent(({ event }) => ({ type: 'HOLE_CONFIRMED', hole: event.output, at: Date.now() })),
          },
          { target: 'after', actions: sendParent(({ event }) => ({ type: 'HOLE_CONFIRMED', hole: event.output, at: Date.now() })) },
        ],
        // The switch's own refusal (e.g. no presenter token) is what the presenter needs to read, not the proof's.
        onError: { target: 'releasing', actions: assign({ error: ({ event }) => messageOf(event.error) }) },
      },
    },
    after: {
      invoke: {
        src: 'gather',
        input: ({ context, self }) => ({ ...context, phase: 'after' as const, tell: (e: Ev) => self.send(e) }),
        onDone: {
          target: 'releasing',
          actions: assign(({ context, event }) => ({
            after: event.output,
            result: judgePlug(context.spec, sideOf(context.before, context.reuse.length > 0), sideOf(event.output, false)),
          })),
        },
        onError: { target: 'releasing', actions: assign({ error: ({ event }) => messageOf(event.error) }) },
      },
    },
    // The room goes on at once, whatever the proof's outcome; the verdict says what it waited.
    releasing: {
      invoke: {
        src: 'releaseRoom',
        input: ({ context }) => (context.held ? context.room : null),
        onDone: {
          target: 'settled',
          actions: assign({
            result: ({ context, event }) => {
              const h = context.held;
              const out = event.output;
              if (!context.result || !h) return context.result;
              return {
                ...context.result,
                roomLine: roomWords({
                  drained: h.inFlightAtStart,
                  drainedMs: h.drainedMs,
                  heldCalls: out?.heldCalls ?? 0,
                  heldMs: out?.heldMs ?? 0,
                }),
              };
            },
          }),
        },
        onError: 'settled',
      },
    },
    settled: { always: [{ guard: ({ context }) => context.result !== null, target: 'done' }, { target: 'failed' }] },
    done: { type: 'final' },
    failed: { type: 'final' },
  },
});
