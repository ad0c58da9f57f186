// Picks the trace source for a live part: the live server, or none in a copy of the deck with no server behind it.
import type { LiveContext } from './index.ts';
import { createLiveTraceSource } from './liveTraceSource.ts';
import type { TraceSource } from './traceSource.ts';

/**
 * The one place that decides where traces come from. The static self-study build will return
 * a recording source here; the slides themselves never know the difference.
 */
export function sourceFor(ctx: LiveContext): TraceSource | null {
  if (ctx.offline) return null;
  return createLiveTraceSource({ apiBase: ctx.apiBase, presenterToken: ctx.presenterToken });
}
