// Child machine of the Demo flow: attendees' traces, fetched once whole (their root has landed) and passed up for the crowd lane.
import { assign, enqueueActions, fromPromise, setup } from 'xstate';
import type { JaegerTrace } from '../../model/index.ts';
import { OURS_KEPT } from './flowContext.ts';
import { hasRoot } from '../../model/index.ts';
import type { TraceSource } from './traceSource.ts';

export interface CrowdLaneInput {
  source: TraceSource;
  /** Quiet time after an arrival before the trace is fetched: spans land in a burst. */
  settleMs: number;
}

interface Ctx extends CrowdLaneInput {
  /** Trace id → fetches so far that found it without its root. */
  dirty: Record<string, number>;
  /** Our own trace ids (the parent tells): never the crowd's. */
  ours: string[];
}

type Ev = { type: 'ARRIVAL'; traceID: string } | { type: 'OURS'; ids: string[] };

interface Fetched {
  whole: JaegerTrace[];
  partial: string[];
}

/** Most fetches at once: a crowd of hundreds must not turn into hundreds of parallel requests from the slide. */
const BATCH = 8;
/** A trace whose root never comes (its entry service died) is given up after this many looks. */
const MAX_LOOKS = 6;

export const crowdLaneMachine = setup({
  types: {} as { context: Ctx; events: Ev; input: CrowdLaneInput },
  actors: {
    fetchBatch: fromPromise<Fetched, { source: TraceSource; ids: string[]; lastLook: string[] }>(async ({ input, signal }) => {
      const got = await Promise.all(input.ids.map((id) => input.source.fetchTrace(id, signal).catch(() => null)));
      const whole: JaegerTrace[] = [];
      const partial: string[] = [];
      got.forEach((t, i) => {
        // On its last look a trace with a lost span still counts once its root is there.
        if (t && hasRoot(t, input.lastLook.includes(t.traceID))) whole.push(t);
        else partial.push(input.ids[i]!);
      });
      return { whole, partial };
    }),
  },
  delays: { settle: ({ context }) => context.settleMs },
  guards: {
    hasDirty: ({ context }) => Object.keys(context.dirty).length > 0,
  },
  actions: {
    noteArrival: assign({
      dirty: ({ context, event }) =>
        event.type === 'ARRIVAL' && !context.ours.includes(event.traceID) ? { ...context.dirty, [event.traceID]: 0 } : context.dirty,
    }),
    noteOurs: assign(({ context, event }) => {
      if (event.type !== 'OURS') return {};
      const dirty = { ...context.dirty };
      for (const id of event.ids) delete dirty[id];
      return { ours: [...context.ours, ...event.ids].slice(-OURS_KEPT), dirty };
    }),
  },
}).createMachine({
  id: 'crowdLane',
  context: ({ input }) => ({ ...input, dirty: {}, ours: [] }),
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
      on: { ARRIVAL: { actions: 'noteArrival' } },
      invoke: {
        src: 'fetchBatch',
        input: ({ context }) => {
          const ids = Object.keys(context.dirty).slice(0, BATCH);
          return { source: context.source, ids, lastLook: ids.filter((id) => (context.dirty[id] ?? 0) >= MAX_LOOKS - 1) };
        },
        onDone: {
          target: 'next',
          actions: enqueueActions(({ context, event, enqueue }) => {
            const dirty = { ...context.dirty };
            for (const t of event.output.whole) {
              delete dirty[t.traceID];
              if (!context.ours.includes(t.traceID)) enqueue.sendParent({ type: 'CROWD_TRACE', trace: t });
            }
            for (const id of event.output.partial) {
              // An arrival during the fetch reset the count to 0: look again as if new.
              const looks = (dirty[id] ?? 0) + 1;
              if (looks >= MAX_LOOKS) delete dirty[id];
              else dirty[id] = looks;
            }
            enqueue.assign({ dirty });
          }),
        },
        onError: 'next',
      },
    },
    next: { always: [{ guard: 'hasDirty', target: 'settling' }, { target: 'idle' }] },
  },
});
