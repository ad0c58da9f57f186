// Child machine of the Demo flow: attendees' traces, fetched once their root is in (and again when they grow) and passed up for the crowd lane.
import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import type { JaegerTrace } from '../../model/index.ts';
import { OURS_KEPT } from './flowContext.ts';
import type { TraceSource } from './traceSource.ts';

export interface CrowdLaneInput {
  source: TraceSource;
  /** Quiet time after an arrival before the trace is fetched: spans land in a burst. */
  settleMs: number;
}

interface Ctx extends CrowdLaneInput {
  /**
   * Traces to fetch. The live stream passes on only a trace whose root is in, and again only when
   * it grew (liveStream.ts), so each is fetched once per arrival: no looking again to learn whether
   * the root came.
   */
  dirty: string[];
  /** The traces of the fetch under way. */
  fetching: string[];
  /** Our own trace ids (the parent tells): never the crowd's. */
  ours: string[];
}

type Ev = { type: 'ARRIVAL'; traceID: string } | { type: 'OURS'; ids: string[] };

/** Most fetches at once: a crowd of hundreds must not turn into hundreds of parallel requests from the slide. */
const BATCH = 8;

export const crowdLaneMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: CrowdLaneInput },
  actors: {
    fetchBatch: fromPromise<JaegerTrace[], { source: TraceSource; ids: string[] }>(async ({ input, signal }) => {
      const got = await Promise.all(input.ids.map((id) => input.source.fetchTrace(id, signal).catch(() => null)));
      return got.filter((t): t is JaegerTrace => t !== null);
    }),
  },
  delays: { settle: ({ context }) => context.settleMs },
  guards: {
    hasDirty: ({ context }) => context.dirty.length > 0,
  },
  actions: {
    noteArrival: assign({
      dirty: ({ context, event }) =>
        event.type === 'ARRIVAL' && !context.ours.includes(event.traceID) && !context.dirty.includes(event.traceID)
          ? [...context.dirty, event.traceID]
          : context.dirty,
    }),
    noteOurs: assign(({ context, event }) => {
      if (event.type !== 'OURS') return {};
      return { ours: [...context.ours, ...event.ids].slice(-OURS_KEPT), dirty: context.dirty.filter((id) => !event.ids.includes(id)) };
    }),
  },
}).createMachine({
  id: 'crowdLane',
  context: ({ input }) => ({ ...input, dirty: [], fetching: [], ours: [] }),
  initial: 'idle',
  on: { OURS: { actions: 'noteOurs' } },
  states: {
    idle: {
      on: { ARRIVAL: { target: 'settling', actions: 'noteArrival' } },
    },
    settling: {
      // The timer is not restarted by further arrivals, so steady traffic cannot starve the lane.
      on: { ARRIVAL: { actions: 'noteArrival' } },
      after: { settle: [{ guard: 'hasDirty', target: 'fetching' }, { target: 'idle' }] },
    },
    fetching: {
      // Taken off the list as the fetch starts: an arrival during it (the trace grew) puts it back for one more.
      entry: assign({ fetching: ({ context }) => context.dirty.slice(0, BATCH), dirty: ({ context }) => context.dirty.slice(BATCH) }),
      on: { ARRIVAL: { actions: 'noteArrival' } },
      invoke: {
        src: 'fetchBatch',
        input: ({ context }) => ({ source: context.source, ids: context.fetching }),
        onDone: {
          target: 'next',
          actions: enqueueActions(({ context, event, enqueue }) => {
            for (const t of event.output) if (!context.ours.includes(t.traceID)) enqueue.sendParent({ type: 'CROWD_TRACE', trace: t });
          }),
        },
        onError: 'next',
      },
    },
    next: { always: [{ guard: 'hasDirty', target: 'settling' }, { target: 'idle' }] },
  },
});
