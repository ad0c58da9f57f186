// What the standalone viewer's address asks to open (?traceID, ?url, a pair to compare, ?synthetic): read once, by the page's first script and by the page.
import type { TraceRequest } from '../reader/traceLoader.ts';

export type AddressedSources =
  | { kind: 'one'; what: string; request: TraceRequest }
  | { kind: 'pair'; what: string; requests: [TraceRequest, TraceRequest] };

/** The sources the address names, or undefined when it names none (the page then offers to open files). */
export function sourcesInAddress(page: URL): AddressedSources | undefined {
  const q = page.searchParams;
  const href = page.href;
  const traceID = q.get('traceID')?.trim() ?? null;
  const url = q.get('url');
  const compareID = q.get('compare')?.trim() ?? null;
  const compareUrl = q.get('compareUrl');
  const synthetic = Number(q.get('synthetic'));
  // ?stream=1 reads the download as it arrives (the bench compares that with reading it once it is all in).
  const stream = q.get('stream') === '1';
  if (traceID !== null && compareID !== null)
    return {
      kind: 'pair',
      what: `traces ${traceID} and ${compareID}`,
      requests: [
        { kind: 'id', traceID, page: href },
        { kind: 'id', traceID: compareID, page: href },
      ],
    };
  if (url !== null && compareUrl !== null)
    return {
      kind: 'pair',
      what: `${url} and ${compareUrl}`,
      requests: [
        { kind: 'url', url, page: href },
        { kind: 'url', url: compareUrl, page: href },
      ],
    };
  if (traceID !== null) return { kind: 'one', what: `trace ${traceID}`, request: { kind: 'id', traceID, page: href, stream } };
  if (url !== null) return { kind: 'one', what: url, request: { kind: 'url', url, page: href, stream } };
  // The speed demo: a generated trace as big as asked, drawn where Jaeger's UI would freeze.
  if (Number.isInteger(synthetic) && synthetic > 0 && synthetic <= 1_000_000)
    return { kind: 'one', what: `a generated trace of ${synthetic} spans`, request: { kind: 'synthetic', count: synthetic, seed: 1 } };
  return undefined;
}
