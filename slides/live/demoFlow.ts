// The Demo slide's flow: a parent machine that owns what the stage shows and the presenter's actions, with a child machine each for the mesh,
// the stream, the crowd lane and its dwell, the stage's refresh, the holes, the findings, requests and proofs, which own their state and report by events.
// Over 300 lines: it is one machine definition (the presenter's states beside the stage they change); the rules (flowContext.ts, stageRules.ts) and words (flowStatus.ts) live apart.
import { assign, enqueueActions, fromPromise, sendTo, setup, type ActorRefFrom, type SnapshotFrom } from 'xstate';
import type { FindingsAggregateResponse } from '../../model/index.ts';
import { holeCatalog } from '../../model/index.ts';
import type { JaegerTrace } from '../../model/index.ts';
import { crowdDwellMachine } from './crowdDwell.ts';
import { crowdLaneMachine } from './crowdLane.ts';
import {
  defaultTiming,
  emptyStage,
  keepLast,
  messageOf,
  pluggedSignature,
  reusableBefore,
  type DemoTiming,
  type Stage,
} from './flowContext.ts';
import type { ChildEvent, CrowdItem, HoleSwitchMark, LatencyPoint, ProofProgress, Sample } from './flowEvents.ts';
import { findingsWatchMachine } from './findingsWatch.ts';
import { holeListMachine } from './holeList.ts';
import { liveStreamMachine } from './liveStream.ts';
import { meshWatchMachine } from './meshWatch.ts';
import { plugProofMachine } from './plugProof.ts';
import type { RequestPattern } from './holePattern.ts';
import { presenterRequestMachine } from './presenterRequest.ts';
import type { ProofResult } from './proofVerdict.ts';
import type { RoomHoldClient } from './roomHold.ts';
import { stageRefreshMachine } from './stageRefresh.ts';
import { crowdNoted, oursNoted, proofShown, requestAnswered, stageOf, stageRefreshed } from './stageRules.ts';
import { traceStartMs } from '../../model/index.ts';
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
      crowdDwell: crowdDwellMachine,
      stageRefresh: stageRefreshMachine,
      holeList: holeListMachine,
      findingsWatch: findingsWatchMachine,
      presenterRequest: presenterRequestMachine,
      plugProof: plugProofMachine,
      setHole: fromPromise<HoleState, { id: string; plugged: boolean }>(({ input: i }) => source.setHole(i.id, i.plugged)),
      fetchTrace: fromPromise<JaegerTrace | null, { traceID: string }>(({ input: i, signal }) => source.fetchTrace(i.traceID, signal)),
    },
    guards: {
      plugging: ({ context, event }) =>
        event.type === 'SWITCH' &&
        context.holes.some((h) => h.id === event.holeId && !h.plugged) &&
        holeCatalog.some((h) => h.id === event.holeId),
    },
    actions: {
      // The crowd lane fetches attendees' traces (not for a one-shot part); the stage's refresh fetches the shown one again.
      routeArrival: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'TRACE_ARRIVED') return;
        if (context.followCrowd) enqueue.sendTo('crowd', { type: 'ARRIVAL', traceID: event.traceID });
        if (event.traceID === context.stage.trace?.traceID) enqueue.sendTo('refresh', { type: 'GREW', traceID: event.traceID });
      }),
      // The dwell child decides when the crowd may take the main view: it hears each time that may have changed.
      tellFollowing: sendTo('dwell', ({ context }) => ({ type: 'FOLLOW', following: followingCrowd(context) })),
      noteOurs: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'OURS') return;
        enqueue.assign(oursNoted(context, event.results, event.kind, event.burst));
        enqueue.sendTo('crowd', { type: 'OURS', ids: event.results.map((r) => r.traceID) });
      }),
      // Into the crowd lane always; offered to the dwell child for the main view (judged against the lane before this one joins it).
      noteCrowd: enqueueActions(({ context, event, enqueue }) => {
        if (event.type !== 'CROWD_TRACE') return;
        const t = event.trace;
        const ours = context.ours.includes(t.traceID);
        enqueue.sendTo('dwell', { type: 'OFFER', trace: t, newer: isNewerCrowd(context, t), ours, following: followingCrowd(context) });
        if (!ours) enqueue.assign(crowdNoted(context, t));
      }),
      showCrowd: assign(({ context, event }) =>
        event.type === 'SHOW_CROWD' && !context.ours.includes(event.trace.traceID) ? { stage: stageOf(event.trace, 'crowd') } : {},
      ),
      refreshStage: assign(({ context, event }) => (event.type === 'STAGE_FETCHED' ? stageRefreshed(context, event.trace) : {})),
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
    }),
    initial: 'offstage',
    states: {
      // Not on screen: no stream, no timers; the context keeps the story so far for the way back.
      offstage: { on: { ENTER: 'onstage' } },
      // The presenter's states; the children, started here and stopped on leaving, run beside them.
      onstage: {
        on: {
          LEAVE: 'offstage',
          MESH: { actions: [assign({ mesh: ({ event }) => event.mesh }), sendTo('holes', ({ event }) => event)] },
          MESH_TROUBLE: { actions: sendTo('mesh', { type: 'RECHECK' }) },
          STREAM_STATE: { actions: assign({ stream: ({ event }) => event.state, streamProblem: ({ event }) => event.problem }) },
          TRACE_ARRIVED: { actions: 'routeArrival' },
          OURS: { actions: 'noteOurs' },
          CROWD_TRACE: { actions: 'noteCrowd' },
          SHOW_CROWD: { actions: 'showCrowd' },
          STAGE_FETCHED: { actions: 'refreshStage' },
          HOLES: { actions: assign({ holes: ({ event }) => event.holes }) },
          HOLE_PROBLEM: { actions: assign({ holeProblem: ({ event }) => event.problem }) },
          HOLE_CONFIRMED: { actions: 'noteSwitch' },
          FINDINGS: { actions: assign({ findings: ({ event }) => event.findings }) },
          PIN: {
            guard: ({ context }) => context.stage.trace !== null,
            actions: [assign({ stage: ({ context }) => ({ ...context.stage, pinned: true }) }), 'tellFollowing'],
          },
          UNPIN: {
            actions: [assign({ stage: ({ context }) => ({ ...context.stage, pinned: false }), comparison: null }), 'tellFollowing'],
          },
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
          {
            id: 'dwell',
            src: 'crowdDwell',
            input: ({ context }) => ({ dwellMs: context.timing.dwellMs, following: followingCrowd(context) }),
          },
          { id: 'refresh', src: 'stageRefresh', input: ({ context }) => ({ source: context.source }) },
          { id: 'holes', src: 'holeList', input: ({ context }) => ({ source: context.source }) },
          {
            id: 'findings',
            src: 'findingsWatch',
            input: ({ context }) => ({
              source: context.source,
              everyMs: context.timing.findingsEveryMs,
              lookbackMs: context.timing.findingsLookbackMs,
              wanted: context.followCrowd,
            }),
          },
        ],
        initial: 'idle',
        states: {
          idle: {
            on: {
              // The stage waits for our request (held: no crowd trace takes it meanwhile, only to be replaced).
              SEND: {
                target: 'requesting',
                actions: [
                  assign({
                    pending: ({ event }) => ({ kind: event.kind, count: event.count, pattern: event.pattern }),
                    error: null,
                    comparison: null,
                    stage: { ...emptyStage, pinned: true },
                  }),
                  sendTo('dwell', { type: 'CLEAR' }),
                  'tellFollowing',
                ],
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
              // Its own handler hides onstage's: route the arrival on here too.
              TRACE_ARRIVED: { actions: [sendTo('request', ({ event }) => event), 'routeArrival'] },
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
                  enqueue.assign(requestAnswered(context, out));
                  if (out.trace) enqueue.sendTo('dwell', { type: 'CLEAR' });
                  enqueue('tellFollowing');
                  if (out.trace && out.stale) enqueue.raise({ type: 'TRACE_ARRIVED', traceID: out.trace.traceID });
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
                actions: [
                  assign(({ context, event }) =>
                    event.output.result ? proofShown(context, event.output.result) : { holeProblem: event.output.error },
                  ),
                  'tellFollowing',
                ],
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
                actions: [
                  assign(({ event }) =>
                    event.output
                      ? { stage: stageOf(event.output, 'opened'), comparison: null, error: null }
                      : { error: 'That trace is no longer in the store.' },
                  ),
                  'tellFollowing',
                ],
              },
              onError: { target: 'idle', actions: assign({ error: ({ event }) => messageOf(event.error) }) },
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
