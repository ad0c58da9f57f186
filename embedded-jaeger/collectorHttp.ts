// The collector's HTTP door: POST /api/traces with a bare binary Thrift Batch → 202, on its own loopback server.
import type http from 'node:http';
import { listenHttpDoor, readLimitedBody, type HttpDoor } from './httpDoor.ts';
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

export async function startCollectorHttp(opts: CollectorHttpOptions): Promise<HttpDoor> {
  const max = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    if (path === OTLP_TRACES_PATH && opts.otlp) return handleOtlpTraces(req, res, opts.otlp);
    if (path !== '/api/traces')
      return reply(res, 404, `not found: the collector accepts POST /api/traces${opts.otlp ? ` and POST ${OTLP_TRACES_PATH}` : ''}`);
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
    readLimitedBody(
      req,
      max,
      (bytes, reason) => {
        opts.onRefused(bytes, reason);
        reply(res, 413, reason, true);
      },
      (body) => {
        const reason = opts.onBody(body);
        if (reason === undefined) reply(res, 202);
        else reply(res, 400, `cannot decode the Thrift Batch: ${reason}`);
      },
    );
  };
  return listenHttpDoor(handler, opts.host, opts.port, 'COLLECTOR_HTTP_PORT', 'Jaeger collector (HTTP)');
}
