// The Jaeger query JSON API over the trace store: /api/traces…, /api/services…, /api/operations, /api/dependencies.
import express, { type Request, type Response, type Router } from 'express';
import type { JaegerEnvelope, JaegerError } from '../model/index.ts';
import { parseGoDurationUs, parseLookbackUs } from './goDuration.ts';
import { BadQuery, boolParam, int32Param, one, paddedTraceId, prettyIndent, sendJson, traceIdFromPath } from './queryParams.ts';
import type { RenderOptions } from './traceJson.ts';
import { parseTraceId, type TraceQuery, type TraceRecord, type TraceStore } from './traceStore.ts';
import {
  BIG_TRACE_SPANS,
  envelopeOf,
  gatedAnswer,
  type HeavyQueries,
  runInSlices,
  searchInSlices,
  sendBigTrace,
  streamEnvelope,
} from './boundedAnswer.ts';
import { jsonPieces } from './jsonStream.ts';
import { AnswerCache } from './answerCache.ts';
import { prerenderIdleTraces } from './answerPrerender.ts';

const DEFAULT_LIMIT = 100;
/** Jaeger's query service searches the last 48 h when no start is given. */
const DEFAULT_LOOKBACK_US = 48 * 3_600_000_000;
const DEFAULT_DEPENDENCY_LOOKBACK_MS = 24 * 3_600_000;

export function envelope<T>(data: T, total = 0): JaegerEnvelope<T> {
  return { data, total, limit: 0, offset: 0, errors: null };
}

/** Jaeger's error answer: no data, the status repeated in the errors list. */
export function sendError(res: Response, code: number, msg: string): void {
  const body: JaegerEnvelope<null> = { data: null, total: 0, limit: 0, offset: 0, errors: [{ code, msg }] };
  res.status(code).json(body);
}

export interface QueryApiOptions {
  /** Largest clock-skew shift in µs for adjusted (not raw) answers; 0 = only warn, as Jaeger's default. */
  maxClockSkewUs?: number;
  /** The gate every search passes, shared with the v3 routes: a device's searches count once whichever API it calls. */
  searches: HeavyQueries;
  /** The gate a big trace's answer passes (boundedAnswer.ts BIG_TRACE_SPANS), shared with the v3 routes. */
  bigTraces: HeavyQueries;
  /** Each time a trace grows: a big one is rendered ahead once it goes quiet (answerPrerender.ts). Absent = only when asked. */
  onTraceGrew?: (listener: (traceID: string) => void) => () => void;
  /** How long a big trace must not grow before it is rendered ahead (default 2 s). */
  prerenderIdleMs?: number;
  /** Where big answers are kept (tests look inside); default a new AnswerCache. */
  answers?: AnswerCache;
}

/** The key a big answer is kept under: its render options and indent. */
export function answerVariant(render: RenderOptions, indent: string): string {
  return `${JSON.stringify(render)}\u0000${indent}`;
}

/** raw=true answers the trace as stored; otherwise Jaeger's adjusters run (here: clock skew). */
function renderOptions(req: Request, opts: QueryApiOptions): RenderOptions {
  return boolParam(req, 'raw') ? {} : { maxClockSkewUs: opts.maxClockSkewUs ?? DEFAULT_MAX_CLOCK_SKEW_US };
}

/** Our default: shift up to 1 s (Jaeger's is 0, warn only; see the README for why). */
export const DEFAULT_MAX_CLOCK_SKEW_US = 1_000_000;

function all(req: Request, name: string): string[] {
  const v = req.query[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
}

function intParam(req: Request, name: string): number | undefined {
  const s = one(req, name);
  if (s === undefined) return undefined;
  if (!/^-?\d+$/.test(s)) throw new BadQuery(`unable to parse param '${name}': not an integer: ${JSON.stringify(s.slice(0, 40))}`);
  return Number(s);
}

function durationParam(req: Request, name: string): number | undefined {
  const s = one(req, name);
  if (s === undefined) return undefined;
  const us = parseGoDurationUs(s);
  if (us === undefined)
    throw new BadQuery(`unable to parse param '${name}': not a duration such as 10ms or 1.5s: ${JSON.stringify(s.slice(0, 40))}`);
  return us;
}

/** tags={"k":"v"} (what Jaeger UI sends) and tag=k:v (the older repeated form) are both accepted. */
function tagsParam(req: Request): Record<string, string> | undefined {
  const tags: Record<string, string> = {};
  for (const raw of all(req, 'tags')) {
    let obj: unknown;
    try {
      obj = JSON.parse(raw);
    } catch {
      throw new BadQuery(`malformed 'tags' parameter, expected a JSON object: ${JSON.stringify(raw.slice(0, 60))}`);
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new BadQuery("malformed 'tags' parameter, expected a JSON object");
    for (const [k, v] of Object.entries(obj)) {
      // Jaeger reads tags= into map[string]string: any other value type is a bad request.
      if (typeof v !== 'string')
        throw new BadQuery(`malformed 'tags' parameter: the value of ${JSON.stringify(k.slice(0, 40))} is not a string`);
      tags[k] = v;
    }
  }
  for (const kv of all(req, 'tag')) {
    const i = kv.indexOf(':');
    if (i <= 0) throw new BadQuery(`malformed 'tag' parameter, expected key:value: ${JSON.stringify(kv.slice(0, 60))}`);
    tags[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return Object.keys(tags).length > 0 ? tags : undefined;
}

function parseTraceQuery(req: Request, nowUs = Date.now() * 1000): TraceQuery {
  const end = intParam(req, 'end') ?? nowUs;
  // Jaeger ignores lookback (the UI sends it beside start/end: 1h…4w); without a start we honour it.
  let start = intParam(req, 'start');
  if (start === undefined) {
    const lookback = one(req, 'lookback');
    const lookbackUs = lookback && lookback !== 'custom' ? parseLookbackUs(lookback) : undefined;
    if (lookback && lookback !== 'custom' && lookbackUs === undefined)
      throw new BadQuery(`unable to parse param 'lookback': ${JSON.stringify(lookback.slice(0, 40))}`);
    start = end - (lookbackUs ?? DEFAULT_LOOKBACK_US);
  }
  // 0 means "no bound" for both, as in Jaeger.
  const minDuration = durationParam(req, 'minDuration') || undefined;
  const maxDuration = durationParam(req, 'maxDuration') || undefined;
  if (minDuration !== undefined && maxDuration !== undefined && maxDuration < minDuration) {
    throw new BadQuery("'maxDuration' should be greater than 'minDuration'");
  }
  const limit = int32Param(req, 'limit') ?? DEFAULT_LIMIT;
  if (limit < 0) throw new BadQuery("'limit' must not be negative");
  // 0 ("no limit") means the default; the search cuts a larger limit to its own bound (boundedAnswer.ts).
  return {
    service: one(req, 'service'),
    operation: one(req, 'operation'),
    tags: tagsParam(req),
    minDuration,
    maxDuration,
    start,
    end,
    limit: limit || DEFAULT_LIMIT,
  };
}

export function createQueryApi(store: TraceStore, opts: QueryApiOptions): Router {
  const router = express.Router();
  const heavy = opts.searches;
  const answers = opts.answers ?? new AnswerCache();
  if (opts.onTraceGrew) {
    // The answer the viewer and the Jaeger UI ask for: clock skew corrected, not pretty.
    const render = { maxClockSkewUs: opts.maxClockSkewUs ?? DEFAULT_MAX_CLOCK_SKEW_US };
    prerenderIdleTraces({
      store,
      answers,
      shell: envelope([]),
      render,
      variant: answerVariant(render, ''),
      onTraceGrew: opts.onTraceGrew,
      idleMs: opts.prerenderIdleMs,
    });
  }

  router.get('/api/traces/:traceID', (req, res) => {
    const raw = String(req.params.traceID);
    const key = traceIdFromPath(raw);
    if (!key)
      return sendError(
        res,
        400,
        `cannot parse traceID ${JSON.stringify(raw.slice(0, 40))}: expected 1 to 32 hex digits or 16 bytes in base64`,
      );
    let render: RenderOptions;
    try {
      intParam(req, 'start');
      intParam(req, 'end');
      render = renderOptions(req, opts);
    } catch (e) {
      if (e instanceof BadQuery) return sendError(res, 400, e.message);
      throw e;
    }
    const trace = store.get(key);
    if (!trace) return sendError(res, 404, 'trace not found');
    // A big one: the bytes kept from the last time it was asked for (the viewer opens it again and again), else
    // the rendering under way for someone else, else rendered in slices (a 100k-span trace is ~37 MB of JSON;
    // boundedAnswer.ts) and kept. One rendering serves every request that comes while it runs.
    if (trace.spans.length <= BIG_TRACE_SPANS)
      return void gatedAnswer(req, res, [trace], opts.bigTraces, sendError, () => streamEnvelope(req, res, envelope([]), [trace], render));
    sendBigTrace(req, res, {
      trace,
      variant: answerVariant(render, prettyIndent(req)),
      answers,
      gate: opts.bigTraces,
      refuse: sendError,
      pieces: () => jsonPieces(envelopeOf(envelope([]), [trace], render), prettyIndent(req)),
    });
  });

  router.get('/api/traces', (req, res) => {
    const ids = all(req, 'traceID');
    let q: TraceQuery;
    let render: RenderOptions;
    try {
      q = parseTraceQuery(req);
      render = renderOptions(req, opts);
    } catch (e) {
      if (e instanceof BadQuery) return sendError(res, 400, e.message);
      throw e;
    }
    if (ids.length > 0) {
      const errors: JaegerError[] = [];
      const found: TraceRecord[] = [];
      for (const id of ids) {
        const key = parseTraceId(id);
        if (!key) return sendError(res, 400, `cannot parse traceID param: ${JSON.stringify(id.slice(0, 40))} is not 1 to 32 hex digits`);
        const t = store.get(key);
        if (t) found.push(t);
        // As Jaeger: no code, the id re-printed in its canonical form.
        else errors.push({ msg: 'trace not found', traceID: paddedTraceId(key) });
      }
      // Hundreds of ids fit in a URL: the traces are rendered and sent one at a time (boundedAnswer.ts).
      void gatedAnswer(req, res, found, opts.bigTraces, sendError, () =>
        streamEnvelope(req, res, { ...envelope([]), errors: errors.length ? errors : null }, found, render),
      );
      return;
    }
    // The search and its answer run in slices, a few at a time (see boundedAnswer.ts).
    const release = heavy.admit(req, res, sendError);
    if (!release) return;
    res.once('close', release);
    void (async () => {
      const hits = await searchInSlices(store, q, () => res.destroyed);
      if (!hits) return release();
      await streamEnvelope(req, res, envelope([]), hits, render);
      release();
    })().catch((e: unknown) => {
      release();
      if (!res.headersSent) sendError(res, 500, 'search failed');
      else res.destroy();
      void e;
    });
  });

  router.get('/api/services', (req, res) => {
    const names = store.serviceNames();
    sendJson(req, res, envelope(names, names.length));
  });

  router.get('/api/services/:service/operations', (req, res) => {
    const ops = store.operations(String(req.params.service));
    sendJson(req, res, envelope(ops, ops.length));
  });

  router.get('/api/operations', (req, res) => {
    const service = one(req, 'service');
    if (!service) return sendError(res, 400, "parameter 'service' is required");
    const ops = store.operationKinds(service, one(req, 'spanKind'));
    sendJson(req, res, envelope(ops, ops.length));
  });

  router.get('/api/dependencies', (req, res) => {
    let endTs: number;
    let lookback: number;
    try {
      endTs = intParam(req, 'endTs') ?? Date.now();
      lookback = intParam(req, 'lookback') ?? DEFAULT_DEPENDENCY_LOOKBACK_MS;
    } catch (e) {
      return sendError(res, 400, (e as Error).message);
    }
    const service = one(req, 'service');
    // A walk over every stored trace: in slices, and counted with the searches (see boundedAnswer.ts).
    const release = heavy.admit(req, res, sendError);
    if (!release) return;
    void runInSlices(store.dependencySteps((endTs - lookback) * 1000, endTs * 1000), () => res.destroyed)
      .then((found) => {
        if (!found) return;
        const links = service ? found.filter((l) => l.parent === service || l.child === service) : found;
        sendJson(req, res, envelope(links));
      })
      .catch(() => {
        if (!res.headersSent) sendError(res, 500, 'dependencies failed');
      })
      .finally(release);
  });

  return router;
}
