// Child machine of the Demo flow: which attendee trace takes the main view next, one per dwell, while the parent lets the crowd in.
import { assign, enqueueActions, setup } from 'xstate';
import type { JaegerTrace } from '../../model/index.ts';
import { traceStartMs } from '../../model/index.ts';

export interface CrowdDwellInput {
  /** An attendee's trace stays at least this long before the next one replaces it. */
  dwellMs: number;
  /** The parent lets attendees' traces into the main view (the part follows the crowd and nothing is pinned). */
  following: boolean;
}

interface CrowdDwellContext extends CrowdDwellInput {
  /** The trace waiting for the dwell of the one shown to end. */
  waiting: JaegerTrace | null;
}

export type CrowdDwellEvent =
  /** A crowd trace the parent noted; `newer`: the lane had not had it, and it started no earlier than the one on the stage. */
  | { type: 'OFFER'; trace: JaegerTrace; newer: boolean; ours: boolean; following: boolean }
  | { type: 'FOLLOW'; following: boolean }
  /** The presenter took the stage: nothing waits any more. */
  | { type: 'CLEAR' };

export const crowdDwellMachine = setup({
  types: {} as { context: CrowdDwellContext; events: CrowdDwellEvent; input: CrowdDwellInput },
  delays: { dwell: ({ context }) => context.dwellMs },
  guards: {
    hasWaiting: ({ context }) => context.following && context.waiting !== null,
    followsNew: ({ event }) => event.type === 'OFFER' && event.following && event.newer,
    // The next in line is the latest-started request: one that started earlier but arrived later (a hung call's
    // spans flushed after it failed) does not push it out.
    isNewOrWaiting: ({ context, event }) => {
      if (event.type !== 'OFFER' || event.ours) return false;
      const waiting = context.waiting;
      if (event.trace.traceID === waiting?.traceID) return true;
      return event.newer && (!waiting || traceStartMs(event.trace) >= traceStartMs(waiting));
    },
  },
  actions: {
    noteFollowing: assign({ following: ({ context, event }) => (event.type === 'CLEAR' ? context.following : event.following) }),
    show: enqueueActions(({ context, event, enqueue }) => {
      const trace = event.type === 'OFFER' ? event.trace : context.waiting;
      if (trace) enqueue.sendParent({ type: 'SHOW_CROWD', trace });
      enqueue.assign({ waiting: null });
    }),
  },
}).createMachine({
  id: 'crowdDwell',
  context: ({ input }) => ({ ...input, waiting: null }),
  initial: 'ready',
  on: {
    FOLLOW: { actions: 'noteFollowing' },
    CLEAR: { actions: assign({ waiting: null }) },
  },
  states: {
    ready: {
      always: { guard: 'hasWaiting', target: 'dwelling', actions: 'show' },
      on: { OFFER: [{ guard: 'followsNew', target: 'dwelling', actions: ['noteFollowing', 'show'] }, { actions: 'noteFollowing' }] },
    },
    dwelling: {
      after: { dwell: 'ready' },
      on: {
        OFFER: [
          { guard: 'isNewOrWaiting', actions: ['noteFollowing', assign({ waiting: ({ event }) => event.trace })] },
          { actions: 'noteFollowing' },
        ],
      },
    },
  },
});
