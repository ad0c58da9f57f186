// Express middleware: one server span per incoming request, joined to the caller's trace from uber-trace-id.
import type { RequestHandler } from 'express';
import { FORMAT_HTTP_HEADERS, Tags } from 'opentracing';
import { currentTracer, detachFromCaller, finishSpan, runInSpan, startSpan, traceIdOf } from './activeSpan.ts';
import { deadlineHeader } from './peerCalls.ts';
import { preciseNowMs } from './preciseClock.ts';

/** Response header carrying the trace id, so the deck can open the trace a request produced. */
export const traceIdHeader = 'x-trace-id';

let open = 0;
/** Traced requests this process is working on right now (the span reporter batches while it is busy). */
export const openRequests = () => open;

export function serverSpans(untracedPrefixes: string[]): RequestHandler {
  return (req, res, next) => {
    if (untracedPrefixes.some((p) => req.path.startsWith(p))) return next();
    open++;
    let counted = true;
    const doneRequest = () => {
      if (counted) open--;
      counted = false;
    };
    const parent = currentTracer().extract(FORMAT_HTTP_HEADERS, req.headers);
    const span = startSpan(`${req.method} ${req.path}`, {
      childOf: parent,
      tags: {
        [Tags.SPAN_KIND]: Tags.SPAN_KIND_RPC_SERVER,
        [Tags.HTTP_METHOD]: req.method,
        [Tags.HTTP_URL]: req.originalUrl,
      },
    });
    const traceId = traceIdOf(span);
    if (traceId) res.setHeader(traceIdHeader, traceId);
    // The span ends when the answer is handed to the socket, not when 'close' gets its turn on a busy
    // event loop (that lag once put a child's end 30 ms after its caller's).
    let answeredAt: number | undefined;
    const deadlineText = req.get(deadlineHeader);
    const callerDeadline = deadlineText ? Number(deadlineText) : undefined;
    /** Set when the caller left first: the span ends once the handler is done with its work. */
    let finishAbandoned: (() => void) | undefined;
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    res.end = ((...args: unknown[]) => {
      answeredAt ??= preciseNowMs();
      finishAbandoned?.();
      return end(...args);
    }) as typeof res.end;
    res.once('close', () => {
      // Named after the matched route so that /stock/latte and /stock/mocha are one operation.
      const route = (req.route as { path?: string } | undefined)?.path;
      if (route) span.setOperationName(`${req.method} ${req.baseUrl}${route}`);
      span.setTag(Tags.HTTP_STATUS_CODE, res.statusCode);
      if (answeredAt === undefined) {
        // The caller stopped waiting (its deadline passed) while this service still works on the request:
        // that work no longer lies inside the caller's span, and its own children must still fit in this one.
        detachFromCaller(span);
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          clearTimeout(giveUp);
          doneRequest();
          finishSpan(span, new Error('the caller hung up before the answer was sent'));
        };
        // A handler that never answers still ends its span, a little later.
        const giveUp = setTimeout(finish, 15_000);
        giveUp.unref();
        finishAbandoned = finish;
        return;
      }
      doneRequest();
      if (callerDeadline !== undefined && answeredAt > callerDeadline) {
        // Answered, but after the caller's deadline: the caller had already given up on this span.
        detachFromCaller(span);
        finishSpan(span, new Error(`answered ${(answeredAt - callerDeadline).toFixed(0)} ms after the caller's deadline`), answeredAt);
      } else if (res.statusCode >= 500) {
        finishSpan(span, new Error(String(res.locals.errorMessage ?? `answered ${res.statusCode}`)), answeredAt);
      } else {
        finishSpan(span, undefined, answeredAt);
      }
    });
    runInSpan(span, () => next());
  };
}
