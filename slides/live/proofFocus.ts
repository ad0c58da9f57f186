// Where a proof points the eye: the spans of the finding that went away in the "before" trace, and the same place in the "after" trace.
import { analyzeTrace } from '../../analysis/index.ts';
import type { Finding, FindingKind, JaegerSpan, JaegerTrace } from '../../model/index.ts';

export interface ProofFocus {
  /** The finding in words with its cost, shown beside the highlighted rows. */
  label: string;
  /** Span ids to highlight and scroll to in each pane (the first one is opened). */
  before: string[];
  after: string[];
}

const parentOf = (s: JaegerSpan) => s.references.find((r) => r.refType === 'CHILD_OF')?.spanID ?? s.parentSpanID;

/** A span's place in any trace: its service and operation (ids differ from trace to trace). */
function placeOf(t: JaegerTrace, s: JaegerSpan): string {
  return `${t.processes[s.processID]?.serviceName ?? ''}\n${s.operationName}`;
}

/**
 * The finding of this kind that costs most in `before`, and where the eye should go in `after`: spans at the
 * same places as the finding's, else what the finding's parents do instead (children at places the
 * "before" parents never had: a batch call for a loop, cache reads for repeated queries), else the parents.
 * Read from the traces' structure alone, so it holds for any trace, not only the mesh's.
 */
export function proofFocus(kind: FindingKind, before: JaegerTrace, after: JaegerTrace): ProofFocus | null {
  let finding: Finding | undefined;
  try {
    finding = analyzeTrace(before).find((f) => f.kind === kind);
  } catch {
    return null;
  }
  if (!finding || finding.spanIDs.length === 0) return null;
  const byId = new Map(before.spans.map((s) => [s.spanID, s]));
  const mine = finding.spanIDs.map((id) => byId.get(id)).filter((s): s is JaegerSpan => s !== undefined);
  const places = new Set(mine.map((s) => placeOf(before, s)));
  const label = /\d ms/.test(finding.title) ? finding.title : `${finding.title}: ${Math.round(finding.costMs)} ms`;

  const inAfter = (want: Set<string>) => after.spans.filter((s) => want.has(placeOf(after, s)));
  let shown = inAfter(places);
  if (shown.length === 0) {
    const parents = mine.map((s) => byId.get(parentOf(s) ?? '')).filter((s): s is JaegerSpan => s !== undefined);
    const parentIds = new Set(parents.map((p) => p.spanID));
    const hadBefore = new Set(before.spans.filter((s) => parentIds.has(parentOf(s) ?? '')).map((s) => placeOf(before, s)));
    const newParents = inAfter(new Set(parents.map((p) => placeOf(before, p))));
    const newParentIds = new Set(newParents.map((p) => p.spanID));
    const instead = after.spans.filter((s) => newParentIds.has(parentOf(s) ?? '') && !hadBefore.has(placeOf(after, s)));
    shown = instead.length > 0 ? instead : newParents;
  }
  const byStart = (xs: JaegerSpan[]) => [...xs].sort((a, b) => a.startTime - b.startTime).map((s) => s.spanID);
  return { label, before: byStart(mine), after: byStart(shown) };
}

/** What each pane's line beside the highlighted rows says. */
export function focusLabels(f: ProofFocus): [string, string] {
  return [`Before — ${f.label}`, 'After — the same place, plugged'];
}
