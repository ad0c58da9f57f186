// Registry of the deck's live parts: a slide whose section carries data-live="name" mounts the part of that name.
import { createAlertsPanel } from './alertsPanel.ts';
import { createDemoSlide } from './demoSlide.ts';
import { createPipelineCounts } from './pipelineCounts.ts';
import type { LatestTrace } from './latestTrace.ts';
import { createRealisticTrace } from './realisticTrace.ts';

export { createLatestTrace } from './latestTrace.ts';
export { mountPrintParts } from './printDemo.ts';

/** What a live part gets when its slide is entered. */
export interface LiveContext {
  /** Presenter token from the deck URL (?token=…), if the presenter opened the deck. */
  presenterToken: string | undefined;
  /** Base URL for API calls (same origin in the live deck). */
  apiBase: string;
  /** True in the static self-study build: no server, replay recordings instead. */
  offline: boolean;
  /** The last trace of the presenter's own requests, shared by the parts for the whole deck. */
  latestTrace: LatestTrace;
}

/** Same lifecycle for every live part: mount on slide enter, unmount on leave. */
export interface LivePart {
  mount(host: HTMLElement, ctx: LiveContext): void;
  unmount(): void;
}

export type LivePartFactory = () => LivePart;

export const liveParts: Record<string, LivePartFactory> = {
  demo: createDemoSlide,
  'realistic-trace': createRealisticTrace,
  pipeline: createPipelineCounts,
  alerts: createAlertsPanel,
};
