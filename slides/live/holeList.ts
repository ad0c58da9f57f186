// Child machine of the Demo flow: the mesh's switchable holes, listed once the mesh is known to be there, and passed up.
import { fromPromise, sendParent, setup } from 'xstate';
import { messageOf } from './flowContext.ts';
import type { HoleState, MeshHealth, TraceSource } from './traceSource.ts';

export interface HoleListInput {
  source: TraceSource;
}

export const holeListMachine = setup({
  types: {} as { context: HoleListInput; events: { type: 'MESH'; mesh: MeshHealth }; input: HoleListInput },
  actors: {
    loadHoles: fromPromise<HoleState[], TraceSource>(({ input, signal }) => input.holes(signal)),
  },
}).createMachine({
  id: 'holeList',
  context: ({ input }) => input,
  initial: 'waiting',
  states: {
    // A server without a mesh (MESH=off) has no holes to list: ask only once the mesh is known.
    waiting: { on: { MESH: { guard: ({ event }) => event.mesh.state !== 'offline', target: 'loading' } } },
    loading: {
      invoke: {
        src: 'loadHoles',
        input: ({ context }) => context.source,
        onDone: { target: 'loaded', actions: sendParent(({ event }) => ({ type: 'HOLES', holes: event.output })) },
        onError: { target: 'loaded', actions: sendParent(({ event }) => ({ type: 'HOLE_PROBLEM', problem: messageOf(event.error) })) },
      },
    },
    loaded: {},
  },
});
