// For CI: which findings fail a build (--fail-on kinds, --min-cost ms) and which are acknowledged as known holes.
import { findingKinds, type Finding, type FindingKind } from '../model/index.ts';
import { TraceInputError } from './traceIndex.ts';

export interface GateOptions {
  /** Kinds that fail the build; 'any' for all. Absent with minCostMs set means any kind. */
  failOn?: readonly FindingKind[] | 'any';
  minCostMs?: number;
  acknowledged?: ReadonlyMap<string, string>;
}

/** "n-plus-one,retries" or "any" → the kinds; an unknown kind is an input error naming the known ones. */
export function parseKinds(text: string): FindingKind[] | 'any' {
  if (text.trim() === 'any') return 'any';
  const kinds = text
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  const bad = kinds.find((k) => !(findingKinds as readonly string[]).includes(k));
  if (bad !== undefined || kinds.length === 0)
    throw new TraceInputError(`--fail-on: unknown kind ${JSON.stringify(bad ?? text)} (known: ${findingKinds.join(', ')}, or any)`);
  return kinds as FindingKind[];
}

/**
 * An acknowledgements file: one fingerprint per line, then optionally the reason; "#" starts a comment.
 *   n-plus-one:5f0c2a9e41d7b3c8  menu reads each item alone; batching planned in PERF-12
 */
export function parseAcknowledgements(text: string): Map<string, string> {
  const out = new Map<string, string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    const m = /^([a-z-]+:[0-9a-f]{16})(?:\s+(.*))?$/.exec(line);
    if (!m)
      throw new TraceInputError(
        `acknowledgements line ${i + 1}: expected "<kind>:<16 hex digits> [reason]", got ${JSON.stringify(line.slice(0, 60))}`,
      );
    out.set(m[1]!, m[2] ?? '');
  });
  return out;
}

/** The findings that fail the build: not acknowledged, of a failing kind, costing at least minCostMs. */
export function failing(findings: readonly Finding[], o: GateOptions): Finding[] {
  const failOn = o.failOn ?? (o.minCostMs !== undefined ? 'any' : undefined);
  if (!failOn) return [];
  return findings.filter(
    (f) => !o.acknowledged?.has(f.fingerprint) && (failOn === 'any' || failOn.includes(f.kind)) && f.costMs >= (o.minCostMs ?? 0),
  );
}
