// The hole finder over HTTP: findings of one stored trace, of posted Jaeger JSON, and aggregated over recent traces.
// Over 300 lines: the three routes share the gate, the sliced trace reading and the findings cache kept here; apart they would each rebuild them.
import express, { type Router } from 'express';
import { aggregateFindings, analyzeTrace, compareSlowTraces, jaegerJsonOf } from '../analysis/index.ts';
import {
  isJaegerTrace,
  type Finding,
  type FindingsAggregateResponse,
  type FindingsResponse,
  type JaegerTrace,
  type TraceFindings,
} from '../model/index.ts';
import { runInSlices, type HeavyQueries } from './boundedAnswer.ts';
import { parseGoDurationUs } from './goDuration.ts';
import { DEFAULT_MAX_CLOCK_SKEW_US, sendError as fail } from './queryApi.ts';
import { jaegerTraceSteps, toJaegerTrace } from './traceJson.ts';
import { parseTraceId, type TraceRecord, type TraceStore } from './traceStore.ts';

export interface FindingsApiOptions {
  /** Largest POST /api/analyze body (default 4 MiB): analysis time grows with it, so it bounds the work too. */
  maxBodyBytes?: number;
  /** Most traces one aggregate analyses, newest first (default 200). */
  maxAggregateTraces?: number;
  /**
   * Biggest stored trace analysed here (default 10,000 spans: ~120 ms of analysis, once, as findings are cached):
   * a bigger one is left out of the aggregate and refused with a reason on its own (100k spans held the loop ~700 ms).
   */
  maxTraceSpans?: number;
  /** Findings kept per trace for the aggregate (default 5,000 traces). */
  cacheSize?: number;
  /** Analysis time between yields to the event loop (default 20 ms). */
  sliceMs?: number;
  /** Most spans the slow-vs-rest comparison (?operation=) reads, newest traces first (default 50,000: it runs in one go). */
  maxCompareSpans?: number;
  /** Clock, µs since the epoch (tests inject one). */
  nowUs?: () => number;
  /** The gate the searches pass: an aggregate walks the store as a search does, and counts as one. */
  heavy?: HeavyQueries;
}

const DEFAULT_LOOKBACK_US = 3_600_000_000;

/** The traces in a posted body: the {data:[…]} envelope, a bare trace, or an array of traces. */
function tracesInBody(json: unknown): JaegerTrace[] {
  const list = Array.isArray(json)
    ? json
    : json && typeof json === 'object' && Array.isArray((json as { data?: unknown }).data)
      ? (json as { data: unknown[] }).data
      : [json];
  if (list.length === 0) throw new Error('no trace in the body: expected {"data":[trace…]} or a trace object');
  list.forEach((t, i) => {
    if (!isJaegerTrace(t)) throw new Error(`item ${i + 1} is not a Jaeger trace: expected an object with "traceID" and "spans"`);
    if (
      !t.spans.every(
        (s) => s && typeof s === 'object' && typeof s.spanID === 'string' && Number.isFinite(s.startTime) && Number.isFinite(s.duration),
      )
    ) {
      throw new Error(
        `trace ${JSON.stringify(String(t.traceID).slice(0, 40))}: every span needs "spanID", numeric "startTime" and "duration"`,
      );
    }
  });
  return list as JaegerTrace[];
}

/** Findings per trace, keyed by id and span count (a trace that grows is analysed again); oldest entries go first. */
export class FindingsCache {
  private readonly entries = new Map<string, { spans: number; findings: Finding[] }>();
  constructor(private readonly max: number) {}
  get(key: string, spans: number): Finding[] | undefined {
    const e = this.entries.get(key);
    if (!e || e.spans !== spans) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.findings;
  }
  set(key: string, spans: number, findings: Finding[]): void {
    this.entries.delete(key);
    this.entries.set(key, { spans, findings });
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** The `n` latest-starting traces, newest first. */
function newest(traces: TraceRecord[], n: number): TraceRecord[] {
  return traces.sort((a, b) => b.startTime - a.startTime).slice(0, n);
}

/** POST /api/analyze: findings of posted Jaeger JSON (no store needed, so mounted in front of a real Jaeger too). */
export function mountAnalyze(router: Router, maxBody: number): void {
  // The body parser's own refusals (too large, bad charset) in the same error shape.
  const bodyErrors: express.ErrorRequestHandler = (err: { status?: number; type?: string; message?: string }, _req, res, _next) => {
    if (err.type === 'entity.too.large') return fail(res, 413, `body larger than ${maxBody} bytes: post fewer or smaller traces`);
    fail(
      res,
      err.status && err.status >= 400 && err.status < 500 ? err.status : 400,
      `cannot read the body: ${String(err.message ?? err).slice(0, 120)}`,
    );
  };

  const analyzeBody: express.RequestHandler = (req, res) => {
    const text = typeof req.body === 'string' ? req.body : '';
    if (text.trim() === '') return fail(res, 400, 'empty body: send Jaeger JSON, {"data":[trace…]} or a trace object');
    let json: unknown;
    try {
      // Jaeger JSON as it is; OTLP JSON and Zipkin v2 converted to it (told apart by content).
      json = jaegerJsonOf(text).json;
    } catch (e) {
      return fail(res, 400, `body: ${(e as Error).message.replace(/\s+/g, ' ').slice(0, 160)}`);
    }
    let traces: JaegerTrace[];
    try {
      traces = tracesInBody(json);
    } catch (e) {
      return fail(res, 400, (e as Error).message);
    }
    const body: FindingsResponse = { data: traces.map((t) => ({ traceID: String(t.traceID), findings: analyzeTrace(t) })) };
    res.json(body);
  };
  router.post('/api/analyze', express.text({ type: () => true, limit: maxBody }), analyzeBody, bodyErrors);
}

/** The aggregate's window from ?service= and ?lookback= (default 1 h); undefined after answering 400. */
function findingsWindow(req: express.Request, res: express.Response, nowUs: () => number): Window | undefined {
  const service = typeof req.query.service === 'string' && req.query.service !== '' ? req.query.service : undefined;
  const lookback = typeof req.query.lookback === 'string' && req.query.lookback !== '' ? req.query.lookback : undefined;
  const lookbackUs = lookback === undefined ? DEFAULT_LOOKBACK_US : parseGoDurationUs(lookback);
  if (lookbackUs === undefined || lookbackUs <= 0) {
    fail(
      res,
      400,
      `unable to parse param 'lookback': expected a duration such as 15m or 1h, got ${JSON.stringify(String(lookback).slice(0, 40))}`,
    );
    return undefined;
  }
  const operation = typeof req.query.operation === 'string' ? req.query.operation.trim() : undefined;
  if (req.query.operation !== undefined && (operation === undefined || operation === '' || operation.length > MAX_OPERATION)) {
    fail(
      res,
      400,
      `unable to parse param 'operation': expected one operation name of 1 to ${MAX_OPERATION} characters, got ${JSON.stringify(String(req.query.operation).slice(0, 40))}`,
    );
    return undefined;
  }
  const endTime = nowUs();
  return { service, operation: operation || undefined, startTime: endTime - lookbackUs, endTime };
}

const MAX_OPERATION = 200;

/** The slow-vs-rest comparison's name for the operation: "service operation" when a service was asked for, so only its spans count. */
const comparedName = (w: Window) => (w.service ? `${w.service} ${w.operation}` : w.operation!);

/** Whether a trace holds the operation, named alone or as "service operation" (as compareSlowTraces reads it). */
export function holdsOperation(spans: Iterable<{ operationName: string; service: string | undefined }>, name: string): boolean {
  for (const s of spans) if (s.operationName === name || `${s.service} ${s.operationName}` === name) return true;
  return false;
}

/** The traces the comparison reads: those holding the operation, newest first, until `maxSpans` (at least one trace). */
function comparedTraces<T extends { spans: readonly unknown[] }>(
  newestFirst: readonly T[],
  holds: (t: T) => boolean,
  maxSpans: number,
): T[] {
  const picked: T[] = [];
  let spans = 0;
  for (const t of newestFirst) {
    if (!holds(t)) continue;
    if (picked.length > 0 && spans + t.spans.length > maxSpans) break;
    picked.push(t);
    spans += t.spans.length;
  }
  return picked;
}

/** Why a big trace is not analysed here, and where it is. */
export function tooBigToAnalyse(spans: number | undefined, maxTraceSpans: number): string {
  return `this trace has ${spans === undefined ? 'too many' : spans} spans; the findings API analyses traces of up to ${maxTraceSpans} spans: open it in /viewer.html, which finds its holes in the browser`;
}

type Window = { service: string | undefined; operation: string | undefined; startTime: number; endTime: number };

/**
 * GET /api/findings: past `heavy` (it walks many traces, as a search does), the window read, `recent` finds
 * the newest traces (newest first; undefined when the client left), analysed with a pause every `sliceMs`
 * oldest first, so the aggregate's examples read newest first. A failure is answered 500 or 502 by `failed`.
 */
/** How the aggregate reads one of its traces for the slow-vs-rest comparison (?operation=). */
export interface Comparable<T> {
  /** Does the trace hold the operation (named alone or as "service operation")? */
  holds(t: T, name: string): boolean;
  trace(t: T): JaegerTrace;
  maxSpans: number;
}

export function mountAggregate<T extends { traceID: string; spans: readonly unknown[] }>(
  router: Router,
  heavy: HeavyQueries | undefined,
  nowUs: () => number,
  sliceMs: number,
  findingsOf: (t: T) => Finding[],
  recent: (window: Window, res: express.Response) => Promise<T[] | undefined>,
  comparable: Comparable<T>,
  failed: (res: express.Response, e: unknown) => void = (res) => fail(res, 500, 'the aggregate failed'),
): void {
  router.get('/api/findings', async (req, res) => {
    const release = heavy ? heavy.admit(req, res, fail) : () => undefined;
    if (!release) return;
    res.once('close', release);
    try {
      const window = findingsWindow(req, res, nowUs);
      const traces = window && (await recent(window, res));
      if (!window || !traces) return;
      const name = window.operation === undefined ? undefined : comparedName(window);
      const compared = name === undefined ? [] : comparedTraces(traces, (t) => comparable.holds(t, name), comparable.maxSpans);
      if (name !== undefined && compared.length === 0) {
        return fail(
          res,
          400,
          `no trace of the ${traces.length} in the window holds operation ${JSON.stringify(name.slice(0, 80))}${window.service ? '' : ': name it as the spans do, or add ?service='}`,
        );
      }
      const inCompare = new Set<T>(compared);
      const perTrace: TraceFindings[] = [];
      const forCompare: { trace: JaegerTrace; findings: Finding[] }[] = [];
      let sliceStart = performance.now();
      for (const t of traces.reverse()) {
        const findings = findingsOf(t);
        perTrace.push({ traceID: t.traceID, findings });
        if (inCompare.has(t)) forCompare.push({ trace: comparable.trace(t), findings });
        if (performance.now() - sliceStart > sliceMs) {
          await yieldToLoop();
          if (res.closed) return;
          sliceStart = performance.now();
        }
      }
      const body: FindingsAggregateResponse = {
        data: aggregateFindings(perTrace),
        ofTraces: perTrace.length,
        startTime: window.startTime,
        endTime: window.endTime,
      };
      if (name !== undefined) {
        // Bounded by maxSpans, as one slice: the comparison reads each span's tags once.
        await yieldToLoop();
        if (res.closed) return;
        body.slow = compareSlowTraces(
          forCompare.map((c) => c.trace),
          name,
          forCompare.map((c) => c.findings),
        );
      }
      res.json(body);
    } catch (e) {
      if (res.headersSent) res.destroy();
      else failed(res, e);
    } finally {
      release();
    }
  });
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The options with their defaults, and a cache: the same for the store's routes and for those in front of a real Jaeger. */
export function findingsSettings(opts: FindingsApiOptions) {
  return {
    maxBody: opts.maxBodyBytes ?? 4 * 1024 * 1024,
    maxTraces: opts.maxAggregateTraces ?? 200,
    maxTraceSpans: opts.maxTraceSpans ?? 10_000,
    sliceMs: opts.sliceMs ?? 20,
    maxCompareSpans: opts.maxCompareSpans ?? 50_000,
    nowUs: opts.nowUs ?? (() => Date.now() * 1000),
    cache: new FindingsCache(opts.cacheSize ?? 5_000),
  };
}

export function createFindingsApi(store: TraceStore, opts: FindingsApiOptions = {}): Router {
  const { maxBody, maxTraces, maxTraceSpans, sliceMs, maxCompareSpans, nowUs, cache } = findingsSettings(opts);
  const router = express.Router();

  // As the query API serves it by default: clock skew between services corrected.
  const served = (t: TraceRecord) => toJaegerTrace(t, { maxClockSkewUs: DEFAULT_MAX_CLOCK_SKEW_US });
  const findingsOf = (t: TraceRecord): Finding[] => {
    const hit = cache.get(t.key, t.spans.length);
    if (hit) return hit;
    const findings = analyzeTrace(served(t));
    cache.set(t.key, t.spans.length, findings);
    return findings;
  };

  router.get('/api/traces/:traceID/findings', async (req, res) => {
    const raw = String(req.params.traceID);
    const key = parseTraceId(raw);
    if (!key) return fail(res, 400, `cannot parse traceID ${JSON.stringify(raw.slice(0, 40))}: expected 1 to 32 hex digits`);
    const trace = store.get(key);
    if (!trace) return fail(res, 404, 'trace not found');
    if (trace.spans.length > maxTraceSpans) {
      return fail(res, 422, tooBigToAnalyse(trace.spans.length, maxTraceSpans));
    }
    const spans = trace.spans.length;
    let findings = cache.get(trace.key, spans);
    if (!findings) {
      // Rendered in slices; only the analysis itself (~120 ms at the 10,000-span cap) runs in one go.
      const rendered = await runInSlices(jaegerTraceSteps(trace, { maxClockSkewUs: DEFAULT_MAX_CLOCK_SKEW_US }), () => res.closed);
      if (!rendered) return;
      findings = analyzeTrace(rendered);
      cache.set(trace.key, spans, findings);
    }
    const body: FindingsResponse = { data: [{ traceID: trace.traceID, findings }] };
    res.json(body);
  });

  mountAnalyze(router, maxBody);

  mountAggregate(
    router,
    opts.heavy,
    nowUs,
    sliceMs,
    findingsOf,
    async ({ service, startTime, endTime }, res) => {
      // The newest matching traces, found in steps (the store can hold many), capped.
      let recent: TraceRecord[] = [];
      let sliceStart = performance.now();
      for (const t of store.scan({ service, start: startTime, end: endTime, limit: maxTraces }, 200)) {
        if (t && t.spans.length <= maxTraceSpans) {
          recent.push(t);
          if (recent.length >= 2 * maxTraces) recent = newest(recent, maxTraces);
        }
        if (performance.now() - sliceStart > sliceMs) {
          await yieldToLoop();
          if (res.closed) return undefined;
          sliceStart = performance.now();
        }
      }
      return newest(recent, maxTraces);
    },
    {
      holds: (t, name) =>
        holdsOperation(
          t.spans.map((s) => ({ operationName: s.operationName, service: s.process.serviceName })),
          name,
        ),
      trace: served,
      maxSpans: maxCompareSpans,
    },
  );

  return router;
}
