// The recorded traces bundled into the deck: the manifest up front, each trace file loaded (as its own chunk) on first use.
import { tracesFromJaegerFile, type JaegerTrace } from '../../model/index.ts';
import manifestJson from './manifest.json';
import walkthroughText from './walkthrough.md?raw';
import type { Recording, RecordingManifest } from './manifestTypes.ts';
import { walkthroughSections, type RecordedPair } from './walkthrough.ts';

export type { Recording, RecordingManifest } from './manifestTypes.ts';
export { recordedPairs, exampleRecording, recordedOn, type RecordedPair } from './walkthrough.ts';

export const manifest = manifestJson as RecordingManifest;

// Lazy: vite emits each file as a chunk fetched relative to the page, so any sub-path works.
const files = import.meta.glob<unknown>('./traces/*.json', { import: 'default' });

export async function loadRecording(rec: Recording): Promise<JaegerTrace> {
  const load = files[`./${rec.file}`];
  if (!load) throw new Error(`recording ${rec.id} is missing its file ${rec.file}`);
  const trace = tracesFromJaegerFile(await load())[0];
  if (!trace) throw new Error(`recording ${rec.id} holds no trace`);
  return trace;
}

/** The walk-through paragraphs shown beside a pair, figures filled from the manifest. */
export function walkthroughFor(pair: RecordedPair): string[] {
  return walkthroughSections(pair, walkthroughText);
}
