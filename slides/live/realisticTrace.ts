// "A realistic example": the recorded mesh trace the notes quote, drawn by the viewer in the live deck and in every copy alike.
import type { LivePart } from './index.ts';
import { livePartFrom } from './partLifecycle.ts';
import { mountRecordingReplay } from './recordingPanel.ts';
import './realisticTrace.css';

/**
 * Always the recording, live server or not: the slide's caption and notes quote this trace's figures
 * (filled at build time from the same file), and a fresh request would show other ones.
 */
export function createRealisticTrace(): LivePart {
  return livePartFrom((host) => mountRecordingReplay(host, 'realistic'));
}
