// Findings as SARIF 2.1.0, the format code-scanning tools read: one rule per finding kind, one result per finding.
import { findingKinds, type FindingKind, type TraceFindings } from '../model/index.ts';
import { kindName } from './aggregate.ts';

/** What each kind means, for a rule's description (the finding's own title says where and how much). */
const KIND_HELP: Record<FindingKind, string> = {
  'lock-contention': 'Requests queued behind a shared resource (a lock, a pool, a single worker) before doing their work.',
  'n-plus-one': 'One call per item, one after another, where a single batched call would do.',
  retries: 'Failed calls tried again while the request waited.',
  'pool-saturation': 'Calls started together but ran a few at a time: a pool or limiter too small for the fan-out.',
  'repeated-work': 'The same call with the same input made more than once in one request.',
  'sequential-calls': 'Independent calls made one after another where they could run at once.',
  'chatty-calls': 'Many small calls of several kinds from one service to another in one request, where a coarser call would do.',
  'fan-out': 'One step called more than twenty others at once and waited for the slowest.',
  'slow-query': 'One query much slower than the other queries of the same request.',
  'repeated-sequence': 'The same few calls repeated once per item, one round after another (MN+1), where each call could be batched.',
};

export interface SarifInput {
  /** Where each trace came from (a file name), by trace index in `perTrace`. */
  artifacts: string[];
  perTrace: (TraceFindings & { artifact: number })[];
  /** Fingerprints acknowledged as known, with the reason given: reported as suppressed. */
  acknowledged?: ReadonlyMap<string, string>;
  toolVersion?: string;
}

export function toSarif(input: SarifInput): object {
  const rules = findingKinds.map((kind) => ({
    id: kind,
    name: kind.replace(/(^|-)(.)/g, (_, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: kindName(kind) },
    fullDescription: { text: KIND_HELP[kind] },
    help: { text: KIND_HELP[kind] },
    defaultConfiguration: { level: 'warning' },
    properties: { tags: ['performance', 'tracing'] },
  }));
  const results = input.perTrace.flatMap((t) =>
    t.findings.map((f) => {
      const ack = input.acknowledged?.get(f.fingerprint);
      return {
        ruleId: f.kind,
        ruleIndex: findingKinds.indexOf(f.kind),
        level: 'warning',
        message: { text: f.title },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: input.artifacts[t.artifact]!, index: t.artifact }, region: { startLine: 1 } },
            logicalLocations: [{ name: f.operation, fullyQualifiedName: `${f.service}/${f.operation}`, kind: 'function' }],
          },
        ],
        partialFingerprints: { 'holeFinder/v1': f.fingerprint },
        ...(ack !== undefined ? { suppressions: [{ kind: 'external', status: 'accepted', justification: ack || 'acknowledged' }] } : {}),
        properties: {
          traceID: t.traceID,
          service: f.service,
          operation: f.operation,
          spanIDs: f.spanIDs,
          costMs: f.costMs,
          share: f.share,
          evidence: f.evidence,
          fix: f.fix,
        },
      };
    }),
  );
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'hole-finder',
            informationUri: 'https://github.com/carlosonunez/plugging-performance-holes',
            ...(input.toolVersion ? { version: input.toolVersion } : {}),
            rules,
          },
        },
        artifacts: input.artifacts.map((uri) => ({ location: { uri } })),
        results,
      },
    ],
  };
}
