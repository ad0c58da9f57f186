// What the collector's two HTTP doors (Thrift /api/traces, OTLP /v1/traces) share: a body read up to a limit, and a loopback server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { asPortError } from '../pkg/index.ts';

export interface HttpDoor {
  port: number;
  close(): Promise<void>;
}

/**
 * Collects a request body. Past `max` bytes it stops keeping chunks, calls onTooBig once with the bytes seen and the
 * reason, and drops the connection (onBody is then never called): a client cannot make us hold more than `max`.
 */
export function readLimitedBody(
  req: http.IncomingMessage,
  max: number,
  onTooBig: (bytes: number, reason: string) => void,
  onBody: (body: Buffer, bytes: number) => void,
): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('data', (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > max) {
      refused = true;
      chunks.length = 0;
      onTooBig(size, `body larger than the collector's limit of ${max} bytes`);
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => {});
  req.on('end', () => {
    if (!refused) onBody(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size), size);
  });
}

/** Listens on host:port; a taken port rejects with a PortInUseError naming `envName`. close() also ends kept-alive connections. */
export async function listenHttpDoor(
  handler: http.RequestListener,
  host: string,
  port: number,
  envName: string,
  what: string,
): Promise<HttpDoor> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(asPortError(e, port, envName, what)));
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
