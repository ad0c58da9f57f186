// The messages between the page and the trace worker.
import type { Finding } from '../model/findings.ts';
import type { CriticalPath } from './criticalPath.ts';
import type { TraceModel } from './traceModel.ts';

export type WorkerRequest =
  | { id: number; kind: 'url'; url: string; page: string }
  | { id: number; kind: 'id'; traceID: string; page: string }
  | { id: number; kind: 'file'; file: File }
  | { id: number; kind: 'synthetic'; count: number; seed: number };

export interface WireTrace {
  traceID: string;
  model: TraceModel | undefined;
  cp: CriticalPath | undefined;
  problem: string | undefined;
  /** [start, end) byte offsets of each span's JSON in the blob. */
  ranges: Float64Array;
}

export type WorkerAnswer =
  | { id: number; type: 'traces'; traces: WireTrace[]; blob: Blob; fast: boolean }
  | { id: number; type: 'findings'; trace: number; findings: Finding[]; indices: number[][]; error?: string }
  | { id: number; type: 'error'; message: string; loadError: boolean };
