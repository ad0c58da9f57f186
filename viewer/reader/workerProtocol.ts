// The messages between the page and the trace worker.
import type { Finding } from '../../model/index.ts';
import type { CriticalPath } from '../model/criticalPath.ts';
import type { TraceModel } from '../model/traceModel.ts';

/** A source of traces to load. `stream`: read the download as it arrives, instead of once it is all in. */
export type TraceRequest =
  | { kind: 'url'; url: string; page: string; stream?: boolean }
  | { kind: 'id'; traceID: string; page: string; stream?: boolean }
  | { kind: 'file'; file: File }
  | { kind: 'synthetic'; count: number; seed: number };

export type WorkerRequest =
  | (TraceRequest & { id: number })
  /** The page has painted the traces: the worker may go on with the slower work (findings). */
  | { id: number; kind: 'drawn' };

export interface WireTrace {
  traceID: string;
  model: TraceModel | undefined;
  cp: CriticalPath | undefined;
  problem: string | undefined;
  /** [start, end) byte offsets of each span's JSON in the blob. */
  ranges: Float64Array;
}

export type WorkerAnswer =
  | { id: number; type: 'traces'; traces: WireTrace[]; fast: boolean; phases: Record<string, number> }
  /** Where each span's full JSON can be read again (sent after the traces, off the first paint's path). */
  | { id: number; type: 'blob'; blob: Blob }
  /** The minimap's picture of trace `trace`, painted after the rows are on their way. */
  | { id: number; type: 'overview'; trace: number; pixels: Uint32Array }
  | { id: number; type: 'findings'; trace: number; findings: Finding[]; indices: number[][]; error?: string }
  | { id: number; type: 'error'; message: string; loadError: boolean };
