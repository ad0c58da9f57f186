// The shape of slides/recordings/manifest.json: which recorded trace files exist and what each one shows.
import type { Finding } from '../../model/index.ts';

/** `before`/`after` halves of a pair, or a lone `example` trace. */
export type RecordingRole = 'before' | 'after' | 'example';

export interface Recording {
  id: string;
  /** Path of the Jaeger JSON file (`{data:[trace]}`), relative to slides/recordings/. */
  file: string;
  kind: 'normal' | 'slow';
  traceID: string;
  role: RecordingRole;
  /** The hole this pair is about; null for the all-open/all-plugged pair and the example. */
  holeId: string | null;
  holeTitle: string;
  /** Recordings with the same pair id form one before/after pair. */
  pair: string;
  durationMs: number;
  spanCount: number;
  services: number;
  /** What the hole finder names in the trace, written by `npm run record` (test/analysis checks it still agrees). */
  findings?: Finding[];
}

export interface RecordingManifest {
  recordedAt: string;
  seed: number;
  recordings: Recording[];
}
