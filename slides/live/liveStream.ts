// Child machine of the Demo flow: the /api/live connection, reopened with a growing backoff, passing each trace arrival up.
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
}

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
  actions: {
    tellState: sendParent(({ context }, state: 'connecting' | 'open' | 'retrying') => ({ type: 'STREAM_STATE', state, problem: context.problem })),
    failed: assign({ attempts: ({ context }) => context.attempts + 1, problem: (_, reason: string) => reason }),
  },
}).createMachine({
  id: 'liveStream',
  context: ({ input }) => ({ ...input, attempts: 0, problem: null }),
  initial: 'live',
  states: {
    live: {
      invoke: { src: 'stream', input: ({ context }) => context.source },
      initial: 'connecting',
      on: {
        ERROR: { target: 'retrying', actions: { type: 'failed', params: ({ event }) => event.reason } },
        ARRIVAL: { actions: sendParent(({ event }) => ({ type: 'TRACE_ARRIVED', traceID: event.traceID, spanCount: event.spanCount })) },
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
          after: { connectTimeout: { target: '#liveStream.retrying', actions: { type: 'failed', params: 'The live trace stream did not open.' } } },
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
