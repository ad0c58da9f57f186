// Jaeger's v3 query routes with the requests the current Jaeger UI (2.20) builds, its response checks, and the clock-skew adjuster.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JaegerEnvelope, JaegerTrace } from '../../model/jaegerJson.ts';
import { getJson, startHarness, type Harness } from './support/harness.ts';
import { sampleBatch } from './support/sampleBatch.ts';
import { encodeBinaryBatch } from '../../devkit/thriftrwCodec.ts';

const T0 = 1_700_000_000_000_000; // µs

/** The search form's fields as the UI keeps them (µs strings, durations as typed, tags already turned into JSON). */
interface UiSearch {
  service?: string;
  operation?: string;
  start: number;
  end: number;
  limit?: string;
  minDuration?: string;
  maxDuration?: string;
  tags?: string;
}

/** The query string the UI's v3 client sends for a search (same parameters, same order, same encoding). */
function uiSummariesUrl(base: string, q: UiSearch): string {
  const p = new URLSearchParams();
  if (q.service) p.set('query.serviceName', q.service);
  if (q.operation) p.set('query.operationName', q.operation);
  p.set('query.startTimeMin', new Date(q.start / 1000).toISOString());
  p.set('query.startTimeMax', new Date(q.end / 1000).toISOString());
  if (q.limit) p.set('query.searchDepth', q.limit);
  if (q.minDuration) p.set('query.durationMin', q.minDuration);
  if (q.maxDuration) p.set('query.durationMax', q.maxDuration);
  if (q.tags) p.set('query.attributes', q.tags);
  return `${base}/api/v3/trace-summaries?${p.toString()}`;
}

/** The checks the UI's schema applies to each summary before it shows it (a failure there is an error page). */
function assertUiAccepts(s: Record<string, unknown>): void {
  assert.match(String(s.traceId), /^[0-9a-f]{32}$/, 'traceId: 32 hex digits');
  for (const k of ['minStartTimeUnixNano', 'maxEndTimeUnixNano'])
    if (k in s) assert.match(String(s[k]), /^\d+$/, `${k}: decimal int64 text`);
  for (const k of ['spanCount', 'errorSpanCount', 'orphanSpanCount'])
    if (k in s) assert.ok(Number.isInteger(s[k]) && (s[k] as number) >= 0, k);
  for (const svc of s.services as Record<string, unknown>[]) assert.equal(typeof svc.name, 'string');
}

describe('query API v3 (current Jaeger UI)', () => {
  let h: Harness;
  const put = (o: Parameters<typeof sampleBatch>[0], tweak?: (b: ReturnType<typeof sampleBatch>) => void) => {
    const b = sampleBatch(o);
    tweak?.(b);
    assert.equal(h.jaeger.ingest('http', encodeBinaryBatch(b)), undefined);
  };
  before(async () => {
    h = await startHarness();
    put({ traceIdLow: 0xa1n, service: 'frontend', operation: 'GET /', startTime: T0, duration: 12_000 });
    put({ traceIdLow: 0xa2n, service: 'frontend', operation: 'GET /slow', startTime: T0 + 1000, duration: 1_500_000 }, (b) => {
      b.spans[1]!.tags.push({ key: 'error', type: 'bool', value: true });
    });
    put(
      { traceIdLow: 0xa1n, service: 'billing', operation: 'charge', startTime: T0 + 50, duration: 3_000, firstSpanId: 100n, spans: 1 },
      (b) => {
        b.spans[0]!.parentSpanId = 1n;
      },
    );
  });
  after(() => h.close());

  it('services and operations, as the search form loads them', async () => {
    const s = await getJson(`${h.url}/api/v3/services`);
    assert.deepEqual(s.body, { services: ['billing', 'frontend'] });
    const o = await getJson(`${h.url}/api/v3/operations?service=${encodeURIComponent('frontend')}`);
    assert.deepEqual(o.body, {
      operations: [
        { name: 'GET /', spanKind: 'server' },
        { name: 'GET /slow', spanKind: 'server' },
        { name: 'child 1', spanKind: 'client' },
        { name: 'child 2', spanKind: 'client' },
      ],
    });
    const servers = await getJson(`${h.url}/api/v3/operations?service=frontend&spanKind=server`);
    assert.equal(servers.body.operations.length, 2);
  });

  it('trace summaries for the searches the UI sends, field by field', async () => {
    const win = { start: T0 - 1000, end: T0 + 60_000_000 };
    const r = await getJson(uiSummariesUrl(h.url, { service: 'frontend', limit: '20', ...win }));
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body), ['summaries']);
    r.body.summaries.forEach(assertUiAccepts);
    assert.deepEqual(r.body.summaries[1], {
      traceId: '000000000000000000000000000000a1',
      rootServiceName: 'frontend',
      rootOperationName: 'GET /',
      minStartTimeUnixNano: `${T0}000`,
      maxEndTimeUnixNano: `${T0 + 12_000}000`,
      spanCount: 4,
      services: [
        { name: 'billing', spanCount: 1 },
        { name: 'frontend', spanCount: 3 },
      ],
    });
    assert.equal(r.body.summaries[0].traceId, '000000000000000000000000000000a2', 'newest first');
    assert.equal(r.body.summaries[0].errorSpanCount, 1);
    assert.deepEqual(r.body.summaries[0].services, [{ name: 'frontend', spanCount: 3, errorSpanCount: 1 }]);
    const ids = async (q: Partial<UiSearch>) =>
      (await getJson(uiSummariesUrl(h.url, { ...win, ...q }))).body.summaries.map((s: { traceId: string }) => s.traceId.slice(-2));
    assert.deepEqual(await ids({ service: 'frontend', operation: 'GET /slow' }), ['a2']);
    assert.deepEqual(await ids({ service: 'frontend', minDuration: '1s' }), ['a2']);
    assert.deepEqual(await ids({ service: 'frontend', minDuration: '10ms', maxDuration: '500ms' }), ['a1']);
    assert.deepEqual(await ids({ service: 'frontend', tags: '{"error":"true"}' }), ['a2']);
    assert.deepEqual(await ids({ service: 'frontend', limit: '1' }), ['a2']);
    assert.deepEqual(await ids({ service: 'billing' }), ['a1']);
    assert.deepEqual(await ids({ service: 'frontend', start: T0 + 1000, end: T0 + 2000 }), ['a2'], 'the UI sends whole milliseconds');
  });

  it('answers the requests recorded from Jaeger UI 2.20 (built from its repository) searching and opening a trace', async () => {
    const iso = (us: number) => encodeURIComponent(new Date(us / 1000).toISOString());
    const [min, max] = [iso(T0 - 3_600_000_000 + 60_000_000), iso(T0 + 60_000_000)];
    // Query strings exactly as the UI sent them (only the times moved to this test's data).
    const recorded = [
      '/api/v3/services',
      '/api/v3/operations?service=frontend',
      `/api/v3/trace-summaries?query.serviceName=frontend&query.startTimeMin=${min}&query.startTimeMax=${max}&query.searchDepth=20`,
      `/api/v3/trace-summaries?query.serviceName=frontend&query.startTimeMin=${min}&query.startTimeMax=${max}&query.searchDepth=20&query.durationMin=10us&query.durationMax=2s&query.attributes=%7B%22error%22%3A%22true%22%2C%22http.status_code%22%3A%22200%22%7D`,
      '/api/traces/000000000000000000000000000000a2',
    ];
    const answers = [];
    for (const path of recorded) {
      const r = await getJson(`${h.url}${path}`);
      assert.equal(r.status, 200, path);
      answers.push(r.body);
    }
    assert.deepEqual(
      answers[2].summaries.map((x: { traceId: string }) => x.traceId.slice(-2)),
      ['a2', 'a1'],
    );
    answers[2].summaries.forEach(assertUiAccepts);
    assert.deepEqual(
      answers[3].summaries.map((x: { traceId: string }) => x.traceId.slice(-2)),
      ['a2'],
    );
    assert.equal(answers[4].data[0].spans.length, 3);
  });

  it('refuses bad searches as Jaeger does: 400 with {error:{httpCode,message}}', async () => {
    const r = await fetch(`${h.url}/api/v3/trace-summaries?query.serviceName=frontend`);
    assert.equal(r.status, 400);
    assert.deepEqual(JSON.parse(await r.text()), {
      error: { httpCode: 400, message: 'query.startTimeMin and query.startTimeMax are required' },
    });
    for (const bad of [
      'query.durationMin=fast',
      'query.searchDepth=many',
      'query.attributes=%7B%22a%22%3A1%7D',
      'query.startTimeMin=yesterday',
    ]) {
      const url = `${uiSummariesUrl(h.url, { service: 'frontend', start: T0, end: T0 + 1e6 })}&${bad}`.replace(
        /query\.startTimeMin=[^&]*&(.*query\.startTimeMin=)/,
        '$1',
      );
      const res = await getJson(url);
      assert.equal(res.status, 400, bad);
      assert.match(res.body.error.message, /malformed parameter/);
    }
  });

  it('serves a trace in OTLP/JSON as Jaeger v3 does', async () => {
    const r = await getJson(`${h.url}/api/v3/traces/a1`);
    assert.equal(r.status, 200);
    const rs = r.body.result.resourceSpans;
    assert.equal(rs.length, 2, 'one resource per process');
    assert.deepEqual(rs[0].resource.attributes, [
      { key: 'service.name', value: { stringValue: 'frontend' } },
      { key: 'host.name', value: { stringValue: 'test-host' } },
    ]);
    const [root, child] = rs[0].scopeSpans[0].spans;
    assert.deepEqual(root, {
      traceId: '000000000000000000000000000000a1',
      spanId: '0000000000000001',
      name: 'GET /',
      kind: 2,
      startTimeUnixNano: `${T0}000`,
      endTimeUnixNano: `${T0 + 12_000}000`,
      attributes: [
        { key: 'http.status_code', value: { intValue: '200' } },
        { key: 'error', value: { boolValue: false } },
      ],
      events: [{ timeUnixNano: `${T0 + 1}000`, name: 'accepted' }],
      status: {},
    });
    assert.equal(child.parentSpanId, '0000000000000001');
    assert.equal(child.kind, 3);
    const missing = await fetch(`${h.url}/api/v3/traces/ffff`);
    assert.equal(missing.status, 404);
    assert.deepEqual(JSON.parse(await missing.text()), { error: { httpCode: 404, message: 'No traces found' } });
  });

  it('moves a child from a skewed host into its parent, with a warning; raw=true shows it as stored', async () => {
    // Parent on host A lasts 10 ms; its child on host B claims to start 5 ms before it and lasts 4 ms.
    put({ traceIdLow: 0xc1n, service: 'gateway', startTime: T0, duration: 10_000, spans: 1 });
    put({ traceIdLow: 0xc1n, service: 'pricing', startTime: T0 - 5_000, duration: 4_000, spans: 1, firstSpanId: 7n }, (b) => {
      b.spans[0]!.parentSpanId = 1n;
      b.process.tags = [{ key: 'hostname', type: 'string', value: 'host-b' }];
    });
    const adjusted = (await getJson<JaegerEnvelope<JaegerTrace[]>>(`${h.url}/api/traces/c1`)).body.data[0]!;
    const child = adjusted.spans.find((s) => s.spanID === '0000000000000007')!;
    // Centred: parent start + (10 ms − 4 ms) / 2 = T0 + 3 ms, a shift of 8 ms.
    assert.equal(child.startTime, T0 + 3_000);
    assert.deepEqual(child.warnings, ["This span's timestamps were adjusted by 8ms"]);
    assert.equal(adjusted.spans.find((s) => s.spanID === '0000000000000001')!.warnings, null);
    const raw = (await getJson<JaegerEnvelope<JaegerTrace[]>>(`${h.url}/api/traces/c1?raw=true`)).body.data[0]!;
    assert.equal(raw.spans.find((s) => s.spanID === '0000000000000007')!.startTime, T0 - 5_000);
    // Beyond the largest shift (1 s by default) Jaeger only says what it would have done.
    put({ traceIdLow: 0xc2n, service: 'gateway', startTime: T0, duration: 10_000, spans: 1 });
    put({ traceIdLow: 0xc2n, service: 'pricing', startTime: T0 - 3_000_000, duration: 4_000, spans: 1, firstSpanId: 7n }, (b) => {
      b.spans[0]!.parentSpanId = 1n;
      b.process.tags = [{ key: 'hostname', type: 'string', value: 'host-b' }];
    });
    const far = (await getJson<JaegerEnvelope<JaegerTrace[]>>(`${h.url}/api/traces/c2`)).body.data[0]!.spans.find(
      (s) => s.spanID === '0000000000000007',
    )!;
    assert.equal(far.startTime, T0 - 3_000_000);
    assert.deepEqual(far.warnings, ['max clock skew adjustment delta of 1s exceeded; not applying calculated delta of 3.003s']);
  });
});
