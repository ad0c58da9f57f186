// Child machine of the Demo flow: one press of a request button, from sending through the mesh to the trace fetched once the stream announces it.
import { assign, enqueueActions, fromPromise, sendParent, setup } from 'xstate';
import type { JaegerTrace } from '../../model/index.ts';
import { messageOf } from './flowContext.ts';
import { judgedResults, plainRequests, sendPattern, type RequestPattern, type SentGroup } from './holePattern.ts';
import { SourceError, type DemoRequestResult, type RequestKind, type TraceSource } from './traceSource.ts';
import type { RoomHoldClient } from './roomHold.ts';

export interface PresenterRequestInput {
  source: TraceSource;
  kind: RequestKind;
  count: number;
  /** A hole's documented pattern to send instead of `count` plain requests at once (the guide's "Send it", the burst button). */
  pattern?: RequestPattern | undefined;
  requestTimeoutMs: number;
  traceTimeoutMs: number;
  /** The measuring hold: the room's new requests wait while ours runs, so it shows the hole, not the crowd's queue. */
  room?: RoomHoldClient | null;
}

/** Sends our requests with the room held when a hold is at hand; a hold that fails to start is no reason not to send. */
async function sendHeld(input: Ctx, signal: AbortSignal): Promise<SentGroup[]> {
  const held = input.room ? await input.room.start(signal).catch(() => null) : null;
  try {
    return await sendPattern(input.source, input.pattern ?? plainRequests(input.kind, input.count), signal);
  } finally {
    if (held) void input.room!.end().catch(() => undefined);
  }
}

/** How a press ended: a trace to show (possibly of a failed request), or words saying why there is none. */
export interface PresenterRequestOutput {
  results: DemoRequestResult[];
  trace: JaegerTrace | null;
  /** The shown request failed, or there is no trace at all: why, in words. */
  failure: string | null;
  /** Spans arrived after the fetch began: the shown copy should be fetched again. */
  stale: boolean;
}

interface Ctx extends PresenterRequestInput {
  results: DemoRequestResult[];
  focus: string | null;
  /** Ids the stream announced while we waited (an arrival may beat the request's answer). */
  seen: string[];
  fetchedEmpty: boolean;
  trace: JaegerTrace | null;
  failure: string | null;
  stale: boolean;
}

type Ev = { type: 'TRACE_ARRIVED'; traceID: string } | { type: 'STREAM_OPEN' };

/** Why a request failed, in words: the server's reason when it gave one, else its status; null when it did not fail. */
export function failureWords(r: DemoRequestResult): string | null {
  if (r.status < 400 && !r.error) return null;
  return r.error ? r.error.replace(/\.$/, '') : `HTTP ${r.status}`;
}

export const presenterRequestMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: PresenterRequestInput; output: PresenterRequestOutput },
  actors: {
    send: fromPromise<SentGroup[], Ctx>(({ input, signal }) => sendHeld(input, signal)),
    fetch: fromPromise<JaegerTrace | null, { source: TraceSource; traceID: string }>(({ input, signal }) =>
      input.source.fetchTrace(input.traceID, signal),
    ),
  },
  delays: {
    requestTimeout: ({ context }) => context.requestTimeoutMs,
    traceTimeout: ({ context }) => context.traceTimeoutMs,
  },
  guards: {
    isFocus: ({ context, event }) => event.type === 'TRACE_ARRIVED' && event.traceID === context.focus,
    focusSeen: ({ context }) => !context.fetchedEmpty && context.focus !== null && context.seen.includes(context.focus),
  },
  actions: {
    noteSeen: assign({
      seen: ({ context, event }) => (event.type === 'TRACE_ARRIVED' ? [...context.seen.slice(-200), event.traceID] : context.seen),
    }),
  },
}).createMachine({
  id: 'presenterRequest',
  context: ({ input }) => ({ ...input, results: [], focus: null, seen: [], fetchedEmpty: false, trace: null, failure: null, stale: false }),
  initial: 'sending',
  output: ({ context }) => ({ results: context.results, trace: context.trace, failure: context.failure, stale: context.stale }),
  states: {
    sending: {
      on: {
        TRACE_ARRIVED: { actions: ['noteSeen', ({ context, event }) => context.source.prefetchTrace?.(event.traceID)] },
      },
      invoke: {
        src: 'send',
        input: ({ context }) => context,
        onDone: [
          {
            guard: ({ event }) => judgedResults(event.output).some((r) => r.traceID),
            target: 'awaiting',
            actions: [
              assign(({ event }) => {
                const results = judgedResults(event.output).filter((r) => r.traceID);
                // The slowest of a burst is the one worth looking at; a failure beats any success.
                const focus = results.reduce((a, b) =>
                  (Number(b.status >= 400) - Number(a.status >= 400) || b.durationMs - a.durationMs) > 0 ? b : a,
                );
                return { results, focus: focus.traceID, failure: failureWords(focus) };
              }),
              // Every call of the pattern in the order sent, warm-up and lead included: the flow counts them as warm-up too.
              enqueueActions(({ event, enqueue }) => {
                for (const g of event.output)
                  enqueue.sendParent({ type: 'OURS', results: g.results.filter((r) => r.traceID), kind: g.kind, burst: g.burst });
              }),
            ],
          },
          {
            target: 'done',
            actions: [
              assign(({ event }) => {
                const first = judgedResults(event.output)[0];
                return {
                  results: judgedResults(event.output),
                  failure: first
                    ? `The request failed (${failureWords(first) ?? `HTTP ${first.status}`}) before the mesh could start it, so there is no trace.`
                    : 'The mesh answered with no requests.',
                };
              }),
              sendParent({ type: 'MESH_TROUBLE' }),
            ],
          },
        ],
        onError: {
          target: 'done',
          actions: enqueueActions(({ event, enqueue }) => {
            enqueue.assign({ failure: messageOf(event.error) });
            if (event.error instanceof SourceError && event.error.meshTrouble) enqueue.sendParent({ type: 'MESH_TROUBLE' });
          }),
        },
      },
      after: {
        requestTimeout: {
          target: 'done',
          actions: [
            assign({ failure: ({ context }) => `The mesh did not answer within ${Math.round(context.requestTimeoutMs / 1000)} s.` }),
            sendParent({ type: 'MESH_TROUBLE' }),
          ],
        },
      },
    },
    awaiting: {
      initial: 'waiting',
      after: {
        traceTimeout: {
          target: 'done',
          actions: assign({
            failure: ({ context }) =>
              `The request finished but its trace did not arrive within ${Math.round(context.traceTimeoutMs / 1000)} s.`,
          }),
        },
      },
      states: {
        waiting: {
          always: { guard: 'focusSeen', target: 'fetching' },
          on: {
            TRACE_ARRIVED: { guard: 'isFocus', target: 'fetching', actions: 'noteSeen' },
            // Arrivals during a reconnect are lost: look once instead.
            STREAM_OPEN: 'fetching',
          },
        },
        fetching: {
          on: { TRACE_ARRIVED: { guard: 'isFocus', actions: assign({ stale: true }) } },
          invoke: {
            src: 'fetch',
            input: ({ context }) => ({ source: context.source, traceID: context.focus ?? '' }),
            onDone: [
              {
                guard: ({ event }) => event.output !== null,
                target: '#presenterRequest.done',
                actions: assign({ trace: ({ event }) => event.output }),
              },
              { target: 'waiting', actions: assign({ fetchedEmpty: true, stale: false }) },
            ],
            onError: { target: '#presenterRequest.done', actions: assign({ failure: ({ event }) => messageOf(event.error) }) },
          },
        },
      },
    },
    done: { type: 'final' },
  },
});
