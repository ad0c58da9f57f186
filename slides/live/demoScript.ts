// The demo script: the holes in the order the talk shows them, each with the request to send, what its trace shows, the switch and the proof.
import { holeCatalog, type HoleId, type HoleSpec } from '../../model/holes.ts';
import { patternWords } from './proofVerdict.ts';

/**
 * N+1 and the cache first (a normal request shows both), then the two that need a slow request,
 * and the lock last: a burst queues on the one connection however the others are switched,
 * and its gain is plainest once the work held under the lock is small.
 */
export const scriptOrder: readonly HoleId[] = ['n-plus-one', 'missing-cache', 'flaky-dependency', 'worker-pool', 'lock-contention'];

export interface ScriptStep {
  spec: HoleSpec;
  send: string;
  look: string;
  flip: string;
  proof: string;
}

/** The first sentence of a signature: enough for the one-line guide (the notes carry the rest). */
function firstSentence(text: string): string {
  const end = text.search(/[.;](\s|$)/);
  return end < 0 ? text : `${text.slice(0, end)}.`;
}

export function scriptSteps(): ScriptStep[] {
  return scriptOrder.map((id) => {
    const spec = holeCatalog.find((h) => h.id === id)!;
    return {
      spec,
      send: `Send ${patternWords(spec)}.`,
      look: `Look for: ${firstSentence(spec.pattern.signature)}`,
      flip: `Flip “${spec.shortName}”.`,
      proof: `The slide sends the same ${spec.pattern.kind} pattern before and after (warm) and compares the medians; the ${spec.findingKind} finding should be gone.`,
    };
  });
}
