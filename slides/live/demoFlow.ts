// The Demo slide's flow as an xstate machine: mesh health, the live stream, and one request's way to a drawn trace.
import { assign, enqueueActions, fromCallback, fromPromise, setup, type ActorRefFrom, type SnapshotFrom } from 'xstate';
import type { JaegerTrace } from '../../model/jaegerJson.ts';
import { traceDurationMs, traceStartMs } from './traceFacts.ts';
import {
  SourceError,
  type DemoRequestResult,
  type MeshHealth,
  type RequestKind,
  type TraceArrival,
  type TraceSource,
} from './traceSource.ts';

export interface DemoTiming {
  /** How long the mesh may take to answer a demo request before the slide calls it failed. */
  requestTimeoutMs: number;
  /** How long after the answer the trace may take to reach the store. */
  traceTimeoutMs: number;
  /** /healthz polling while the mesh is down. */
  healthPollMs: number;
  /** Re-check while the mesh is up, so a crash shows even when nobody clicks. */
  healthRecheckMs: number;
  /** First reconnect delay of the live stream; doubles per failure up to the max. */
  streamBackoffMs: number;
  streamBackoffMaxMs: number;
  /** A stream that neither opens nor fails within this is treated as failed. */
  streamConnectTimeoutMs: number;
  /** A shown trace stays at least this long before an attendee's trace replaces it. */
  dwellMs: number;
}

export const defaultTiming: DemoTiming = {
  requestTimeoutMs: 20_000,
  traceTimeoutMs: 10_000,
  healthPollMs: 2_000,
  healthRecheckMs: 10_000,
  streamBackoffMs: 500,
  streamBackoffMaxMs: 10_000,
  streamConnectTimeoutMs: 8_000,
  dwellMs: 1_500,
};

export interface LatencyPoint {
  traceID: string;
  durationMs: number;
  /** ms since the epoch, when the slide learnt of it */
  at: number;
  origin: 'ours' | 'foreign';
  kind?: RequestKind;
}

export interface HoleSwitchMark {
  holeId: string;
  title: string;
  plugged: boolean;
  at: number;
}

/** Last trace before a hole switch against the first trace that started after it. */
export interface Comparison {
  hole: HoleSwitchMark;
  before: JaegerTrace | null;
  after: JaegerTrace | null;
}

export interface DemoFlowContext {
  timing: DemoTiming;
  now: () => number;
  /** Attendees' traces replace the shown one (the demo slide); off for one-shot parts. */
  followForeign: boolean;
  mesh: MeshHealth | null;
  streamAttempts: number;
  streamProblem: string | null;
  pending: { kind: RequestKind; count: number } | null;
  lastResults: DemoRequestResult[];
  /** Trace ids this slide asked for (bounded), so their late spans don't count as attendees'. */
  ours: string[];
  /** Trace ids the stream announced recently (bounded): an arrival may beat the request's answer. */
  seen: string[];
  awaited: { traceID: string; fetchedEmpty: boolean } | null;
  trace: JaegerTrace | null;
  shownOrigin: 'ours' | 'foreign' | null;
  refreshDirty: boolean;
  pendingForeign: string | null;
  recent: LatencyPoint[];
  switches: HoleSwitchMark[];
  comparison: Comparison | null;
  error: string | null;
}

export type DemoFlowEvent =
  | { type: 'SEND'; kind: RequestKind; count: number }
  | ({ type: 'TRACE_ARRIVED' } & TraceArrival)
  | { type: 'STREAM_OPEN' }
  | { type: 'STREAM_ERROR'; reason: string }
  | { type: 'MESH_TROUBLE' }
  | { type: 'MESH_RECOVERED' }
  | { type: 'HOLE_SWITCHED'; holeId: string; title: string; plugged: boolean; at: number }
  | { type: 'DISMISS_COMPARISON' };

/** What the slide keeps when the presenter steps away and comes back: the story so far, not the wiring. */
export type DemoFlowMemory = Pick<DemoFlowContext, 'trace' | 'shownOrigin' | 'recent' | 'switches' | 'ours' | 'lastResults'>;

export function memoryOf(c: DemoFlowContext): DemoFlowMemory {
  return { trace: c.trace, shownOrigin: c.shownOrigin, recent: c.recent, switches: c.switches, ours: c.ours, lastResults: c.lastResults };
}

export interface DemoFlowInput {
  timing?: Partial<DemoTiming>;
  now?: () => number;
  followForeign?: boolean;
  resume?: DemoFlowMemory;
}

const OURS_KEPT = 500;
const SEEN_KEPT = 1000;
const RECENT_KEPT = 120;

function keepLast<T>(list: T[], max: number): T[] {
  return list.length > max ? list.slice(list.length - max) : list;
}

function withSeen(seen: string[], id: string): string[] {
  return keepLast([...seen.filter((s) => s !== id), id], SEEN_KEPT);
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Puts a freshly fetched trace into the comparison wherever it belongs. */
function compareWith(c: Comparison | null, trace: JaegerTrace): Comparison | null {
  if (!c) return c;
  if (c.after?.traceID === trace.traceID) return { ...c, after: trace };
  if (c.before?.traceID === trace.traceID) return { ...c, before: trace };
  if (!c.after && traceStartMs(trace) >= c.hole.at) return { ...c, after: trace };
  return c;
}

export function createDemoFlowMachine(source: TraceSource) {
  return setup({
    types: {} as { context: DemoFlowContext; events: DemoFlowEvent; input: DemoFlowInput },
    actors: {
      checkHealth: fromPromise<MeshHealth>(({ signal }) => source.health(signal)),
      sendRequests: fromPromise<DemoRequestResult[], { kind: RequestKind; count: number }>(({ input, signal }) =>
        source.sendRequests(input.kind, input.count, signal),
      ),
      fetchTrace: fromPromise<JaegerTrace | null, { traceID: string }>(({ input, signal }) => source.fetchTrace(input.traceID, signal)),
      liveStream: fromCallback<DemoFlowEvent>(({ sendBack }) =>
        source.openStream({
          onOpen: () => sendBack({ type: 'STREAM_OPEN' }),
          onTrace: (a) => sendBack({ type: 'TRACE_ARRIVED', ...a }),
          onError: (reason) => sendBack({ type: 'STREAM_ERROR', reason }),
        }),
      ),
    },
    delays: {
      requestTimeout: ({ context }) => context.timing.requestTimeoutMs,
      traceTimeout: ({ context }) => context.timing.traceTimeoutMs,
      healthPoll: ({ context }) => context.timing.healthPollMs,
      healthRecheck: ({ context }) => context.timing.healthRecheckMs,
      streamConnectTimeout: ({ context }) => context.timing.streamConnectTimeoutMs,
      streamBackoff: ({ context }) =>
        Math.min(context.timing.streamBackoffMs * 2 ** Math.max(0, context.streamAttempts - 1), context.timing.streamBackoffMaxMs),
      dwell: ({ context }) => context.timing.dwellMs,
    },
    guards: {
      isAwaited: ({ context, event }) => event.type === 'TRACE_ARRIVED' && event.traceID === context.awaited?.traceID,
      awaitedAlreadySeen: ({ context }) =>
        context.awaited !== null && !context.awaited.fetchedEmpty && context.seen.includes(context.awaited.traceID),
      isShown: ({ context, event }) => event.type === 'TRACE_ARRIVED' && event.traceID === context.trace?.traceID,
      isForeignToFollow: ({ context, event }) =>
        context.followForeign &&
        event.type === 'TRACE_ARRIVED' &&
        event.traceID !== context.trace?.traceID &&
        !context.ours.includes(event.traceID),
      hasPendingForeign: ({ context }) => context.pendingForeign !== null,
      hasTrace: ({ context }) => context.trace !== null,
      refreshDirty: ({ context }) => context.refreshDirty,
    },
    actions: {
      noteSeen: assign({
        seen: ({ context, event }) => (event.type === 'TRACE_ARRIVED' ? withSeen(context.seen, event.traceID) : context.seen),
      }),
      notePendingForeign: assign({
        pendingForeign: ({ context, event }) => (event.type === 'TRACE_ARRIVED' ? event.traceID : context.pendingForeign),
      }),
      startRequest: assign({
        pending: ({ context, event }) => (event.type === 'SEND' ? { kind: event.kind, count: event.count } : context.pending),
        error: null,
        awaited: null,
        pendingForeign: null,
        refreshDirty: false,
      }),
      noteStreamOpen: assign({ streamAttempts: 0, streamProblem: null }),
      noteSwitch: assign(({ context, event }) => {
        if (event.type !== 'HOLE_SWITCHED') return {};
        const hole: HoleSwitchMark = { holeId: event.holeId, title: event.title, plugged: event.plugged, at: event.at };
        return { switches: keepLast([...context.switches, hole], 50), comparison: { hole, before: context.trace, after: null } };
      }),
    },
  }).createMachine({
    id: 'demoFlow',
    type: 'parallel',
    context: ({ input }) => ({
      timing: { ...defaultTiming, ...input.timing },
      now: input.now ?? Date.now,
      followForeign: input.followForeign ?? true,
      mesh: null,
      streamAttempts: 0,
      streamProblem: null,
      pending: null,
      lastResults: [],
      ours: [],
      seen: [],
      awaited: null,
      trace: null,
      shownOrigin: null,
      refreshDirty: false,
      pendingForeign: null,
      recent: [],
      switches: [],
      comparison: null,
      error: null,
      ...input.resume,
    }),
    states: {
      health: {
        initial: 'checking',
        states: {
          checking: {
            invoke: {
              src: 'checkHealth',
              onDone: [
                {
                  guard: ({ event }) => event.output.state === 'up',
                  target: 'up',
                  actions: enqueueActions(({ context, event, enqueue }) => {
                    const wasDown = context.mesh !== null && context.mesh.state !== 'up';
                    enqueue.assign({ mesh: event.output });
                    if (wasDown) enqueue.raise({ type: 'MESH_RECOVERED' });
                  }),
                },
                { guard: ({ event }) => event.output.state === 'offline', target: 'offline', actions: assign({ mesh: ({ event }) => event.output }) },
                { target: 'down', actions: assign({ mesh: ({ event }) => event.output }) },
              ],
              onError: {
                target: 'down',
                actions: assign({ mesh: ({ event }) => ({ state: 'down', reason: messageOf(event.error), services: [] }) as MeshHealth }),
              },
            },
          },
          up: { after: { healthRecheck: 'checking' }, on: { MESH_TROUBLE: 'checking' } },
          down: { after: { healthPoll: 'checking' } },
          // No mesh behind this server (MESH=off): nothing will come back by itself.
          offline: {},
        },
      },

      stream: {
        initial: 'live',
        states: {
          live: {
            invoke: { src: 'liveStream' },
            initial: 'connecting',
            on: {
              STREAM_ERROR: {
                target: 'retrying',
                actions: assign({
                  streamAttempts: ({ context }) => context.streamAttempts + 1,
                  streamProblem: ({ event }) => event.reason,
                }),
              },
            },
            states: {
              connecting: {
                on: { STREAM_OPEN: { target: 'open', actions: 'noteStreamOpen' } },
                after: {
                  streamConnectTimeout: {
                    target: '#demoFlow.stream.retrying',
                    actions: assign({
                      streamAttempts: ({ context }) => context.streamAttempts + 1,
                      streamProblem: 'The live trace stream did not open.',
                    }),
                  },
                },
              },
              open: {},
            },
          },
          retrying: { after: { streamBackoff: 'live' } },
        },
      },

      request: {
        initial: 'resuming',
        on: {
          TRACE_ARRIVED: { actions: 'noteSeen' },
          HOLE_SWITCHED: { actions: 'noteSwitch' },
          DISMISS_COMPARISON: { actions: assign({ comparison: null }) },
        },
        states: {
          resuming: { always: [{ guard: 'hasTrace', target: 'showing' }, { target: 'idle' }] },
          idle: {
            on: {
              SEND: { target: 'requesting', actions: 'startRequest' },
              TRACE_ARRIVED: { guard: 'isForeignToFollow', target: 'following', actions: ['noteSeen', 'notePendingForeign'] },
            },
          },

          requesting: {
            on: {
              TRACE_ARRIVED: {
                actions: ['noteSeen', ({ event }) => source.prefetchTrace?.(event.traceID)],
              },
            },
            invoke: {
              src: 'sendRequests',
              input: ({ context }) => context.pending ?? { kind: 'normal', count: 1 },
              onDone: [
                {
                  guard: ({ event }) => event.output.some((r) => r.traceID),
                  target: 'awaitingTrace',
                  actions: assign(({ context, event }) => {
                    // A request the mesh could not even start has no trace to wait for.
                    const results = event.output.filter((r) => r.traceID);
                    // The slowest of a burst is the one worth looking at.
                    const focus = results.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
                    const at = context.now();
                    const points = results.map(
                      (r): LatencyPoint => ({ traceID: r.traceID, durationMs: r.durationMs, at, origin: 'ours', kind: context.pending?.kind }),
                    );
                    return {
                      lastResults: results,
                      ours: keepLast([...context.ours, ...results.map((r) => r.traceID)], OURS_KEPT),
                      awaited: { traceID: focus.traceID, fetchedEmpty: false },
                      recent: keepLast([...context.recent, ...points], RECENT_KEPT),
                    };
                  }),
                },
                {
                  target: 'failed',
                  actions: enqueueActions(({ event, enqueue }) => {
                    const first = event.output[0];
                    enqueue.assign({
                      error: first
                        ? `The mesh could not serve the request (status ${first.status}), so there is no trace.`
                        : 'The mesh answered with no requests.',
                    });
                    // No trace at all usually means the entry service is gone: look at the mesh now.
                    if (first && first.status >= 500) enqueue.raise({ type: 'MESH_TROUBLE' });
                  }),
                },
              ],
              onError: {
                target: 'failed',
                actions: enqueueActions(({ event, enqueue }) => {
                  enqueue.assign({ error: messageOf(event.error) });
                  if (event.error instanceof SourceError && event.error.meshTrouble) enqueue.raise({ type: 'MESH_TROUBLE' });
                }),
              },
            },
            after: {
              requestTimeout: {
                target: 'failed',
                actions: assign({
                  error: ({ context }) => `The mesh did not answer within ${Math.round(context.timing.requestTimeoutMs / 1000)} s.`,
                }),
              },
            },
          },

          awaitingTrace: {
            initial: 'waiting',
            after: {
              traceTimeout: {
                target: 'failed',
                actions: assign({
                  error: ({ context }) =>
                    `The request finished but its trace did not arrive within ${Math.round(context.timing.traceTimeoutMs / 1000)} s.`,
                }),
              },
            },
            states: {
              waiting: {
                always: { guard: 'awaitedAlreadySeen', target: 'fetching' },
                on: {
                  TRACE_ARRIVED: { guard: 'isAwaited', target: 'fetching', actions: 'noteSeen' },
                  // Arrivals during a reconnect are lost: look once instead.
                  STREAM_OPEN: 'fetching',
                },
              },
              fetching: {
                invoke: {
                  src: 'fetchTrace',
                  input: ({ context }) => ({ traceID: context.awaited?.traceID ?? '' }),
                  onDone: [
                    {
                      guard: ({ event }) => event.output !== null,
                      target: '#demoFlow.request.showing',
                      actions: assign(({ context, event }) => ({
                        trace: event.output,
                        shownOrigin: 'ours' as const,
                        comparison: compareWith(context.comparison, event.output!),
                      })),
                    },
                    {
                      target: 'waiting',
                      actions: assign({ awaited: ({ context }) => (context.awaited ? { ...context.awaited, fetchedEmpty: true } : null) }),
                    },
                  ],
                  onError: { target: '#demoFlow.request.failed', actions: assign({ error: ({ event }) => messageOf(event.error) }) },
                },
                on: {
                  // Spans that land while the first fetch is under way get picked up by a refresh.
                  TRACE_ARRIVED: { guard: 'isAwaited', actions: ['noteSeen', assign({ refreshDirty: true })] },
                },
              },
            },
          },

          showing: {
            type: 'parallel',
            on: { SEND: { target: 'requesting', actions: 'startRequest' } },
            states: {
              refresh: {
                initial: 'check',
                states: {
                  check: { always: [{ guard: 'refreshDirty', target: 'loading' }, { target: 'idle' }] },
                  idle: {
                    on: { TRACE_ARRIVED: { guard: 'isShown', target: 'loading', actions: 'noteSeen' } },
                  },
                  loading: {
                    entry: assign({ refreshDirty: false }),
                    invoke: {
                      src: 'fetchTrace',
                      input: ({ context }) => ({ traceID: context.trace?.traceID ?? '' }),
                      onDone: {
                        target: 'check',
                        actions: assign(({ context, event }) =>
                          event.output && event.output.traceID === context.trace?.traceID
                            ? { trace: event.output, comparison: compareWith(context.comparison, event.output) }
                            : {},
                        ),
                      },
                      onError: 'idle',
                    },
                    on: { TRACE_ARRIVED: { guard: 'isShown', actions: ['noteSeen', assign({ refreshDirty: true })] } },
                  },
                },
              },
              follow: {
                initial: 'dwelling',
                states: {
                  dwelling: {
                    after: { dwell: 'ready' },
                    on: { TRACE_ARRIVED: { guard: 'isForeignToFollow', actions: ['noteSeen', 'notePendingForeign'] } },
                  },
                  ready: {
                    always: { guard: 'hasPendingForeign', target: '#demoFlow.request.following' },
                    on: {
                      TRACE_ARRIVED: { guard: 'isForeignToFollow', target: '#demoFlow.request.following', actions: ['noteSeen', 'notePendingForeign'] },
                    },
                  },
                },
              },
            },
          },

          following: {
            entry: assign({ refreshDirty: false }),
            on: {
              SEND: { target: 'requesting', actions: 'startRequest' },
              TRACE_ARRIVED: [
                // More spans of the trace being fetched: fetch it again once it is shown.
                { guard: ({ context, event }) => event.traceID === context.pendingForeign, actions: ['noteSeen', assign({ refreshDirty: true })] },
                { guard: 'isForeignToFollow', actions: ['noteSeen', 'notePendingForeign'] },
              ],
            },
            invoke: {
              src: 'fetchTrace',
              input: ({ context }) => ({ traceID: context.pendingForeign ?? '' }),
              onDone: [
                {
                  guard: ({ event }) => event.output !== null,
                  target: 'showing',
                  actions: assign(({ context, event }) => {
                    const trace = event.output!;
                    const point: LatencyPoint = { traceID: trace.traceID, durationMs: traceDurationMs(trace), at: context.now(), origin: 'foreign' };
                    return {
                      trace,
                      shownOrigin: 'foreign' as const,
                      pendingForeign: context.pendingForeign === trace.traceID ? null : context.pendingForeign,
                      recent: keepLast([...context.recent, point], RECENT_KEPT),
                      comparison: compareWith(context.comparison, trace),
                    };
                  }),
                },
                { guard: 'hasTrace', target: 'showing', actions: assign({ pendingForeign: null }) },
                { target: 'idle', actions: assign({ pendingForeign: null }) },
              ],
              onError: [
                { guard: 'hasTrace', target: 'showing', actions: assign({ pendingForeign: null }) },
                { target: 'idle', actions: assign({ pendingForeign: null }) },
              ],
            },
          },

          failed: {
            on: {
              SEND: { target: 'requesting', actions: 'startRequest' },
              MESH_RECOVERED: [{ guard: 'hasTrace', target: 'showing', actions: assign({ error: null }) }, { target: 'idle', actions: assign({ error: null }) }],
              TRACE_ARRIVED: { guard: 'isForeignToFollow', target: 'following', actions: ['noteSeen', 'notePendingForeign', assign({ error: null })] },
            },
          },
        },
      },
    },
  });
}

export type DemoFlowMachine = ReturnType<typeof createDemoFlowMachine>;
export type DemoFlowActor = ActorRefFrom<DemoFlowMachine>;
export type DemoFlowSnapshot = SnapshotFrom<DemoFlowMachine>;
