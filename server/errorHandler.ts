// The last handlers of the public server: a plain 404, and an error answer that never carries a stack trace or a file path.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Log } from '../pkg/index.ts';

function statusOf(err: unknown): number {
  const e = err as { status?: unknown; statusCode?: unknown };
  const s = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500;
  return s >= 400 && s < 600 ? s : 500;
}

/** Words a client may read: the router's and body parser's own 4xx reasons name the input, never the code. */
function reasonFor(err: unknown, status: number): string {
  if (status >= 500) return 'internal error: the server logged it; the demo keeps running';
  if (err instanceof URIError) return 'malformed percent-encoding in the path';
  const e = err as { expose?: unknown; message?: unknown; type?: unknown };
  if (e?.expose === true && typeof e.message === 'string') return e.message.slice(0, 200);
  return 'bad request';
}

export function finalErrorHandler(log: Log): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const status = statusOf(err);
    // The stack goes to the presenter's terminal (folded when repeated), never to the client.
    if (status >= 500)
      log.error(`${req.method} ${req.path.slice(0, 80)}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res
      .status(status)
      .type('application/json')
      .send(JSON.stringify({ error: reasonFor(err, status) }));
  };
}

export const notFound: RequestHandler = (req, res) => {
  res
    .status(404)
    .type('text/plain')
    .send(`not found: ${req.method} ${req.path.slice(0, 80)}`);
};
