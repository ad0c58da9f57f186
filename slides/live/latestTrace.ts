// The last complete trace of our own requests, shared between live parts so a slide can reuse it instead of asking again.
import type { JaegerTrace } from '../../model/index.ts';

let latest: JaegerTrace | null = null;

export function rememberTrace(trace: JaegerTrace): void {
  latest = trace;
}

export function latestTrace(): JaegerTrace | null {
  return latest;
}
