// Plain HTTP and socket helpers for the attack and load-test scripts: each call on its own connection unless given a pool, every wait bounded.
import http from 'node:http';
import net from 'node:net';

export interface Reply {
  status: number;
  body: string;
  bytes: number;
  ms: number;
  /** When the first byte of the body came (performance.now()); the end is `ms` after the call began. */
  firstByteAt: number;
  headers: http.IncomingHttpHeaders;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs?: number;
  /** Keep at most this many bytes of the body (the rest is counted, not kept). */
  keepBytes?: number;
  /** Send from this local address (another loopback address plays another device). */
  localAddress?: string;
  /** A shared keep-alive pool instead of a fresh connection. */
  agent?: http.Agent;
}

/**
 * A request the server never read: it went out on a kept-alive connection at the moment the server closed it as idle,
 * and no byte of an answer came back. A pool with no idle timeout of its own (a browser's, or Node's without `timeout`:
 * the server's Keep-Alive hint only shortens one) keeps a connection until the server closes it, so a request leaving
 * within a few ms of that close is reset. Node's http docs name the case (request.reusedSocket); browsers send such a
 * request again on another connection.
 */
export class ClosedKeptAliveConnection extends Error {
  constructor(
    override readonly cause: NodeJS.ErrnoException,
    /** How long the connection had sat unused before this request took it. */
    readonly idleMs: number,
    /** From sending to the cut: a few ms when the server had closed it already, long if the server dropped a request it was working on. */
    readonly afterMs: number,
  ) {
    super(`kept-alive connection closed by the server before the request was read (${cause.code ?? cause.message})`);
    this.name = 'ClosedKeptAliveConnection';
  }
}

/** When each pooled connection last finished an answer: how long it then sat unused. */
const lastAnswered = new WeakMap<object, number>();

/** One request, on a fresh connection unless `agent` is given; rejects with the network error, 'timeout' or ClosedKeptAliveConnection. */
export function call(url: URL, opts: CallOptions = {}): Promise<Reply> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let answered = false;
    let idleMs = 0;
    const req = http.request(
      url,
      { method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent ?? false, localAddress: opts.localAddress },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        let bytes = 0;
        let firstByteAt = 0;
        const keep = opts.keepBytes ?? 1 << 20;
        res.on('data', (c: Buffer) => {
          firstByteAt ||= performance.now();
          if (bytes < keep) chunks.push(c);
          bytes += c.length;
        });
        res.on('end', () => {
          if (res.socket) lastAnswered.set(res.socket, performance.now());
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).subarray(0, keep).toString('utf8'),
            bytes,
            ms: performance.now() - started,
            firstByteAt: firstByteAt || performance.now(),
            headers: res.headers,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('socket', (socket) => {
      const at = lastAnswered.get(socket);
      idleMs = at === undefined ? 0 : performance.now() - at;
    });
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => {
      const closedUnderUs = req.reusedSocket && !answered && (e.code === 'ECONNRESET' || e.code === 'EPIPE');
      reject(closedUnderUs ? new ClosedKeptAliveConnection(e, idleMs, performance.now() - started) : e);
    });
    req.end(opts.body);
  });
}

/**
 * A request as a phone's browser sends it over its pool: one cut off on a reused connection before any answer
 * (ClosedKeptAliveConnection) is sent once more on a new connection. The server never read it, so nothing runs twice;
 * Chromium resends any method in that case, and Node's docs (request.reusedSocket) advise the same.
 */
export async function callAsBrowser(
  url: URL,
  opts: CallOptions,
  onResend: (cut: ClosedKeptAliveConnection) => void = () => undefined,
): Promise<Reply> {
  try {
    return await call(url, opts);
  } catch (e) {
    if (!(e instanceof ClosedKeptAliveConnection)) throw e;
    onResend(e);
    return call(url, { ...opts, agent: undefined });
  }
}

export function errorKind(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ?? err?.message ?? String(e);
}

/** An open server-sent-events stream: its status and the events it has heard. */
export interface EventStream {
  readonly status: number;
  readonly traceIDs: Set<string>;
  events: number;
  /** Characters received, events or not. */
  bytes: number;
  /** The server or the network ended it before we did. */
  lost: boolean;
  close(): void;
}

/** Resolves once the status line is in (or with status 0 on a network error / timeout). */
export function openEventStream(
  url: URL,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
  localAddress?: string,
): Promise<EventStream> {
  return new Promise((resolve) => {
    let closing = false;
    let settled = false;
    const stream = {
      status: 0,
      traceIDs: new Set<string>(),
      events: 0,
      bytes: 0,
      lost: false,
      close: () => {
        closing = true;
        req.destroy();
      },
    };
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(stream);
    };
    const timer = setTimeout(() => {
      req.destroy();
      settle();
    }, timeoutMs);
    const req = http.get(url, { agent: false, localAddress, headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      stream.status = res.statusCode ?? 0;
      settle();
      res.setEncoding('utf8');
      let pending = '';
      res.on('data', (chunk: string) => {
        stream.bytes += chunk.length;
        pending += chunk;
        let cut: number;
        while ((cut = pending.indexOf('\n\n')) >= 0) {
          const frame = pending.slice(0, cut);
          pending = pending.slice(cut + 2);
          if (!/^event: /m.test(frame)) continue;
          stream.events++;
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          const id = data && /"traceID":"([0-9a-f]+)"/.exec(data)?.[1];
          if (id) stream.traceIDs.add(id);
        }
        if (pending.length > 1 << 20) pending = '';
      });
      res.on('close', () => {
        if (!closing) stream.lost = true;
      });
    });
    req.on('error', () => {
      if (!closing) stream.lost = true;
      settle();
    });
  });
}

/** A raw TCP connection that sends `greeting` (maybe nothing) and then idles; `closedByServer` tells if the server hung up. */
export interface IdleSocket {
  connected: boolean;
  closedByServer: boolean;
  error: string | undefined;
  close(): void;
}

export function openIdleSocket(port: number, host: string, greeting: string, localAddress?: string): Promise<IdleSocket> {
  return new Promise((resolve) => {
    const state: IdleSocket = { connected: false, closedByServer: false, error: undefined, close: () => socket.destroy() };
    let closing = false;
    state.close = () => {
      closing = true;
      socket.destroy();
    };
    const socket = net.connect({ port, host, localAddress });
    socket.setTimeout(5000, () => resolve(state));
    socket.on('connect', () => {
      state.connected = true;
      if (greeting) socket.write(greeting);
      resolve(state);
    });
    socket.on('data', () => undefined);
    socket.on('close', () => {
      if (!closing) state.closedByServer = true;
      resolve(state);
    });
    socket.on('error', (e) => {
      state.error = errorKind(e);
      resolve(state);
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `fn` on up to `width` items at once. */
export async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}
