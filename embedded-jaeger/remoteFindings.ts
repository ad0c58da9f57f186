// The hole finder's routes in front of a real Jaeger (JAEGER_QUERY_URL): traces are read through its v1 query API, then analysed here as the store's are.
import express, { type Router } from 'express';
import { analyzeTrace } from '../analysis/index.ts';
import type { FindingsResponse, JaegerEnvelope, JaegerTrace } from '../model/index.ts';
import type { Log } from '../pkg/index.ts';
import { findingsSettings, holdsOperation, mountAggregate, mountAnalyze, tooBigToAnalyse, type FindingsApiOptions } from './findingsApi.ts';
import { sendError as fail } from './queryApi.ts';
import { parseTraceId } from './traceStore.ts';

/** Services asked in turn for an aggregate without ?service= (Jaeger's search needs one). */
const MAX_SERVICES = 50;
/** Bytes of one answer read from Jaeger: ~25k spans of JSON; a bigger answer is not parsed (parsing holds the loop). */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

class TooBig extends Error {}

/** GETs Jaeger JSON, reading at most MAX_ANSWER_BYTES; the status and the parsed body (null when not JSON). */
async function getJaeger(url: string): Promise<{ status: number; body: JaegerEnvelope<unknown> | null }> {
  const r = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(15_000) });
  const declared = Number(r.headers.get('content-length') ?? 0);
  if (declared > MAX_ANSWER_BYTES) {
    await r.body?.cancel();
    throw new TooBig();
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = r.body?.getReader();
  for (;;) {
    const next = reader ? await reader.read() : { done: true as const, value: undefined };
    if (next.done) break;
    size += next.value.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await reader?.cancel();
      throw new TooBig();
    }
    parts.push(next.value);
  }
  try {
    return { status: r.status, body: JSON.parse(Buffer.concat(parts).toString('utf8')) as JaegerEnvelope<unknown> };
  } catch {
    return { status: r.status, body: null };
  }
}

const startOf = (t: JaegerTrace) => t.spans.reduce((m, s) => Math.min(m, s.startTime), Infinity);

export function createRemoteFindingsApi(queryUrl: string, log: Log, opts: FindingsApiOptions = {}): Router {
  const base = queryUrl.replace(/\/+$/, '');
  const { maxBody, maxTraces, maxTraceSpans, sliceMs, maxCompareSpans, nowUs, cache } = findingsSettings(opts);
  const router = express.Router();
  const findingsOf = (t: JaegerTrace) => {
    const hit = cache.get(t.traceID, t.spans.length);
    if (hit) return hit;
    const findings = analyzeTrace(t);
    cache.set(t.traceID, t.spans.length, findings);
    return findings;
  };
  const unreachable = (res: express.Response, e: unknown) => {
    const msg = `Jaeger query service at ${base} did not answer: ${e instanceof Error ? e.message : String(e)}`;
    log.warn(msg);
    fail(res, 502, msg);
  };

  router.get('/api/traces/:traceID/findings', async (req, res) => {
    const raw = String(req.params.traceID);
    const key = parseTraceId(raw);
    if (!key) return fail(res, 400, `cannot parse traceID ${JSON.stringify(raw.slice(0, 40))}: expected 1 to 32 hex digits`);
    try {
      const { status, body } = await getJaeger(`${base}/api/traces/${key}`);
      const trace = Array.isArray(body?.data) ? (body.data[0] as JaegerTrace | undefined) : undefined;
      if (status === 404 || (status < 300 && !trace)) return fail(res, 404, 'trace not found');
      if (!trace || !Array.isArray(trace.spans))
        return fail(res, 502, `Jaeger query service at ${base} answered HTTP ${status} without a trace`);
      if (trace.spans.length > maxTraceSpans) return fail(res, 422, tooBigToAnalyse(trace.spans.length, maxTraceSpans));
      const answer: FindingsResponse = { data: [{ traceID: trace.traceID, findings: findingsOf(trace) }] };
      res.json(answer);
    } catch (e) {
      if (e instanceof TooBig) return fail(res, 422, tooBigToAnalyse(undefined, maxTraceSpans));
      unreachable(res, e);
    }
  });

  mountAnalyze(router, maxBody);

  mountAggregate(
    router,
    opts.heavy,
    nowUs,
    sliceMs,
    findingsOf,
    async ({ service, startTime, endTime }, res) => {
      let services = service ? [service] : [];
      if (!service) {
        const listed = await getJaeger(`${base}/api/services`);
        services = (Array.isArray(listed.body?.data) ? (listed.body.data as unknown[]) : [])
          .filter((x): x is string => typeof x === 'string')
          .slice(0, MAX_SERVICES);
      }
      const found = new Map<string, JaegerTrace>();
      for (const name of services) {
        const q = new URLSearchParams({ service: name, start: String(startTime), end: String(endTime), limit: String(maxTraces) });
        // A search answer too big to read is left out: the aggregate is over what could be read.
        const got = await getJaeger(`${base}/api/traces?${q}`).catch((e: unknown) => (e instanceof TooBig ? undefined : Promise.reject(e)));
        for (const t of Array.isArray(got?.body?.data) ? (got.body.data as JaegerTrace[]) : []) {
          if (t && Array.isArray(t.spans) && t.spans.length > 0 && t.spans.length <= maxTraceSpans) found.set(t.traceID, t);
        }
        if (res.closed) return undefined;
      }
      return [...found.values()].sort((a, b) => startOf(b) - startOf(a)).slice(0, maxTraces);
    },
    {
      holds: (t, name) =>
        holdsOperation(
          t.spans.map((s) => ({ operationName: s.operationName, service: t.processes?.[s.processID]?.serviceName })),
          name,
        ),
      trace: (t) => t,
      maxSpans: maxCompareSpans,
    },
    unreachable,
  );

  return router;
}
