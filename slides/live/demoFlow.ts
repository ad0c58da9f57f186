// The Demo slide's flow: a parent machine that owns what the stage shows and spawns child machines for the mesh, the stream, requests, the crowd and proofs.
// Over 300 lines on purpose: it is one machine definition, and its regions read best side by side; the children, the shared rules (flowContext.ts) and the words (flowStatus.ts) live apart.
import { assign, enqueueActions, fromPromise, sendTo, setup, type ActorRefFrom, type SnapshotFrom } from 'xstate';
import type { FindingsAggregateResponse } from '../../model/index.ts';
import { holeCatalog } from '../../model/index.ts';
import type { JaegerTrace } from '../../model/index.ts';
import { crowdLaneMachine } from './crowdLane.ts';
import {
  CROWD_KEPT,
  defaultTiming,
  emptyStage,
  keepLast,
  messageOf,
  OURS_KEPT,
  pluggedSignature,
  reusableBefore,
  SAMPLES_KEPT,
  upsertPoint,
  type DemoTiming,
  type Stage,
} from './flowContext.ts';
import type { ChildEvent, CrowdItem, HoleSwitchMark, LatencyPoint, ProofProgress, Sample } from './flowEvents.ts';
import { liveStreamMachine } from './liveStream.ts';
import { meshWatchMachine } from './meshWatch.ts';
import { plugProofMachine } from './plugProof.ts';
import type { RequestPattern } from './holePattern.ts';
import { presenterRequestMachine } from './presenterRequest.ts';
import type { ProofResult } from './proofVerdict.ts';
import type { RoomHoldClient } from './roomHold.ts';
import { failureOrigin, requestFailed, traceAttendee, traceDurationMs, traceStartMs } from '../../model/index.ts';
import type { HoleState, MeshHealth, RequestKind, TraceSource } from './traceSource.ts';

export { defaultTiming, reusableBefore } from './flowContext.ts';

export interface DemoFlowContext {
  source: TraceSource;
  timing: DemoTiming;
  now: () => number;
  /** Attendees' traces come into the main view while nothing is pinned; off for one-shot parts, which then fetch neither the crowd's traces nor the findings. */
  followCrowd: boolean;
  mesh: MeshHealth | null;
  stream: 'connecting' | 'open' | 'retrying';
  streamProblem: string | null;
  stage: Stage;
  /** An attendee trace waiting for the dwell of the one shown to end. */
  waitingCrowd: JaegerTrace | null;
  pending: { kind: RequestKind; count: number; pattern?: RequestPattern | undefined } | null;
  ours: string[];
  samples: Sample[];
  points: LatencyPoint[];
  switches: HoleSwitchMark[];
  holes: HoleState[];
  holeProblem: string | null;
  proving: ProofProgress | null;
  comparison: ProofResult | null;
  crowd: CrowdItem[];
  findings: FindingsAggregateResponse | null;
  error: string | null;
  /** The shown trace grew while it was being fetched: fetch it once more. */
  refreshAgain: boolean;
}

export type DemoFlowEvent =
  | ChildEvent
  | { type: 'ENTER' }
  | { type: 'LEAVE' }
  | { type: 'SEND'; kind: RequestKind; count: number; pattern?: RequestPattern }
  | { type: 'SWITCH'; holeId: string }
  | { type: 'OPEN_TRACE'; traceID: string }
  | { type: 'PIN' }
  | { type: 'UNPIN' }
  | { type: 'DISMISS_COMPARISON' };

export interface DemoFlowInput {
  timing?: Partial<DemoTiming>;
  now?: () => number;
  followCrowd?: boolean;
}

const knownCrowd = (context: DemoFlowContext, traceID: string) => context.crowd.some((c) => c.traceID === traceID);
/** A trace the crowd lane has not had, whose request started no earlier than the one on the stage. */
const isNewerCrowd = (context: DemoFlowContext, trace: JaegerTrace) =>
  !knownCrowd(context, trace.traceID) && (!context.stage.trace || traceStartMs(trace) >= traceStartMs(context.stage.trace));
/** Attendees' traces may come into the main view: the part follows the crowd and nothing is pinned. */
const followingCrowd = (context: DemoFlowContext) => context.followCrowd && !context.stage.pinned;

/** `room`: the presenter's measuring hold, so the crowd does not queue in front of a proof's requests (none without the token). */
export function createDemoFlowMachine(source: TraceSource, room: RoomHoldClient | null = null) {
  return setup({
    types: {} as { context: DemoFlowContext; events: DemoFlowEvent; input: DemoFlowInput },
    actors: {
      meshWatch: meshWatchMachine,
      liveStream: liveStreamMachine,
      crowdLane: crowdLaneMachine,
      presenterRequest: presenterRequestMachine,
      plugProof: plugProofMachine,
      loadHoles: fromPromise<HoleState[]>(({ signal }) => source.holes(signal)),
      setHole: fromPromise<HoleState, { id: string; plugged: boolean }>(({ input: i }) => source.setHole(i.id, i.plugged)),
      fetchTrace: fromPromise<JaegerTrace | null, { traceID: string }>(({ input: i, signal }) => source.fetchTrace(i.traceID, signal)),
      loadFindings: fromPromise<FindingsAggregateResponse | null, number>(({ input: lookback, signal }) =>
        source.findings(lookback, signal),
      ),
    },
    delays: {
      dwell: ({ context }) => context.timing.dwellMs,
      findingsEvery: ({ context }) => context.timing.findingsEveryMs,
    },
    guards: {
      isShown: ({ context, event }) => event.type === 'TRACE_ARRIVED' && event.traceID === context.stage.trace?.traceID,
      // Only a trace the lane has not had yet takes the main view: an older one growing late (a hung call's spans) does not.
      followsNewCrowd: ({ context, event }) =>
        followingCrowd(context) && event.type === 'CROWD_TRACE' && isNewerCrowd(context, event.trace),
      // The next in line is the latest-started request: one that started earlier but arrived later (a hung call's
      // spans flushed after it failed) does not push it out.
      isNewOrWaitingCrowd: ({ context, event }) => {
        if (event.type !== 'CROWD_TRACE') return false;
        const waiting = context.waitingCrowd;
        if (event.trace.traceID === waiting?.traceID) return true;
        return isNewerCrowd(context, event.trace) && (!waiting || traceStartMs(event.trace) >= traceStartMs(waiting));
      },
      hasWaitingCrowd: ({ context }) => followingCrowd(context) && context.waitingCrowd !== null,
      plugging: ({ context, event }) =>
        event.type === 'SWITCH' &&
        context.holes.some((h) => h.id === event.holeId && !h.plugged) &&
        holeCatalog.some((h) => h.id === event.holeId),
    },
    actions: {
      forwardToCrowd: sendTo('crowd', ({ event }) =>
        event.type === 'TRACE_ARRIVED' ? { type: 'ARRIVAL', traceID: event.traceID } : { type: 'NONE' },
      ),
      noteOurs: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'OURS') return;
        const at = context.now();
        const holes = pluggedSignature(context.holes);
        const lastSwitch = context.switches[context.switches.length - 1]?.at ?? -Infinity;
        const since = context.samples.filter((s) => s.at > lastSwitch).length;
        const samples = event.results.map(
          (r, i): Sample => ({
            traceID: r.traceID,
            kind: event.kind,
            burst: event.burst,
            holes,
            sinceSwitch: since + (event.burst > 1 ? 0 : i),
            at,
          }),
        );
        let points = context.points;
        for (const r of event.results)
          points = upsertPoint(points, { traceID: r.traceID, durationMs: r.durationMs, at, origin: 'ours', failed: r.status >= 400 });
        enqueue.assign({
          ours: keepLast([...context.ours, ...event.results.map((r) => r.traceID)], OURS_KEPT),
          samples: keepLast([...context.samples, ...samples], SAMPLES_KEPT),
          points,
          crowd: context.crowd.filter((c) => !event.results.some((r) => r.traceID === c.traceID)),
        });
        enqueue.sendTo('crowd', { type: 'OURS', ids: event.results.map((r) => r.traceID) });
      }),
      noteCrowd: assign(({ context, event }) => {
        if (event.type !== 'CROWD_TRACE' || context.ours.includes(event.trace.traceID)) return {};
        const t = event.trace;
        const durationMs = traceDurationMs(t);
        const failed = requestFailed(t);
        const known = context.crowd.find((c) => c.traceID === t.traceID);
        const item: CrowdItem = { traceID: t.traceID, who: traceAttendee(t), durationMs, at: known?.at ?? context.now(), failed };
        const crowd = known
          ? context.crowd.map((c) => (c.traceID === t.traceID ? item : c))
          : keepLast([...context.crowd, item], CROWD_KEPT);
        return { crowd, points: upsertPoint(context.points, { traceID: t.traceID, durationMs, at: item.at, origin: 'crowd', failed }) };
      }),
      showCrowd: assign(({ context, event }) => {
        const trace = event.type === 'CROWD_TRACE' ? event.trace : context.waitingCrowd;
        if (!trace || context.ours.includes(trace.traceID)) return {};
        return {
          stage: {
            ...emptyStage,
            trace,
            origin: 'crowd' as const,
            failureSpan: requestFailed(trace) ? (failureOrigin(trace) ?? null) : null,
          },
          waitingCrowd: null,
        };
      }),
      keepCrowdWaiting: assign({
        waitingCrowd: ({ context, event }) =>
          event.type === 'CROWD_TRACE' && !context.ours.includes(event.trace.traceID) ? event.trace : context.waitingCrowd,
      }),
      noteSwitch: assign(({ context, event }) => {
        if (event.type !== 'HOLE_CONFIRMED') return {};
        return {
          holes: context.holes.map((h) => (h.id === event.hole.id ? { ...h, plugged: event.hole.plugged } : h)),
          switches: keepLast([...context.switches, { holeId: event.hole.id, plugged: event.hole.plugged, at: event.at }], 50),
        };
      }),
    },
  }).createMachine({
    id: 'demoFlow',
    context: ({ input: i }) => ({
      source,
      timing: { ...defaultTiming, ...i.timing },
      now: i.now ?? Date.now,
      followCrowd: i.followCrowd ?? true,
      mesh: null,
      stream: 'connecting',
      streamProblem: null,
      stage: emptyStage,
      waitingCrowd: null,
      pending: null,
      ours: [],
      samples: [],
      points: [],
      switches: [],
      holes: [],
      holeProblem: null,
      proving: null,
      comparison: null,
      crowd: [],
      findings: null,
      error: null,
      refreshAgain: false,
    }),
    initial: 'offstage',
    states: {
      // Not on screen: no stream, no timers; the context keeps the story so far for the way back.
      offstage: { on: { ENTER: 'onstage' } },
      onstage: {
        type: 'parallel',
        on: {
          LEAVE: 'offstage',
          MESH: { actions: assign({ mesh: ({ event }) => event.mesh }) },
          MESH_TROUBLE: { actions: sendTo('mesh', { type: 'RECHECK' }) },
          STREAM_STATE: { actions: assign({ stream: ({ event }) => event.state, streamProblem: ({ event }) => event.problem }) },
          OURS: { actions: 'noteOurs' },
          HOLE_CONFIRMED: { actions: 'noteSwitch' },
          PIN: {
            guard: ({ context }) => context.stage.trace !== null,
            actions: assign({ stage: ({ context }) => ({ ...context.stage, pinned: true }) }),
          },
          UNPIN: { actions: assign({ stage: ({ context }) => ({ ...context.stage, pinned: false }), comparison: null }) },
          DISMISS_COMPARISON: { actions: assign({ comparison: null }) },
        },
        invoke: [
          { id: 'mesh', src: 'meshWatch', input: ({ context }) => ({ source: context.source, pollMs: context.timing.healthPollMs }) },
          {
            id: 'stream',
            src: 'liveStream',
            input: ({ context }) => ({
              source: context.source,
              backoffMs: context.timing.streamBackoffMs,
              backoffMaxMs: context.timing.streamBackoffMaxMs,
              connectTimeoutMs: context.timing.streamConnectTimeoutMs,
            }),
          },
          { id: 'crowd', src: 'crowdLane', input: ({ context }) => ({ source: context.source, settleMs: context.timing.crowdSettleMs }) },
        ],
        states: {
          presenter: {
            initial: 'idle',
            states: {
              idle: {
                on: {
                  // The stage waits for our request (held: no crowd trace takes it meanwhile, only to be replaced).
                  SEND: {
                    target: 'requesting',
                    actions: assign({
                      pending: ({ event }) => ({ kind: event.kind, count: event.count, pattern: event.pattern }),
                      error: null,
                      comparison: null,
                      stage: { ...emptyStage, pinned: true },
                      waitingCrowd: null,
                    }),
                  },
                  SWITCH: [
                    { guard: 'plugging', target: 'proving', actions: assign({ error: null, holeProblem: null }) },
                    { target: 'switching', actions: assign({ error: null, holeProblem: null }) },
                  ],
                  OPEN_TRACE: { target: 'opening' },
                },
              },
              requesting: {
                on: {
                  TRACE_ARRIVED: { actions: sendTo('request', ({ event }) => event) },
                  STREAM_OPEN: { actions: sendTo('request', { type: 'STREAM_OPEN' }) },
                },
                invoke: {
                  id: 'request',
                  src: 'presenterRequest',
                  input: ({ context }) => ({
                    source: context.source,
                    kind: context.pending?.kind ?? 'normal',
                    count: context.pending?.count ?? 1,
                    pattern: context.pending?.pattern,
                    requestTimeoutMs: context.timing.requestTimeoutMs,
                    traceTimeoutMs: context.timing.traceTimeoutMs,
                    room,
                  }),
                  onDone: {
                    target: 'idle',
                    actions: enqueueActions(({ context, event, enqueue }) => {
                      const out = event.output;
                      if (!out.trace) {
                        enqueue.assign({ error: out.failure ?? 'Something went wrong.', stage: emptyStage });
                        return;
                      }
                      const t = out.trace;
                      enqueue.assign({
                        stage: {
                          trace: t,
                          origin: 'ours',
                          pinned: true,
                          failure: out.failure,
                          failureSpan: out.failure ? (failureOrigin(t) ?? null) : null,
                          of: out.results.length,
                        },
                        points: upsertPoint(context.points, {
                          traceID: t.traceID,
                          durationMs: traceDurationMs(t),
                          at: context.now(),
                          origin: 'ours',
                          failed: Boolean(out.failure),
                        }),
                        waitingCrowd: null,
                      });
                      if (out.stale) enqueue.raise({ type: 'TRACE_ARRIVED', traceID: t.traceID });
                    }),
                  },
                },
              },
              proving: {
                entry: assign(({ event }) => ({
                  proving: { holeId: event.type === 'SWITCH' ? event.holeId : '', text: 'Preparing the proof…' },
                  comparison: null,
                })),
                // A proof stopped midway (the slide left) lets the room go at once; after a whole proof this is a no-op.
                exit: [assign({ proving: null }), () => void room?.end().catch(() => undefined)],
                on: {
                  PROOF_PROGRESS: {
                    actions: assign({
                      proving: ({ context, event }) => (context.proving ? { ...context.proving, text: event.text } : null),
                    }),
                  },
                },
                invoke: {
                  id: 'proof',
                  src: 'plugProof',
                  input: ({ context, event }) => {
                    const id = event.type === 'SWITCH' ? event.holeId : '';
                    const spec = holeCatalog.find((h) => h.id === id)!;
                    return {
                      source: context.source,
                      spec,
                      reuse: reusableBefore(spec, context.samples, pluggedSignature(context.holes), context.now()),
                      traceTimeoutMs: context.timing.traceTimeoutMs,
                      room,
                    };
                  },
                  onDone: {
                    target: 'idle',
                    actions: assign(({ context, event }) =>
                      event.output.result
                        ? {
                            comparison: event.output.result,
                            stage: { ...emptyStage, trace: event.output.result.after.typical, origin: 'ours' as const, pinned: true },
                            // Every sampled request's whole trace gives its final duration on the chart.
                            points: [...event.output.result.before.traces, ...event.output.result.after.traces].reduce(
                              (pts, t) =>
                                upsertPoint(pts, {
                                  traceID: t.traceID,
                                  durationMs: traceDurationMs(t),
                                  at: context.now(),
                                  origin: 'ours',
                                  failed: false,
                                }),
                              context.points,
                            ),
                          }
                        : { holeProblem: event.output.error },
                    ),
                  },
                },
              },
              switching: {
                invoke: {
                  src: 'setHole',
                  input: ({ context, event }) => {
                    const id = event.type === 'SWITCH' ? event.holeId : '';
                    return { id, plugged: !context.holes.find((h) => h.id === id)?.plugged };
                  },
                  onDone: {
                    target: 'idle',
                    actions: enqueueActions(({ event, enqueue }) =>
                      enqueue.raise({ type: 'HOLE_CONFIRMED', hole: event.output, at: Date.now() }),
                    ),
                  },
                  onError: { target: 'idle', actions: assign({ holeProblem: ({ event }) => messageOf(event.error) }) },
                },
              },
              opening: {
                invoke: {
                  src: 'fetchTrace',
                  input: ({ event }) => ({ traceID: event.type === 'OPEN_TRACE' ? event.traceID : '' }),
                  onDone: {
                    target: 'idle',
                    actions: assign(({ event }) =>
                      event.output
                        ? {
                            stage: {
                              ...emptyStage,
                              trace: event.output,
                              origin: 'opened' as const,
                              pinned: true,
                              failureSpan: requestFailed(event.output) ? (failureOrigin(event.output) ?? null) : null,
                            },
                            comparison: null,
                            error: null,
                          }
                        : { error: 'That trace is no longer in the store.' },
                    ),
                  },
                  onError: { target: 'idle', actions: assign({ error: ({ event }) => messageOf(event.error) }) },
                },
              },
            },
          },

          holes: {
            initial: 'waiting',
            states: {
              // A server without a mesh (MESH=off) has no holes to list: ask only once the mesh is known.
              waiting: {
                on: {
                  MESH: {
                    guard: ({ event }) => event.mesh.state !== 'offline',
                    target: 'loading',
                    // The region's own transition takes the event from onstage's handler: keep the mesh here too.
                    actions: assign({ mesh: ({ event }) => event.mesh }),
                  },
                },
              },
              loading: {
                invoke: {
                  src: 'loadHoles',
                  onDone: { target: 'loaded', actions: assign({ holes: ({ event }) => event.output }) },
                  onError: { target: 'loaded', actions: assign({ holeProblem: ({ event }) => messageOf(event.error) }) },
                },
              },
              loaded: {},
            },
          },

          // The shown trace grows while its services flush: fetch it again when the stream says so.
          refresh: {
            initial: 'idle',
            states: {
              idle: { on: { TRACE_ARRIVED: { guard: 'isShown', target: 'loading' } } },
              loading: {
                // More spans while a fetch is under way: fetch once more after it, never cancel it
                // (with services flushing every 50 ms, restarting would starve the fetch).
                entry: assign({ refreshAgain: false }),
                on: { TRACE_ARRIVED: { guard: 'isShown', actions: assign({ refreshAgain: true }) } },
                invoke: {
                  src: 'fetchTrace',
                  input: ({ context }) => ({ traceID: context.stage.trace?.traceID ?? '' }),
                  onDone: {
                    target: 'check',
                    actions: assign(({ context, event }) => {
                      const t = event.output;
                      if (!t || t.traceID !== context.stage.trace?.traceID) return {};
                      const failed = Boolean(context.stage.failure);
                      return {
                        stage: {
                          ...context.stage,
                          trace: t,
                          failureSpan: context.stage.failureSpan ?? (failed ? (failureOrigin(t) ?? null) : null),
                        },
                        points: context.points.some((p) => p.traceID === t.traceID)
                          ? upsertPoint(context.points, {
                              traceID: t.traceID,
                              durationMs: traceDurationMs(t),
                              at: 0,
                              origin: 'ours',
                              failed,
                            })
                          : context.points,
                      };
                    }),
                  },
                  onError: 'idle',
                },
              },
              check: { always: [{ guard: ({ context }) => context.refreshAgain, target: 'loading' }, { target: 'idle' }] },
            },
          },

          // Attendees' traces: into the crowd lane always, into the main view only while nothing is pinned, one per dwell.
          crowd: {
            initial: 'ready',
            on: {
              TRACE_ARRIVED: { guard: ({ context }) => context.followCrowd, actions: 'forwardToCrowd' },
            },
            states: {
              ready: {
                always: { guard: 'hasWaitingCrowd', target: 'dwelling', actions: 'showCrowd' },
                on: {
                  CROWD_TRACE: [
                    { guard: 'followsNewCrowd', target: 'dwelling', actions: ['noteCrowd', 'showCrowd'] },
                    { actions: 'noteCrowd' },
                  ],
                },
              },
              dwelling: {
                after: { dwell: 'ready' },
                on: {
                  CROWD_TRACE: [{ guard: 'isNewOrWaitingCrowd', actions: ['noteCrowd', 'keepCrowdWaiting'] }, { actions: 'noteCrowd' }],
                },
              },
            },
          },

          findings: {
            initial: 'start',
            states: {
              // A one-shot part shows no crowd lane: nothing to refresh.
              start: { always: [{ guard: ({ context }) => !context.followCrowd, target: 'unused' }, { target: 'loading' }] },
              loading: {
                invoke: {
                  src: 'loadFindings',
                  input: ({ context }) => context.timing.findingsLookbackMs,
                  onDone: [
                    // A server without a hole finder answers 404 (null): stop asking.
                    { guard: ({ event }) => event.output === null, target: 'unavailable' },
                    { target: 'waiting', actions: assign({ findings: ({ event }) => event.output }) },
                  ],
                  onError: 'waiting',
                },
              },
              waiting: { after: { findingsEvery: 'loading' } },
              unavailable: {},
              unused: {},
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
