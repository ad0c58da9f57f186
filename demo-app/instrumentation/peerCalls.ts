// The traced HTTP client between services: a client span per call, context and baggage injected as headers.
import { FORMAT_HTTP_HEADERS, Tags } from 'opentracing';
import { currentTracer, finishSpan, startSpan } from './activeSpan.ts';

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
  signal?: AbortSignal;
}

/** Where each peer service listens right now; the supervisor pushes updates when one restarts. */
export type PeerDirectory = Record<string, number>;

export function createPeerClient(directory: () => PeerDirectory) {
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
    try {
      if (!port) throw new PeerCallError(`${peer} has no known address`, 503);
      const headers: Record<string, string> = {};
      currentTracer().inject(span.context(), FORMAT_HTTP_HEADERS, headers);
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal,
      });
      span.setTag(Tags.HTTP_STATUS_CODE, res.status);
      const text = await res.text();
      if (!res.ok) throw new PeerCallError(`${peer} answered ${res.status}: ${text.slice(0, 200)}`, res.status);
      const value = (text ? JSON.parse(text) : undefined) as T;
      finishSpan(span);
      return value;
    } catch (e) {
      // An aborted fetch rejects with the abort reason: keep that (a TimeoutError) as the span's error.
      finishSpan(span, e);
      throw e;
    }
  };
}
export type CallPeer = ReturnType<typeof createPeerClient>;
