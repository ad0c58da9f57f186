// The standalone page's loading lifecycle: empty → loading → showing | failed; a newer load replaces an older one.
import { assign, fromPromise, setup } from 'xstate';
import type { LoadedTrace } from '../model/loadedTrace.ts';
import { TraceLoadError } from '../reader/traceSource.ts';

export interface LoadRequest {
  /** How the source is named in messages, e.g. “trace abc…” or “lock.json”. */
  what: string;
  job: () => Promise<LoadedTrace[]>;
}

export interface StandaloneContext {
  request: LoadRequest | undefined;
  traces: LoadedTrace[];
  /** Which source the traces came from, for the status line. */
  source: string;
  error: string | undefined;
}

function messageOf(e: unknown, what: string): string {
  if (e instanceof TraceLoadError) return e.message;
  return `Could not open ${what}: ${e instanceof Error ? e.message : String(e)}`;
}

export const standaloneFlow = setup({
  types: {
    context: {} as StandaloneContext,
    events: {} as { type: 'load'; request: LoadRequest } | { type: 'open'; traces: LoadedTrace[]; source: string },
  },
  actors: {
    // Re-entering "loading" stops the previous invocation, so a late answer never replaces a newer one.
    load: fromPromise<LoadedTrace[], LoadRequest>(({ input }) => input.job()),
  },
}).createMachine({
  id: 'standaloneViewer',
  context: { request: undefined, traces: [], source: '', error: undefined },
  initial: 'empty',
  on: {
    load: { target: '.loading', reenter: true, actions: assign({ request: ({ event }) => event.request, error: undefined }) },
    open: {
      target: '.showing',
      actions: assign({ traces: ({ event }) => event.traces, source: ({ event }) => event.source, error: undefined }),
    },
  },
  states: {
    empty: {},
    loading: {
      invoke: {
        src: 'load',
        input: ({ context }) => context.request!,
        onDone: {
          target: 'showing',
          actions: assign({ traces: ({ event }) => event.output, source: ({ context }) => context.request!.what }),
        },
        // Whatever was on show stays on show (the viewer keeps it): a bad file loses nothing.
        onError: { target: 'failed', actions: assign({ error: ({ event, context }) => messageOf(event.error, context.request!.what) }) },
      },
    },
    showing: {},
    failed: {},
  },
});
