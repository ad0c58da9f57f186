// The load test's HTTP side: demo requests over a shared keep-alive pool, measurements on their own connections, and SSE streams that count what arrives (all through scripts/wire.ts).
import http from 'node:http';
import { call, callAsBrowser, openEventStream, type CallOptions, type EventStream, type Reply } from '../wire.ts';

export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Demo requests share a pool of kept-alive connections, as phones behind one Wi-Fi would not, but the server's work is
 * the same. Like a phone's browser, the pool keeps an idle connection until the server closes it (no `timeout`), so the
 * server's keep-alive closes meet requests now and then: `request` resends those as a browser does.
 */
export const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

export type Stream = EventStream;

/** Requests the pool sent on a kept-alive connection the server had just closed, and sent again on a fresh one: how long each connection had sat idle, and how soon the cut came. */
export const resent: { idleMs: number[]; afterMs: number[] } = { idleMs: [], afterMs: [] };

/** A request over the shared pool as a phone's browser sends it, or on a connection of its own (a measurement that must not queue behind the load). */
export function request(url: URL, { ownConnection = false, ...opts }: CallOptions & { ownConnection?: boolean } = {}): Promise<Reply> {
  if (ownConnection) return call(url, { timeoutMs: REQUEST_TIMEOUT_MS, ...opts });
  return callAsBrowser(url, { timeoutMs: REQUEST_TIMEOUT_MS, ...opts, agent }, (cut) => {
    resent.idleMs.push(cut.idleMs);
    resent.afterMs.push(cut.afterMs);
  });
}

export async function getJson<T>(base: URL, path: string, headers: Record<string, string> = {}): Promise<T | undefined> {
  try {
    // Its own connection: a measurement must not queue behind the load it measures.
    const r = await request(new URL(path, base), { headers, timeoutMs: 10_000, ownConnection: true });
    return r.status === 200 ? (JSON.parse(r.body) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** One connection per stream, as each phone has its own; a stream whose status line never comes counts as refused. */
export function openStream(url: URL): Promise<Stream> {
  return openEventStream(url, {}, REQUEST_TIMEOUT_MS);
}
