// The collector's HTTP door: POST /api/traces with a bare binary Thrift Batch → 202, on its own loopback server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { asPortError } from '../pkg/index.ts';
import { handleOtlpTraces, OTLP_TRACES_PATH, type OtlpDoorOptions } from './otlp/otlpHttp.ts';

const ACCEPTED_TYPES = new Set(['application/x-thrift', 'application/vnd.apache.thrift.binary']);
export const DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Result of handing a body to the ingest pipeline: undefined when accepted, else the reason. */
export type BodyHandler = (body: Buffer) => string | undefined;

export interface CollectorHttpOptions {
  host: string;
  port: number;
  maxBodyBytes?: number;
  onBody: BodyHandler;
  /** A request refused before decoding (wrong type, too large): counted as a rejection. */
  onRefused: (bytes: number, reason: string) => void;
  /** OTLP/HTTP's POST /v1/traces on the same port, when given. */
  otlp?: OtlpDoorOptions;
}

function reply(res: http.ServerResponse, status: number, reason?: string, close = false): void {
  const headers: http.OutgoingHttpHeaders = { 'Content-Type': 'text/plain; charset=utf-8' };
  if (close) headers.Connection = 'close';
  res.writeHead(status, headers);
  res.end(reason ? `${reason}\n` : undefined);
}

export async function startCollectorHttp(opts: CollectorHttpOptions): Promise<{ port: number; close(): Promise<void> }> {
  const max = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    if (path === OTLP_TRACES_PATH && opts.otlp) return handleOtlpTraces(req, res, opts.otlp);
    if (path !== '/api/traces') return reply(res, 404, `not found: the collector accepts POST /api/traces${opts.otlp ? ` and POST ${OTLP_TRACES_PATH}` : ''}`);
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return reply(res, 405, 'method not allowed: POST a Thrift Batch to /api/traces');
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!ACCEPTED_TYPES.has(type)) {
      const reason = `unsupported content type ${JSON.stringify(type.slice(0, 60))}: send a binary Thrift Batch as application/x-thrift or application/vnd.apache.thrift.binary`;
      opts.onRefused(0, reason);
      req.resume();
      return reply(res, 415, reason);
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > max) {
      const reason = `body of ${declared} bytes is larger than the collector's limit of ${max} bytes`;
      opts.onRefused(0, reason);
      // Not reading a huge body: answer and drop the connection.
      return reply(res, 413, reason, true);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > max) {
        refused = true;
        chunks.length = 0;
        const reason = `body larger than the collector's limit of ${max} bytes`;
        opts.onRefused(size, reason);
        reply(res, 413, reason, true);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const reason = opts.onBody(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      if (reason === undefined) reply(res, 202);
      else reply(res, 400, `cannot decode the Thrift Batch: ${reason}`);
    });
    req.on('error', () => {});
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(asPortError(e, opts.port, 'COLLECTOR_HTTP_PORT', 'Jaeger collector (HTTP)')));
    server.listen(opts.port, opts.host, () => resolve());
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
