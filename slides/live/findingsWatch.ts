// Child machine of the Demo flow: the hole finder's aggregate findings, asked for every few seconds and passed up for the crowd panel.
import { fromPromise, sendParent, setup } from 'xstate';
import type { FindingsAggregateResponse } from '../../model/index.ts';
import type { TraceSource } from './traceSource.ts';

export interface FindingsWatchInput {
  source: TraceSource;
  everyMs: number;
  lookbackMs: number;
  /** A one-shot part shows no crowd lane: nothing to refresh. */
  wanted: boolean;
}

export const findingsWatchMachine = setup({
  types: {} as { context: FindingsWatchInput; input: FindingsWatchInput },
  actors: {
    loadFindings: fromPromise<FindingsAggregateResponse | null, { source: TraceSource; lookbackMs: number }>(({ input, signal }) =>
      input.source.findings(input.lookbackMs, signal),
    ),
  },
  delays: { every: ({ context }) => context.everyMs },
}).createMachine({
  id: 'findingsWatch',
  context: ({ input }) => input,
  initial: 'start',
  states: {
    start: { always: [{ guard: ({ context }) => !context.wanted, target: 'unused' }, { target: 'loading' }] },
    loading: {
      invoke: {
        src: 'loadFindings',
        input: ({ context }) => ({ source: context.source, lookbackMs: context.lookbackMs }),
        onDone: [
          // A server without a hole finder answers 404 (null): stop asking.
          { guard: ({ event }) => event.output === null, target: 'unavailable' },
          { target: 'waiting', actions: sendParent(({ event }) => ({ type: 'FINDINGS', findings: event.output! })) },
        ],
        onError: 'waiting',
      },
    },
    waiting: { after: { every: 'loading' } },
    unavailable: {},
    unused: {},
  },
});
