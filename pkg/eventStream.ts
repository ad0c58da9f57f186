// Server-sent-event streams: the headers every stream needs, and the comment line now and then that keeps a quiet stream open.
import type { Request, Response } from 'express';

/** Proxies, phone radios and idle timeouts drop a stream that stays quiet for longer than this. */
export const EVENT_STREAM_HEARTBEAT_MS = 15_000;

/**
 * Answers `req` with an open event stream: headers sent at once and never cached or buffered by a
 * proxy, each event on the wire as soon as it is written, a heartbeat comment every `heartbeatMs`.
 * `onClose` runs once, when the stream ends from either side.
 */
export function openEventStream(req: Request, res: Response, onClose: () => void, heartbeatMs = EVENT_STREAM_HEARTBEAT_MS): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', 'X-Accel-Buffering': 'no' });
  res.flushHeaders();
  req.socket.setNoDelay(true);
  const heartbeat = setInterval(() => res.write(': still here\n\n'), heartbeatMs).unref();
  res.once('close', () => {
    clearInterval(heartbeat);
    onClose();
  });
}
