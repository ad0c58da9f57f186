// The load test's HTTP side: demo requests over a shared keep-alive pool, measurements on their own connections, and SSE streams that count what arrives.
import http from 'node:http';

export const REQUEST_TIMEOUT_MS = 30_000;

/** Demo requests share a pool of kept-alive connections, as phones behind one Wi-Fi would not, but the server's work is the same. */
export const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

interface Reply {
  status: number;
  body: string;
}

export function request(
  url: URL,
  opts: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number; ownConnection?: boolean } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: opts.ownConnection ? false : agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs ?? REQUEST_TIMEOUT_MS, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(opts.body);
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

/** An open server-sent-events stream that counts what arrives. */
export interface Stream {
  status: number;
  events: number;
  bytes: number;
  /** Ended by the server or the network before we closed it. */
  lost: boolean;
  close(): void;
}

export function openStream(url: URL): Promise<Stream> {
  return new Promise((resolve) => {
    let closing = false;
    const stream: Stream = {
      status: 0,
      events: 0,
      bytes: 0,
      lost: false,
      close: () => {
        closing = true;
        req.destroy();
      },
    };
    // One connection per stream, as each phone has its own.
    const req = http.get(url, { agent: false, headers: { accept: 'text/event-stream' } }, (res) => {
      stream.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        stream.bytes += chunk.length;
        for (let i = chunk.indexOf('event:'); i !== -1; i = chunk.indexOf('event:', i + 6)) stream.events++;
      });
      res.on('close', () => {
        if (!closing) stream.lost = true;
      });
      resolve(stream);
    });
    req.on('error', () => {
      if (!closing) stream.lost = true;
      resolve(stream);
    });
  });
}
