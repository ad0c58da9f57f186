// The recording trace source: the traces bundled with the static deck stand in for the mesh; nothing can be sent.
import type { JaegerTrace } from '../../model/index.ts';
import { loadRecording, manifest, recordedOn, type RecordingManifest } from '../recordings/index.ts';
import { SourceError, type HoleState, type TraceSource } from './traceSource.ts';

export interface RecordingTraceSource extends TraceSource {
  readonly kind: 'recording';
  readonly manifest: RecordingManifest;
}

export function createRecordingTraceSource(m: RecordingManifest = manifest): RecordingTraceSource {
  const why = `This copy of the deck replays traces recorded on ${recordedOn(m)}; no live mesh is behind it.`;
  return {
    kind: 'recording',
    manifest: m,
    async health() {
      return { state: 'offline', reason: why };
    },
    async sendRequests() {
      throw new SourceError(why, false);
    },
    async fetchTrace(traceID): Promise<JaegerTrace | null> {
      const rec = m.recordings.find((r) => r.traceID === traceID);
      return rec ? loadRecording(rec) : null;
    },
    openStream() {
      // A recording never grows: no arrivals to announce.
      return () => {};
    },
    openMeshEvents() {
      return () => {};
    },
    async findings() {
      return null;
    },
    async holes(): Promise<HoleState[]> {
      const seen = new Map<string, HoleState>();
      for (const r of m.recordings)
        if (r.holeId && !seen.has(r.holeId)) seen.set(r.holeId, { id: r.holeId, title: r.holeTitle, plugged: false });
      return [...seen.values()];
    },
    async setHole() {
      throw new SourceError(why, false);
    },
  };
}
