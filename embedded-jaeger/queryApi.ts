// The Jaeger query JSON API over the trace store: /api/traces…, /api/services…, /api/operations, /api/dependencies.
import express, { type Request, type Response, type Router } from 'express';
import type { JaegerEnvelope, JaegerError } from '../model/jaegerJson.ts';
import { parseGoDurationUs } from './goDuration.ts';
import { toJaegerTrace } from './traceJson.ts';
import { parseTraceId, type TraceQuery, type TraceStore } from './traceStore.ts';

const DEFAULT_LIMIT = 100;
const DEFAULT_LOOKBACK_US = 3_600_000_000;
const DEFAULT_DEPENDENCY_LOOKBACK_MS = 24 * 3_600_000;

export function envelope<T>(data: T, total = 0): JaegerEnvelope<T> {
  return { data, total, limit: 0, offset: 0, errors: null };
}

/** Jaeger's error answer: no data, the status repeated in the errors list. */
export function sendError(res: Response, code: number, msg: string): void {
  const body: JaegerEnvelope<null> = { data: null, total: 0, limit: 0, offset: 0, errors: [{ code, msg }] };
  res.status(code).json(body);
}

class BadQuery extends Error {}

function one(req: Request, name: string): string | undefined {
  const v = req.query[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' && s !== '' ? s : undefined;
}

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
  if (us === undefined) throw new BadQuery(`unable to parse param '${name}': not a duration such as 10ms or 1.5s: ${JSON.stringify(s.slice(0, 40))}`);
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
    for (const [k, v] of Object.entries(obj)) tags[k] = String(v);
  }
  for (const kv of all(req, 'tag')) {
    const i = kv.indexOf(':');
    if (i <= 0) throw new BadQuery(`malformed 'tag' parameter, expected key:value: ${JSON.stringify(kv.slice(0, 60))}`);
    tags[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return Object.keys(tags).length > 0 ? tags : undefined;
}

export function parseTraceQuery(req: Request, nowUs = Date.now() * 1000): TraceQuery {
  const end = intParam(req, 'end') ?? nowUs;
  const lookback = one(req, 'lookback');
  const lookbackUs = lookback && lookback !== 'custom' ? parseGoDurationUs(lookback) : undefined;
  if (lookback && lookback !== 'custom' && lookbackUs === undefined) throw new BadQuery(`unable to parse param 'lookback': ${JSON.stringify(lookback.slice(0, 40))}`);
  const start = intParam(req, 'start') ?? end - (lookbackUs ?? DEFAULT_LOOKBACK_US);
  const minDuration = durationParam(req, 'minDuration');
  const maxDuration = durationParam(req, 'maxDuration');
  if (minDuration !== undefined && maxDuration !== undefined && maxDuration < minDuration) {
    throw new BadQuery("'maxDuration' should be greater than 'minDuration'");
  }
  const limit = intParam(req, 'limit') ?? DEFAULT_LIMIT;
  if (limit < 0) throw new BadQuery("'limit' must not be negative");
  return { service: one(req, 'service'), operation: one(req, 'operation'), tags: tagsParam(req), minDuration, maxDuration, start, end, limit };
}

export function createQueryApi(store: TraceStore): Router {
  const router = express.Router();

  router.get('/api/traces/:traceID', (req, res) => {
    const raw = String(req.params.traceID);
    const key = parseTraceId(raw);
    if (!key) return sendError(res, 400, `cannot parse traceID ${JSON.stringify(raw.slice(0, 40))}: expected 1 to 32 hex digits`);
    const trace = store.get(key);
    if (!trace) return sendError(res, 404, 'trace not found');
    res.json(envelope([toJaegerTrace(trace)]));
  });

  router.get('/api/traces', (req, res) => {
    const ids = all(req, 'traceID');
    if (ids.length > 0) {
      const errors: JaegerError[] = [];
      const data = [];
      for (const id of ids) {
        const key = parseTraceId(id);
        if (!key) return sendError(res, 400, `cannot parse traceID ${JSON.stringify(id.slice(0, 40))}`);
        const t = store.get(key);
        if (t) data.push(toJaegerTrace(t));
        else errors.push({ code: 404, msg: 'trace not found', traceID: id });
      }
      res.json({ ...envelope(data), errors: errors.length ? errors : null });
      return;
    }
    let q: TraceQuery;
    try {
      q = parseTraceQuery(req);
    } catch (e) {
      if (e instanceof BadQuery) return sendError(res, 400, e.message);
      throw e;
    }
    res.json(envelope(store.find(q).map(toJaegerTrace)));
  });

  router.get('/api/services', (_req, res) => {
    const names = store.serviceNames();
    res.json(envelope(names, names.length));
  });

  router.get('/api/services/:service/operations', (req, res) => {
    const ops = store.operations(String(req.params.service));
    res.json(envelope(ops, ops.length));
  });

  router.get('/api/operations', (req, res) => {
    const service = one(req, 'service');
    if (!service) return sendError(res, 400, "parameter 'service' is required");
    const ops = store.operations(service).map((name) => ({ name, spanKind: '' }));
    res.json(envelope(ops, ops.length));
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
    let links = store.dependencies((endTs - lookback) * 1000, endTs * 1000);
    if (service) links = links.filter((l) => l.parent === service || l.child === service);
    res.json(envelope(links));
  });

  return router;
}
