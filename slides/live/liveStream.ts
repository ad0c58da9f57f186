// Child machine of the Demo flow: the /api/live connection, reopened with a growing backoff, passing up each arrival worth a fetch.
import { assign, fromCallback, sendParent, setup } from 'xstate';
import type { TraceArrival, TraceSource } from './traceSource.ts';

export interface LiveStreamInput {
  source: TraceSource;
  backoffMs: number;
  backoffMaxMs: number;
  connectTimeoutMs: number;
}

interface LiveStreamContext extends LiveStreamInput {
  attempts: number;
  problem: string | null;
  /** Span count last passed up, per trace (the latest REMEMBERED traces). */
  told: ReadonlyMap<string, number>;
}

/** Enough for every trace still on or near the slide; an older one that grows again is simply told again. */
const REMEMBERED = 1000;

type LiveStreamEvent = { type: 'OPEN' } | ({ type: 'ARRIVAL' } & TraceArrival) | { type: 'ERROR'; reason: string };

export const liveStreamMachine = setup({
  types: {} as { context: LiveStreamContext; events: LiveStreamEvent; input: LiveStreamInput },
  actors: {
    stream: fromCallback<LiveStreamEvent, TraceSource>(({ input, sendBack }) =>
      input.openStream({
        onOpen: () => sendBack({ type: 'OPEN' }),
        onTrace: (a) => sendBack({ type: 'ARRIVAL', ...a }),
        onError: (reason) => sendBack({ type: 'ERROR', reason }),
      }),
    ),
  },
  delays: {
    connectTimeout: ({ context }) => context.connectTimeoutMs,
    backoff: ({ context }) => Math.min(context.backoffMs * 2 ** Math.max(0, context.attempts - 1), context.backoffMaxMs),
  },
  guards: {
    /**
     * The slide fetches a trace once its root is in and again only when it holds more spans than
     * when last told: every other event would only fetch the same trace again.
     */
    worthFetching: ({ context, event }) =>
      event.type === 'ARRIVAL' && event.hasRoot && event.spanCount > (context.told.get(event.traceID) ?? 0),
  },
  actions: {
    remember: assign({
      told: ({ context, event }) => {
        if (event.type !== 'ARRIVAL') return context.told;
        const told = new Map(context.told);
        told.delete(event.traceID);
        told.set(event.traceID, event.spanCount);
        if (told.size > REMEMBERED) told.delete(told.keys().next().value!);
        return told;
      },
    }),
    tellState: sendParent(({ context }, state: 'connecting' | 'open' | 'retrying') => ({
      type: 'STREAM_STATE',
      state,
      problem: context.problem,
    })),
    failed: assign({ attempts: ({ context }) => context.attempts + 1, problem: (_, reason: string) => reason }),
  },
}).createMachine({
  id: 'liveStream',
  context: ({ input }) => ({ ...input, attempts: 0, problem: null, told: new Map() }),
  initial: 'live',
  states: {
    live: {
      invoke: { src: 'stream', input: ({ context }) => context.source },
      initial: 'connecting',
      on: {
        ERROR: { target: 'retrying', actions: { type: 'failed', params: ({ event }) => event.reason } },
        ARRIVAL: {
          guard: 'worthFetching',
          actions: [
            'remember',
            sendParent(({ event }) =>
              event.type === 'ARRIVAL' ? { type: 'TRACE_ARRIVED', traceID: event.traceID, spanCount: event.spanCount } : { type: 'NONE' },
            ),
          ],
        },
      },
      states: {
        connecting: {
          entry: { type: 'tellState', params: 'connecting' },
          on: {
            OPEN: {
              target: 'open',
              actions: [assign({ attempts: 0, problem: null }), sendParent({ type: 'STREAM_OPEN' })],
            },
          },
          after: {
            connectTimeout: { target: '#liveStream.retrying', actions: { type: 'failed', params: 'The live trace stream did not open.' } },
          },
        },
        open: { entry: { type: 'tellState', params: 'open' } },
      },
    },
    retrying: {
      entry: { type: 'tellState', params: 'retrying' },
      after: { backoff: 'live' },
    },
  },
});
