// Picks the trace source for a live part: the live server, or none in a copy of the deck with no server behind it.
import type { LiveContext } from './index.ts';
import { createLiveTraceSource } from './liveTraceSource.ts';
import type { TraceSource } from './traceSource.ts';

/**
 * The one place that decides where live traces come from. With no server (null) the parts hand
 * their host to the self-study replay (recordingPanel.ts, over recordingTraceSource.ts): a
 * recording has no requests to send, so it gets its own panel rather than the live flow.
 */
export function sourceFor(ctx: LiveContext): TraceSource | null {
  if (ctx.offline) return null;
  return createLiveTraceSource({ apiBase: ctx.apiBase, presenterToken: ctx.presenterToken });
}
