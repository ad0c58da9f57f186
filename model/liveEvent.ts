// GET /api/live's `trace` event: the one type the server sends and the slide reads, and its strict parser.

/** Sent each time a trace gains spans (coalesced per tick): enough to decide whether fetching it is worth it. */
export interface LiveTraceEvent {
  traceID: string;
  /** Spans stored so far; it only grows. */
  spanCount: number;
  /** A span with no parent at all (the request's entry) is in: the trace is worth drawing. */
  hasRoot: boolean;
  /** The root span's service and operation, '' until `hasRoot`. */
  rootService: string;
  rootOperation: string;
  /** Earliest start, µs since the epoch, and from it to the latest end, µs. */
  startTimeUs: number;
  durationUs: number;
  /** Some span failed, by the one rule (spanStatus.ts). */
  error: boolean;
  /** Distinct services, in order of first appearance. */
  services: string[];
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/**
 * One event's data, or null for anything that is not exactly that shape (a trace id of 1–32 hex
 * digits, whole counts, known fields typed): the slide acts on nothing it cannot trust.
 */
export function parseLiveTraceEvent(data: string): LiveTraceEvent | null {
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.traceID !== 'string' || !/^[0-9a-f]{1,32}$/.test(o.traceID)) return null;
  if (!isCount(o.spanCount) || o.spanCount === 0 || typeof o.hasRoot !== 'boolean' || typeof o.error !== 'boolean') return null;
  if (typeof o.rootService !== 'string' || typeof o.rootOperation !== 'string') return null;
  if (!isTime(o.startTimeUs) || !isTime(o.durationUs)) return null;
  if (!Array.isArray(o.services) || !o.services.every((s) => typeof s === 'string')) return null;
  return {
    traceID: o.traceID,
    spanCount: o.spanCount,
    hasRoot: o.hasRoot,
    rootService: o.rootService,
    rootOperation: o.rootOperation,
    startTimeUs: o.startTimeUs,
    durationUs: o.durationUs,
    error: o.error,
    services: o.services as string[],
  };
}
