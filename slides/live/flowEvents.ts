// The events the Demo flow's parent machine and its child machines send each other, and the facts they carry.
import type { FindingsAggregateResponse, JaegerTrace } from '../../model/index.ts';
import type { HoleState, RequestKind } from '../../model/index.ts';
import type { DemoRequestResult, MeshHealth } from './traceSource.ts';

/** One of our own requests, kept so that a later plug can reuse it as a "before" sample. */
export interface Sample {
  traceID: string;
  kind: RequestKind;
  /** How many were sent at once with it (1 = on its own). */
  burst: number;
  /** Which holes were plugged when it ran ("" = none), so only like-for-like samples are reused. */
  holes: string;
  /** Requests sent since the last switch before this one (0 = the first, possibly cold). */
  sinceSwitch: number;
  at: number;
}

/** One point of the latency chart: a request's final duration. */
export interface LatencyPoint {
  traceID: string;
  durationMs: number;
  /** ms since the epoch, when the request ended (as far as the slide knows). */
  at: number;
  origin: 'ours' | 'crowd';
  failed: boolean;
}

export interface HoleSwitchMark {
  holeId: string;
  plugged: boolean;
  at: number;
}

/** A request an attendee (or anyone but this slide) sent, once its trace is whole. */
export interface CrowdItem {
  traceID: string;
  who: string | null;
  durationMs: number;
  at: number;
  failed: boolean;
}

/** Progress of a plug's proof, in words for the status line. */
export interface ProofProgress {
  holeId: string;
  text: string;
}

export type ChildEvent =
  | { type: 'MESH'; mesh: MeshHealth }
  | { type: 'MESH_TROUBLE' }
  | { type: 'STREAM_STATE'; state: 'connecting' | 'open' | 'retrying'; problem: string | null }
  /** A trace worth (re)fetching: its root is in and it grew (liveStream.ts passes on only those), or the flow asks again. */
  | { type: 'TRACE_ARRIVED'; traceID: string; spanCount?: number }
  | { type: 'STREAM_OPEN' }
  | { type: 'OURS'; results: DemoRequestResult[]; kind: RequestKind; burst: number }
  | { type: 'CROWD_TRACE'; trace: JaegerTrace }
  | { type: 'PROOF_PROGRESS'; text: string }
  | { type: 'HOLE_CONFIRMED'; hole: HoleState; at: number }
  | { type: 'HOLES'; holes: HoleState[] }
  | { type: 'HOLE_PROBLEM'; problem: string }
  | { type: 'FINDINGS'; findings: FindingsAggregateResponse }
  /** A fresh copy of the trace that was on the stage when it was asked for (stageRefresh.ts). */
  | { type: 'STAGE_FETCHED'; trace: JaegerTrace }
  /** The attendee trace whose turn it is on the main view (crowdDwell.ts). */
  | { type: 'SHOW_CROWD'; trace: JaegerTrace };
