// Another device's GETs, run in a worker thread: the test's server then spends its event loop on serving, not on reading and hashing 300 MB of answers.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/** What one GET came to; a big body is only hashed. */
export interface DeviceAnswer {
  status: number;
  /** The body when small (a refusal). */
  body: string;
  sha256: string;
  bytes: number;
  /** performance.timeOrigin-based ms, comparable across threads. */
  firstByteAt: number;
  endAt: number;
  retryAfter: string | undefined;
  /** Set only on an answer sent from kept bytes (a rendered one is streamed as it is made). */
  length: string | undefined;
}

export interface DeviceRequests {
  urls: string[];
  /** Sent once the first of `urls` has begun to answer. */
  thenUrls: string[];
  localAddress: string;
}

/** Wall-clock ms with sub-ms precision, the same clock in every thread. */
export const now = () => performance.timeOrigin + performance.now();

export function timedGet(url: string, localAddress: string, onFirstByte?: () => void): Promise<DeviceAnswer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { localAddress, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        const hash = createHash('sha256');
        let bytes = 0;
        let firstByteAt = 0;
        res.on('data', (c: Buffer) => {
          if (!firstByteAt) onFirstByte?.();
          firstByteAt ||= now();
          hash.update(c);
          if (bytes < 64 * 1024) chunks.push(c);
          bytes += c.length;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: bytes < 64 * 1024 ? Buffer.concat(chunks).toString('utf8') : '',
            sha256: hash.digest('hex'),
            bytes,
            firstByteAt,
            endAt: now(),
            retryAfter: res.headers['retry-after'] as string | undefined,
            length: res.headers['content-length'],
          }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

if (parentPort && workerData) {
  const { urls, thenUrls, localAddress } = workerData as DeviceRequests;
  const port = parentPort;
  // Ready first (this thread's start-up is not what is measured), then the GETs when told.
  port.once('message', () => {
    let then: Promise<DeviceAnswer[]> | undefined;
    const sendThen = () => (then ??= Promise.all(thenUrls.map((u) => timedGet(u, localAddress))));
    Promise.all(urls.map((u) => timedGet(u, localAddress, sendThen)))
      .then(async (first) => [...first, ...(await sendThen())])
      .then(
        (answers) => port.postMessage({ answers }),
        (e: unknown) => port.postMessage({ error: String(e) }),
      );
  });
  port.postMessage({ ready: true });
}
