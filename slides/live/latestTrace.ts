// The last complete trace of our own requests: one per deck, handed to every live part in its context, so a slide can reuse it instead of asking again.
import type { JaegerTrace } from '../../model/index.ts';

export interface LatestTrace {
  remember(trace: JaegerTrace): void;
  get(): JaegerTrace | null;
}

export function createLatestTrace(): LatestTrace {
  let latest: JaegerTrace | null = null;
  return {
    remember: (trace) => void (latest = trace),
    get: () => latest,
  };
}
