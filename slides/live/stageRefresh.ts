// Child machine of the Demo flow: the shown trace grows while its services flush, so it is fetched again each time the stream says so.
import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import type { JaegerTrace } from '../../model/index.ts';
import type { TraceSource } from './traceSource.ts';

export interface StageRefreshInput {
  source: TraceSource;
}

interface StageRefreshContext extends StageRefreshInput {
  /** The shown trace, as the parent last named it. */
  traceID: string;
  /** It grew again while it was being fetched: fetch it once more. */
  again: boolean;
}

/** The parent sends GREW only for the trace on the stage. */
type StageRefreshEvent = { type: 'GREW'; traceID: string };

export const stageRefreshMachine = setup({
  types: {} as { context: StageRefreshContext; events: StageRefreshEvent; input: StageRefreshInput },
  actors: {
    fetchTrace: fromPromise<JaegerTrace | null, { source: TraceSource; traceID: string }>(({ input, signal }) =>
      input.source.fetchTrace(input.traceID, signal),
    ),
  },
}).createMachine({
  id: 'stageRefresh',
  context: ({ input }) => ({ ...input, traceID: '', again: false }),
  initial: 'idle',
  states: {
    idle: { on: { GREW: { target: 'loading', actions: assign({ traceID: ({ event }) => event.traceID }) } } },
    loading: {
      // More spans while a fetch is under way: fetch once more after it, never cancel it
      // (services flush several times a second: restarting would starve the fetch).
      entry: assign({ again: false }),
      on: { GREW: { actions: assign({ traceID: ({ event }) => event.traceID, again: true }) } },
      invoke: {
        src: 'fetchTrace',
        input: ({ context }) => ({ source: context.source, traceID: context.traceID }),
        onDone: {
          target: 'check',
          // The parent keeps it only if it is still the trace on the stage.
          actions: enqueueActions(({ event, enqueue }) => {
            if (event.output) enqueue.sendParent({ type: 'STAGE_FETCHED', trace: event.output });
          }),
        },
        onError: 'idle',
      },
    },
    check: { always: [{ guard: ({ context }) => context.again, target: 'loading' }, { target: 'idle' }] },
  },
});
