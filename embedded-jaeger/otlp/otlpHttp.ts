// OTLP/HTTP's trace door: POST /v1/traces (protobuf or JSON, gzip allowed) on the collector's port and on its own loopback port (4318).
import type http from 'node:http';
import zlib from 'node:zlib';
import { listenHttpDoor, readLimitedBody, type HttpDoor } from '../httpDoor.ts';

export const OTLP_TRACES_PATH = '/v1/traces';
const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** Decodes and stores one request body; undefined when accepted, else the reason it was refused. */
export type OtlpBodyHandler = (body: Buffer, json: boolean, wireBytes: number) => string | undefined;

export interface OtlpDoorOptions {
  maxBodyBytes: number;
  onBody: OtlpBodyHandler;
  /** Refused before decoding (wrong type or encoding, too large, broken gzip): counted as a rejection. */
  onRefused: (bytes: number, reason: string) => void;
}

/** OTLP's error answer: a Status in JSON for JSON requests; protobuf requests get the reason as text (no Status schema ships with the generated root). */
function fail(res: http.ServerResponse, status: number, reason: string, json: boolean, close = false): void {
  const headers: http.OutgoingHttpHeaders = json ? { 'Content-Type': JSON_TYPE } : { 'Content-Type': 'text/plain; charset=utf-8' };
  if (close) headers.Connection = 'close';
  res.writeHead(status, headers);
  // gRPC code 3 = INVALID_ARGUMENT, 8 = RESOURCE_EXHAUSTED, as OTLP's Status carries them.
  res.end(json ? JSON.stringify({ code: status === 413 ? 8 : 3, message: reason }) : `${reason}\n`);
}

/** Handles a request already known to be for /v1/traces. */
export function handleOtlpTraces(req: http.IncomingMessage, res: http.ServerResponse, opts: OtlpDoorOptions): void {
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return fail(res, 405, `method not allowed: POST an ExportTraceServiceRequest to ${OTLP_TRACES_PATH}`, false);
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const json = type === JSON_TYPE;
  if (!json && type !== PROTOBUF) {
    const reason = `unsupported content type ${JSON.stringify(type.slice(0, 60))}: OTLP/HTTP takes ${PROTOBUF} or ${JSON_TYPE}`;
    opts.onRefused(0, reason);
    req.resume();
    return fail(res, 415, reason, false);
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    const reason = `unsupported content encoding ${JSON.stringify(encoding.slice(0, 30))}: send it plain or gzip`;
    opts.onRefused(0, reason);
    req.resume();
    return fail(res, 415, reason, json);
  }
  const max = opts.maxBodyBytes;
  if (Number(req.headers['content-length'] ?? 0) > max) {
    const reason = `body larger than the collector's limit of ${max} bytes`;
    opts.onRefused(0, reason);
    return fail(res, 413, reason, json, true);
  }
  readLimitedBody(
    req,
    max,
    (bytes, reason) => {
      opts.onRefused(bytes, reason);
      fail(res, 413, reason, json, true);
    },
    (wire, size) => {
      const finish = (body: Buffer) => {
        const reason = opts.onBody(body, json, size);
        if (reason !== undefined) return fail(res, 400, `cannot use the ExportTraceServiceRequest: ${reason}`, json);
        res.writeHead(200, { 'Content-Type': json ? JSON_TYPE : PROTOBUF });
        res.end(json ? '{}' : undefined);
      };
      if (encoding !== 'gzip') return finish(wire);
      // Inflated off the event loop, and never past the body limit (a small gzip can expand enormously).
      zlib.gunzip(wire, { maxOutputLength: max }, (err, body) => {
        if (!err) return finish(body);
        const tooBig = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
        const reason = tooBig ? `gzip body inflates past the collector's limit of ${max} bytes` : `broken gzip body: ${err.message}`;
        opts.onRefused(size, reason);
        fail(res, tooBig ? 413 : 400, reason, json);
      });
    },
  );
}

/** The OTLP/HTTP port of its own (default 4318, like the OpenTelemetry Collector): /v1/traces only. */
export function startOtlpHttp(host: string, port: number, opts: OtlpDoorOptions): Promise<HttpDoor> {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === OTLP_TRACES_PATH) return handleOtlpTraces(req, res, opts);
    req.resume();
    fail(res, 404, `not found: this port accepts POST ${OTLP_TRACES_PATH} (OTLP/HTTP traces)`, false);
  };
  return listenHttpDoor(handler, host, port, 'COLLECTOR_OTLP_HTTP_PORT', 'OTLP/HTTP receiver');
}
