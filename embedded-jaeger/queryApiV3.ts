// Jaeger's v3 query routes as the current Jaeger UI (2.15+) calls them: services, operations, trace summaries, traces in OTLP/JSON.
import express, { type Request, type Response, type Router } from 'express';
import { parseGoDurationUs } from './goDuration.ts';
import { toOtlpResourceSpans } from './otlpFromJaeger.ts';
import { BadQuery, one, parseBool, prettyIndent, sendJson, traceIdFromPath } from './queryParams.ts';
import { jaegerTraceSteps, type RenderOptions } from './traceJson.ts';
import { parentIdOf, type TraceQuery, type TraceRecord, type TraceStore } from './traceStore.ts';
import { BIG_TRACE_SPANS, gatedAnswer, type HeavyQueries, inSlices, searchInSlices, sendBigTrace, streamJson } from './boundedAnswer.ts';
import { AnswerCache } from './answerCache.ts';
import { Chunked, jsonPieces } from './jsonStream.ts';
import type { JaegerTrace } from '../model/index.ts';

const DEFAULT_SEARCH_DEPTH = 100;

export interface QueryApiV3Options {
  maxClockSkewUs: number;
  /** The gate every search passes, shared with the v1 routes. */
  searches: HeavyQueries;
  /** The gate a big trace's rendering passes, shared with the v1 routes. */
  bigTraces: HeavyQueries;
  /** Where big answers are shared and kept, with the v1 routes; default a new AnswerCache. */
  answers?: AnswerCache;
}

/** Jaeger's v3 error answer (grpc-gateway's shape), sent the way Go's http.Error sends it. */
function v3Error(res: Response, httpCode: number, message: string): void {
  res
    .status(httpCode)
    .type('text/plain; charset=utf-8')
    .send(`${JSON.stringify({ error: { httpCode, message } })}\n`);
}

/** A parameter by its camelCase name, else its older snake_case alias (Jaeger reads both). */
function param(req: Request, canonical: string, deprecated: string): [value: string | undefined, name: string] {
  const v = one(req, canonical);
  return v !== undefined ? [v, canonical] : [one(req, deprecated), deprecated];
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

/** RFC 3339 with up to nanoseconds (Go's time.RFC3339Nano) → µs since the epoch. */
function rfc3339Us(text: string, name: string): number {
  const m = RFC3339.exec(text);
  const ms = m ? Date.parse(`${m[1]}${m[3]!.toUpperCase()}`) : NaN;
  if (!m || Number.isNaN(ms))
    throw new BadQuery(
      `malformed parameter ${name}: not an RFC 3339 time such as 2026-08-20T15:04:05.123Z: ${JSON.stringify(text.slice(0, 40))}`,
    );
  return ms * 1000 + Math.floor(Number((m[2] ?? '').padEnd(9, '0')) / 1000);
}

function durationUs(req: Request, canonical: string, deprecated: string): number | undefined {
  const [v, name] = param(req, canonical, deprecated);
  if (v === undefined) return undefined;
  const us = parseGoDurationUs(v);
  if (us === undefined)
    throw new BadQuery(`malformed parameter ${name}: not a duration such as 10ms or 1.5s: ${JSON.stringify(v.slice(0, 40))}`);
  return us || undefined;
}

/** The query.* parameters of /api/v3/traces and /api/v3/trace-summaries. */
function parseFindQuery(req: Request): TraceQuery {
  if (one(req, 'query.filter') !== undefined)
    throw new BadQuery('malformed parameter query.filter: structured filters are not supported here; use query.attributes');
  const [min, minName] = param(req, 'query.startTimeMin', 'query.start_time_min');
  const [max, maxName] = param(req, 'query.startTimeMax', 'query.start_time_max');
  if (min === undefined || max === undefined) throw new BadQuery('query.startTimeMin and query.startTimeMax are required');
  const start = rfc3339Us(min, minName);
  const end = rfc3339Us(max, maxName);
  if (start >= end) throw new BadQuery('query.startTimeMin must be before query.startTimeMax');
  let [depth, depthName] = param(req, 'query.searchDepth', 'query.search_depth');
  if (depth === undefined) [depth, depthName] = [one(req, 'query.num_traces'), 'query.num_traces'];
  let limit = DEFAULT_SEARCH_DEPTH;
  if (depth !== undefined) {
    if (!/^[+-]?\d{1,18}$/.test(depth))
      throw new BadQuery(`malformed parameter ${depthName}: not an integer: ${JSON.stringify(depth.slice(0, 40))}`);
    limit = Number(depth);
    if (limit <= 0) throw new BadQuery(`malformed parameter ${depthName}: the search depth must be greater than 0`);
  }
  let tags: Record<string, string> | undefined;
  const attrs = one(req, 'query.attributes');
  if (attrs !== undefined) {
    let obj: unknown;
    try {
      obj = JSON.parse(attrs);
    } catch {
      throw new BadQuery('malformed parameter query.attributes: expected a JSON object of strings');
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj) || Object.values(obj).some((v) => typeof v !== 'string')) {
      throw new BadQuery('malformed parameter query.attributes: expected a JSON object of strings');
    }
    tags = Object.keys(obj).length ? (obj as Record<string, string>) : undefined;
  }
  const [service] = param(req, 'query.serviceName', 'query.service_name');
  const [operation] = param(req, 'query.operationName', 'query.operation_name');
  return {
    service,
    operation,
    tags,
    start,
    end,
    limit,
    minDuration: durationUs(req, 'query.durationMin', 'query.duration_min'),
    maxDuration: durationUs(req, 'query.durationMax', 'query.duration_max'),
  };
}

function rawParam(req: Request, canonical: string, deprecated: string): boolean {
  const [v, name] = param(req, canonical, deprecated);
  return parseBool(name, v);
}

/** What the UI lists per found trace (Jaeger's TraceSummary; zero counts and empty names left out as its JSON does). */
function traceSummary(t: TraceRecord): Record<string, unknown> {
  const ids = new Set<string>();
  for (const s of t.spans) ids.add(s.spanId);
  const services = new Map<string, { spanCount: number; errorSpanCount: number }>();
  let root: (typeof t.spans)[number] | undefined;
  let errors = 0;
  let orphans = 0;
  for (const s of t.spans) {
    const name = s.process.serviceName;
    let svc = services.get(name);
    if (!svc) services.set(name, (svc = { spanCount: 0, errorSpanCount: 0 }));
    svc.spanCount++;
    if (s.error) {
      svc.errorSpanCount++;
      errors++;
    }
    const parent = parentIdOf(s);
    if (!parent) {
      if (!root || s.startTime < root.startTime) root = s;
    } else if (!ids.has(parent)) orphans++;
  }
  const nz = (k: string, v: number | string) => (v ? { [k]: v } : {});
  return {
    traceId: t.traceID.padStart(32, '0'),
    ...nz('rootServiceName', root?.process.serviceName ?? ''),
    ...nz('rootOperationName', root?.operationName ?? ''),
    minStartTimeUnixNano: `${t.startTime}000`,
    maxEndTimeUnixNano: `${t.endTime}000`,
    spanCount: t.spans.length,
    ...nz('errorSpanCount', errors),
    ...nz('orphanSpanCount', orphans),
    services: [...services]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([name, c]) => ({ name, spanCount: c.spanCount, ...nz('errorSpanCount', c.errorSpanCount) })),
  };
}

export function createQueryApiV3(store: TraceStore, opts: QueryApiV3Options): Router {
  const router = express.Router();
  const answers = opts.answers ?? new AnswerCache();
  const render = (raw: boolean): RenderOptions => (raw ? {} : { maxClockSkewUs: opts.maxClockSkewUs });

  router.get('/api/v3/services', (req, res) => {
    sendJson(req, res, { services: store.serviceNames() });
  });

  router.get('/api/v3/operations', (req, res) => {
    const [kind] = param(req, 'spanKind', 'span_kind');
    // Jaeger's v3 says "internal" where the spans said no kind.
    const operations = store
      .operationKinds(one(req, 'service') ?? '', kind === 'internal' ? undefined : kind)
      .map((o) => ({ name: o.name, spanKind: o.spanKind || 'internal' }));
    sendJson(req, res, { operations: kind === 'internal' ? operations.filter((o) => o.spanKind === 'internal') : operations });
  });

  router.get('/api/v3/trace-summaries', (req, res) => {
    let q: TraceQuery;
    try {
      q = parseFindQuery(req);
    } catch (e) {
      if (e instanceof BadQuery) return v3Error(res, 400, e.message);
      throw e;
    }
    void boundedSearch(req, res, opts.searches, store, q, async (found) =>
      sendJson(req, res, { summaries: await inSlices(found, traceSummary) }),
    );
  });

  router.get('/api/v3/traces', (req, res) => {
    let q: TraceQuery;
    let raw: boolean;
    try {
      q = parseFindQuery(req);
      raw = rawParam(req, 'query.rawTraces', 'query.raw_traces');
    } catch (e) {
      if (e instanceof BadQuery) return v3Error(res, 400, e.message);
      throw e;
    }
    void boundedSearch(req, res, opts.searches, store, q, async (found) => {
      if (found.length === 0) return v3Error(res, 404, 'No traces found');
      await streamJson(req, res, otlpAnswer(found, render(raw)));
    });
  });

  router.get('/api/v3/traces/:traceID', (req, res) => {
    const text = String(req.params.traceID);
    const key = traceIdFromPath(text);
    if (!key)
      return v3Error(
        res,
        400,
        `malformed parameter trace_id: ${JSON.stringify(text.slice(0, 40))} is not a trace id (hex, or 16 bytes in base64)`,
      );
    let raw: boolean;
    try {
      for (const [c, d] of [
        ['startTime', 'start_time'],
        ['endTime', 'end_time'],
      ] as const) {
        const [v, name] = param(req, c, d);
        if (v !== undefined) rfc3339Us(v, name);
      }
      raw = rawParam(req, 'rawTraces', 'raw_traces');
    } catch (e) {
      if (e instanceof BadQuery) return v3Error(res, 400, e.message);
      throw e;
    }
    const t = store.get(key);
    if (!t) return v3Error(res, 404, 'No traces found');
    // Rendered, converted and sent in slices, as the v1 answer (boundedAnswer.ts); a big one shared and kept as v1's.
    if (t.spans.length <= BIG_TRACE_SPANS)
      return void gatedAnswer(req, res, [t], opts.bigTraces, v3Error, () => streamJson(req, res, otlpAnswer([t], render(raw))));
    sendBigTrace(req, res, {
      trace: t,
      variant: `v3\u0000${raw}\u0000${prettyIndent(req)}`,
      answers,
      gate: opts.bigTraces,
      refuse: v3Error,
      pieces: () => jsonPieces(otlpAnswer([t], render(raw)), prettyIndent(req)),
    });
  });

  return router;
}

/** Traces as v3 answers them ({result:{resourceSpans}}), each rendered and converted in steps as it is written. */
function otlpAnswer(traces: readonly TraceRecord[], options: RenderOptions): Chunked {
  const members = function* (trace: TraceRecord): Generator<undefined, unknown[]> {
    const converted = yield* otlpInParts(yield* jaegerTraceSteps(trace, options));
    return converted.map((r) =>
      Chunked.object({
        ...r,
        scopeSpans: Chunked.array(r.scopeSpans as Record<string, unknown>[], (g) =>
          Chunked.object({ ...g, spans: Chunked.array(g.spans as unknown[]) }),
        ),
      }),
    );
  };
  return Chunked.object({ result: Chunked.object({ resourceSpans: Chunked.steps(traces, members) }) });
}

/** Spans converted per call: the conversion of a part costs a few ms. */
const OTLP_PART_SPANS = 2_000;

/**
 * toOtlpResourceSpans over a big trace part by part, merged into what one call on the whole trace gives
 * (a resource per process, a scope group per scope, each in order of first appearance), yielding after each
 * part so the conversion runs in slices.
 */
function* otlpInParts(trace: JaegerTrace): Generator<undefined, Record<string, unknown>[]> {
  const byProcess = new Map<string, { resource: Record<string, unknown>; scopes: Map<string, { scope: unknown; spans: unknown[] }> }>();
  for (let at = 0; at < trace.spans.length; at += OTLP_PART_SPANS) {
    if (at > 0) yield;
    const part = trace.spans.slice(at, at + OTLP_PART_SPANS);
    // The converter answers one entry per process in order of first appearance: the same order as here.
    const pids = [...new Set(part.map((s) => s.processID))];
    toOtlpResourceSpans({ ...trace, spans: part }).forEach((r, i) => {
      let entry = byProcess.get(pids[i]!);
      if (!entry) byProcess.set(pids[i]!, (entry = { resource: r, scopes: new Map() }));
      for (const g of r.scopeSpans as { scope: unknown; spans: unknown[] }[]) {
        const key = JSON.stringify(g.scope);
        const known = entry.scopes.get(key);
        if (known) known.spans.push(...g.spans);
        else entry.scopes.set(key, { ...g, spans: [...g.spans] });
      }
    });
  }
  return [...byProcess.values()].map(({ resource, scopes }) => ({ ...resource, scopeSpans: [...scopes.values()] }));
}

/** The store's search in slices (embedded-jaeger/boundedAnswer.ts), past the search gate, newest first. */
async function boundedSearch(
  req: Request,
  res: Response,
  searches: HeavyQueries,
  store: TraceStore,
  q: TraceQuery,
  answer: (found: TraceRecord[]) => Promise<void>,
): Promise<void> {
  const release = searches.admit(req, res, v3Error);
  if (!release) return;
  try {
    const hits = await searchInSlices(store, q, () => res.destroyed);
    if (hits) await answer(hits);
  } catch {
    if (!res.headersSent) v3Error(res, 500, 'search failed');
    else res.destroy();
  } finally {
    release();
  }
}
