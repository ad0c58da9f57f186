// The live trace source: the deck server's demo API, Jaeger query API and /api/live stream over HTTP.
import type { HealthBody, ServiceState } from '../../model/index.ts';
import type { FindingsAggregateResponse } from '../../model/index.ts';
import { parseLiveTraceEvent, tracesFromJaegerFile, type JaegerTrace } from '../../model/index.ts';
import {
  SourceError,
  type DemoRequestResult,
  type HoleState,
  type RequestKind,
  type MeshEventHandlers,
  type ServiceStateEvent,
  type StreamHandlers,
  type TraceArrival,
  type TraceSource,
} from './traceSource.ts';

export interface LiveSourceOptions {
  apiBase: string;
  presenterToken: string | undefined;
}

/** Reads an error body's reason when the server gave one, for words on the slide. */
async function reasonOf(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: unknown; reason?: unknown; errors?: { msg?: unknown }[] };
    if (typeof body.error === 'string') return typeof body.reason === 'string' ? `${body.error}: ${body.reason}` : body.error;
    const msg = body.errors?.[0]?.msg;
    if (typeof msg === 'string') return msg;
  } catch {
    // not JSON: the status line says enough
  }
  return `HTTP ${res.status}`;
}

function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

const SERVICE_STATES: readonly ServiceState[] = ['starting', 'healthy', 'hung', 'crashed', 'restarting', 'stopped'];

/** Parses one `service` event of /api/mesh/events; anything malformed is dropped. */
export function parseServiceEvent(data: string): ServiceStateEvent | null {
  try {
    const o = JSON.parse(data) as Partial<ServiceStateEvent>;
    if (typeof o?.name !== 'string' || !SERVICE_STATES.includes(o.state as ServiceState)) return null;
    return {
      name: o.name,
      state: o.state as ServiceState,
      reason: typeof o.reason === 'string' ? o.reason : undefined,
      at: typeof o.at === 'number' ? o.at : Date.now(),
    };
  } catch {
    return null;
  }
}

/** Early fetches are kept briefly and for a handful of traces: they only bridge a request's answer. */
const PREFETCH_FRESH_MS = 3_000;
const PREFETCH_KEPT = 20;

let deckId: string | undefined;

/** One anonymous attendee id per page, in the gate's charset (8–64 of A-Z a-z 0-9 _ -). */
function deckAttendeeId(): string {
  if (!deckId) {
    const bytes = crypto.getRandomValues(new Uint8Array(9));
    deckId = `deck-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
  return deckId;
}

export function createLiveTraceSource(opts: LiveSourceOptions): TraceSource {
  const base = opts.apiBase.replace(/\/$/, '');
  // Without the presenter token the deck takes part like any attendee: the gate wants an id, and limits apply.
  const auth: Record<string, string> = opts.presenterToken
    ? { Authorization: `Bearer ${opts.presenterToken}` }
    : { 'x-attendee-id': deckAttendeeId() };

  async function call(path: string, init: RequestInit, what: string): Promise<Response> {
    try {
      return await fetch(`${base}${path}`, init);
    } catch (e) {
      if (isAbort(e)) throw e;
      throw new SourceError(`Can't reach the deck server (${what}).`, true);
    }
  }

  async function getTrace(traceID: string, signal: AbortSignal): Promise<JaegerTrace | null> {
    const res = await call(`/api/traces/${encodeURIComponent(traceID)}`, { signal, cache: 'no-store' }, 'fetching a trace');
    if (res.status === 404) return null;
    if (!res.ok) throw new SourceError(`The trace store answered: ${await reasonOf(res)}`, false);
    const traces: JaegerTrace[] = tracesFromJaegerFile(await res.json());
    return traces[0] ?? null;
  }

  interface Prefetch {
    trace: Promise<JaegerTrace | null>;
    at: number;
    inFlight: boolean;
    /** The trace grew while this fetch was under way. */
    again: boolean;
  }
  const prefetched = new Map<string, Prefetch>();

  function prefetch(traceID: string): void {
    const current = prefetched.get(traceID);
    // One early fetch at a time per trace; announcements meanwhile ask for one more after it.
    if (current?.inFlight) {
      current.again = true;
      return;
    }
    const entry: Prefetch = { trace: getTrace(traceID, new AbortController().signal), at: performance.now(), inFlight: true, again: false };
    prefetched.set(traceID, entry);
    const settle = () => {
      entry.inFlight = false;
      if (entry.again && prefetched.get(traceID) === entry) prefetch(traceID);
    };
    entry.trace.then(settle, settle); // a failed guess is simply not used
    while (prefetched.size > PREFETCH_KEPT) prefetched.delete(prefetched.keys().next().value!);
  }

  /** One server-sent event stream: each `event` parsed (malformed ones dropped), closed for good on its first error. */
  function openEvents<T>(
    path: string,
    event: string,
    parse: (data: string) => T | null,
    onItem: (item: T) => void,
    handlers: { onOpen(): void; onError(reason: string): void },
    dropped: string,
  ): () => void {
    // EventSource sends no headers: the presenter's token rides in the stream's own query so the
    // server keeps the presenter's room under its stream caps (never in the page's own address).
    const es = new EventSource(`${base}${path}${opts.presenterToken ? `?token=${encodeURIComponent(opts.presenterToken)}` : ''}`);
    let closed = false;
    es.addEventListener('open', () => handlers.onOpen());
    es.addEventListener(event, (ev) => {
      const item = parse((ev as MessageEvent<string>).data);
      if (item) onItem(item);
    });
    es.addEventListener('error', () => {
      // EventSource would retry at its own fixed pace; the flow's machines own the backoff instead.
      if (closed) return;
      closed = true;
      es.close();
      handlers.onError(dropped);
    });
    return () => {
      closed = true;
      es.close();
    };
  }

  return {
    kind: 'live',

    async health(signal) {
      let res: Response;
      try {
        res = await fetch(`${base}/healthz`, { signal, cache: 'no-store' });
      } catch (e) {
        if (isAbort(e)) throw e;
        return { state: 'down', reason: "Can't reach the deck server.", services: [] };
      }
      let body: Partial<HealthBody> = {};
      try {
        body = (await res.json()) as typeof body;
      } catch {
        return { state: 'down', reason: `The health check answered HTTP ${res.status}.`, services: [] };
      }
      const services = Array.isArray(body.services) ? body.services : [];
      if (body.mesh === false) return { state: 'offline', reason: 'The demo mesh is switched off on this server (MESH=off).' };
      if (res.ok) return { state: 'up', services };
      const down = services.filter((s) => s.state !== 'healthy').map((s) => `${s.name} (${s.state})`);
      return {
        state: 'down',
        reason: down.length ? `Mesh services down: ${down.join(', ')}.` : `The mesh is not healthy (HTTP ${res.status}).`,
        services,
      };
    },

    async sendRequests(kind: RequestKind, count: number, signal) {
      const res = await call(
        '/api/demo/requests',
        { method: 'POST', signal, headers: { 'Content-Type': 'application/json', ...auth }, body: JSON.stringify({ kind, count }) },
        'sending a request',
      );
      if (!res.ok) {
        const reason = await reasonOf(res);
        throw new SourceError(`The mesh refused the request: ${reason}`, res.status >= 500 || res.status === 404);
      }
      const body = (await res.json()) as DemoRequestResult[];
      if (!Array.isArray(body)) throw new SourceError('The demo API answered something other than a list of requests.', false);
      return body;
    },

    fetchTrace(traceID, signal) {
      const early = prefetched.get(traceID);
      prefetched.delete(traceID);
      // An early copy is good only if nothing arrived after it was asked for.
      if (early && !early.again && performance.now() - early.at < PREFETCH_FRESH_MS) return early.trace;
      return getTrace(traceID, signal);
    },

    prefetchTrace: prefetch,

    openStream(handlers: StreamHandlers) {
      return openEvents<TraceArrival>(
        '/api/live',
        'trace',
        parseLiveTraceEvent,
        (a) => handlers.onTrace(a),
        handlers,
        'The live trace stream dropped.',
      );
    },

    openMeshEvents(handlers: MeshEventHandlers) {
      return openEvents(
        '/api/mesh/events',
        'service',
        parseServiceEvent,
        (e) => handlers.onService(e),
        handlers,
        'The mesh event stream dropped.',
      );
    },

    async findings(lookbackMs, signal) {
      const res = await call(
        `/api/findings?lookback=${Math.max(1, Math.round(lookbackMs / 1000))}s`,
        { signal, cache: 'no-store' },
        'reading the findings',
      );
      if (res.status === 404) return null;
      if (!res.ok) throw new SourceError(`The hole finder answered: ${await reasonOf(res)}`, false);
      const body = (await res.json()) as FindingsAggregateResponse;
      return Array.isArray(body?.data) ? body : null;
    },

    async holes(signal) {
      const res = await call('/api/holes', { signal, cache: 'no-store' }, 'reading the holes');
      if (!res.ok) throw new SourceError(`Couldn't read the holes: ${await reasonOf(res)}`, res.status >= 500);
      return (await res.json()) as HoleState[];
    },

    async setHole(id, plugged) {
      const res = await call(
        `/api/holes/${encodeURIComponent(id)}`,
        { method: 'PUT', headers: { 'Content-Type': 'application/json', ...auth }, body: JSON.stringify({ plugged }) },
        'switching a hole',
      );
      if (!res.ok) throw new SourceError(`Couldn't switch the hole: ${await reasonOf(res)}`, res.status >= 500);
      return (await res.json()) as HoleState;
    },
  };
}
