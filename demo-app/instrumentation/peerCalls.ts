// The traced HTTP client between services: a client span per call, context and baggage injected as headers, a deadline on every call.
import { FORMAT_HTTP_HEADERS, Tags } from 'opentracing';
import { currentTracer, finishSpan, startSpan } from './activeSpan.ts';
import { preciseNowMs } from './preciseClock.ts';

export class PeerCallError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'PeerCallError';
  }
}

export interface PeerCallOptions {
  method?: 'GET' | 'POST' | 'PUT';
  /** The route as the peer names it, e.g. "/stock/:item"; becomes the client span's operation. */
  route: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** The caller's own deadline (e.g. a retry's); the call's default deadline applies as well. */
  signal?: AbortSignal;
  /** How long `signal` gives the call, so the callee can be told when its caller stops waiting. */
  timeoutMs?: number;
}

/** Header carrying when the caller stops waiting (ms since the epoch, on the mesh's one clock). */
export const deadlineHeader = 'x-mesh-deadline';

/** Where each peer service listens right now; the supervisor pushes updates when one restarts. */
export type PeerDirectory = Record<string, number>;

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(2))} s`;

/** What went wrong in words that name the service, for the span's error and the slide. */
function describe(peer: string, e: unknown, deadline: AbortSignal, deadlineMs: number): PeerCallError {
  if (e instanceof PeerCallError) return e;
  if (deadline.aborted) return new PeerCallError(`${peer} did not answer within ${seconds(deadlineMs)}`, 504);
  const cause = (e as { cause?: { code?: string } }).cause?.code;
  if (cause === 'ECONNREFUSED') return new PeerCallError(`${peer} is not running (connection refused)`, 503);
  if (cause === 'ECONNRESET' || cause === 'UND_ERR_SOCKET') return new PeerCallError(`${peer} dropped the connection mid-answer`, 502);
  return new PeerCallError(`${peer} could not be reached: ${e instanceof Error ? e.message : String(e)}`, 502);
}

/** A failed peer names the root cause in its `{error}` body: pass that on rather than wrapping it again. */
function reasonIn(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return typeof body.error === 'string' ? body.error : undefined;
  } catch {
    return undefined;
  }
}

export function createPeerClient(directory: () => PeerDirectory, deadlineMs: number) {
  return async function callPeer<T>(peer: string, opts: PeerCallOptions): Promise<T> {
    const method = opts.method ?? 'GET';
    const port = directory()[peer];
    const url = `http://127.0.0.1:${port ?? 0}${opts.path}`;
    const span = startSpan(`${method} ${opts.route}`, {
      tags: {
        [Tags.SPAN_KIND]: Tags.SPAN_KIND_RPC_CLIENT,
        [Tags.PEER_SERVICE]: peer,
        [Tags.HTTP_METHOD]: method,
        [Tags.HTTP_URL]: url,
      },
    });
    const deadline = AbortSignal.timeout(deadlineMs);
    try {
      if (!port) throw new PeerCallError(`${peer} has no known address (it is restarting)`, 503);
      const headers: Record<string, string> = {
        ...opts.headers,
        [deadlineHeader]: (preciseNowMs() + Math.min(deadlineMs, opts.timeoutMs ?? deadlineMs)).toFixed(3),
      };
      currentTracer().inject(span.context(), FORMAT_HTTP_HEADERS, headers);
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline,
      });
      span.setTag(Tags.HTTP_STATUS_CODE, res.status);
      const text = await res.text();
      if (!res.ok) throw new PeerCallError(reasonIn(text) ?? `${peer} answered ${res.status}`, res.status);
      const value = (text ? JSON.parse(text) : undefined) as T;
      finishSpan(span);
      return value;
    } catch (e) {
      // The caller's own deadline (a retry's timeout) stays as it is: withRetries reads it from its signal.
      const error = opts.signal?.aborted ? opts.signal.reason : describe(peer, e, deadline, deadlineMs);
      finishSpan(span, error);
      throw error;
    }
  };
}
export type CallPeer = ReturnType<typeof createPeerClient>;
