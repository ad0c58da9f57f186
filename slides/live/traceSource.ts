// Where the live slides get their data: an interface the flow machine talks to, so a recording can stand in for the mesh.
import type { JaegerTrace } from '../../model/index.ts';

import type { DemoRequestResult, HoleState, RequestKind, ServiceHealth, ServiceStateEvent } from '../../model/index.ts';
import type { FindingsAggregateResponse } from '../../model/index.ts';
export type { DemoRequestResult, HoleState, RequestKind, ServiceStateEvent } from '../../model/index.ts';

import type { LiveTraceEvent } from '../../model/index.ts';
/** What one `trace` event of the live stream tells (model/liveEvent.ts): which trace gained spans, how many it holds, whether its root is in. */
export type TraceArrival = LiveTraceEvent;

/** The mesh as the slide sees it; `offline` means no server is behind the deck at all. */
export type MeshHealth =
  | { state: 'up'; services: ServiceHealth[] }
  | { state: 'down'; reason: string; services: ServiceHealth[] }
  | { state: 'offline'; reason: string };

/** A failure the slide explains in words; `meshTrouble` asks the flow to re-check the mesh. */
export class SourceError extends Error {
  constructor(
    message: string,
    readonly meshTrouble: boolean,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

export interface StreamHandlers {
  onOpen(): void;
  onTrace(arrival: TraceArrival): void;
  /** The stream broke; the source has already closed it, the flow decides when to retry. */
  onError(reason: string): void;
}

export interface MeshEventHandlers {
  onOpen(): void;
  onService(event: ServiceStateEvent): void;
  /** The event stream broke or does not exist; the watcher falls back to /healthz and retries later. */
  onError(reason: string): void;
}

export interface TraceSource {
  readonly kind: 'live' | 'recording' | 'none';
  health(signal: AbortSignal): Promise<MeshHealth>;
  sendRequests(kind: RequestKind, count: number, signal: AbortSignal): Promise<DemoRequestResult[]>;
  /** The trace, or null when the store does not know it (yet). */
  fetchTrace(traceID: string, signal: AbortSignal): Promise<JaegerTrace | null>;
  /**
   * A hint that `fetchTrace(traceID)` may follow shortly: a trace announced while our request is
   * still under way is probably ours, and fetching it early takes a round trip off the slide.
   */
  prefetchTrace?(traceID: string): void;
  /** Opens the stream of trace arrivals; returns the function that closes it. */
  openStream(handlers: StreamHandlers): () => void;
  /** Pushed service state changes (`/api/mesh/events`); returns the function that closes the stream. */
  openMeshEvents(handlers: MeshEventHandlers): () => void;
  /** Findings across recent traces, or null when the server has no hole finder. */
  findings(lookbackMs: number, signal: AbortSignal): Promise<FindingsAggregateResponse | null>;
  holes(signal: AbortSignal): Promise<HoleState[]>;
  setHole(id: string, plugged: boolean): Promise<HoleState>;
}
