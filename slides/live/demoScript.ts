// The demo script: the holes in the order the talk shows them, each with the request to send, what its trace shows, the switch and the proof.
import { holeCatalog, type HoleId, type HoleSpec } from '../../model/index.ts';
import { patternWords } from './proofVerdict.ts';

/**
 * The flaky payments first: while it is open, every third normal order stalls on a timeout, and
 * that noise would hide the smaller holes. Then the two that a slow order shows (one barista, the
 * missing cache), then the lock while N+1 is still open (the one connection is held for the whole
 * order transaction, N+1 reservations included, so the queue is plainest then), and N+1 last, on a
 * team order whose six reservations in a row are its longest stretch once the rest is plugged.
 */
export const scriptOrder: readonly HoleId[] = ['flaky-dependency', 'worker-pool', 'missing-cache', 'lock-contention', 'n-plus-one'];

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
