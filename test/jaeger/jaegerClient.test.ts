// Real jaeger-client in a separate process, over its UDP (binary, 6832-style) and HTTP senders: every span arrives intact.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JaegerEnvelope, JaegerKeyValue, JaegerTrace } from '../../model/jaegerJson.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { getJson, startHarness, type Harness } from './support/harness.ts';
import { runEmitter } from './support/runEmitter.ts';

const tag = (tags: JaegerKeyValue[], key: string) => tags.find((t) => t.key === key);

describe('real jaeger-client', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  for (const sender of ['udp', 'http'] as const) {
    it(`${sender} sender: 128-bit ids, FOLLOWS_FROM, every tag type it can send, logs and process tags survive`, async () => {
      const target = sender === 'http' ? { endpoint: h.collectorUrl } : { port: h.jaeger.ports.udpBinary };
      const report = await runEmitter({ sender, ...target, requests: 3, concurrency: 3, childrenPerRequest: 2, traceId128bit: true });
      assert.deepEqual(report.errors, []);
      assert.equal(report.reported, report.finished);
      for (const t of report.traces) {
        const body = await waitFor(`trace ${t.traceID}`, async () => {
          const r = await getJson<JaegerEnvelope<JaegerTrace[]>>(`${h.url}/api/traces/${t.traceID}`);
          return r.status === 200 && r.body.data[0]!.spans.length === t.spans && r.body;
        });
        const trace = body.data[0]!;
        // 128-bit: 32 hex digits as Jaeger prints them, whatever zeros toTraceId() dropped.
        assert.match(trace.traceID, /^[0-9a-f]{32}$/);
        assert.equal(trace.traceID.replace(/^0+/, ''), t.traceID.replace(/^0+/, ''));
        const root = trace.spans.find((s) => s.operationName === 'GET /checkout')!;
        assert.deepEqual(root.references, []);
        assert.equal(tag(root.tags, 'span.kind')?.value, 'server');
        assert.equal(tag(root.tags, 'request.index')?.type, 'float64');
        assert.equal(tag(root.tags, 'error')?.type, 'bool');
        const child = trace.spans.find((s) => s.operationName === 'db.query 0')!;
        assert.deepEqual(child.references, [{ refType: 'CHILD_OF', traceID: trace.traceID, spanID: root.spanID }]);
        assert.deepEqual(tag(child.tags, 'cache.hit'), { key: 'cache.hit', type: 'bool', value: true });
        assert.deepEqual(tag(child.tags, 'rows'), { key: 'rows', type: 'float64', value: 3.5 });
        assert.deepEqual(tag(child.tags, 'payload'), {
          key: 'payload',
          type: 'binary',
          value: Buffer.from([0, 1, 2, 255]).toString('base64'),
        });
        assert.equal(child.logs.length, 1);
        assert.deepEqual(child.logs[0]!.fields, [
          { key: 'event', type: 'string', value: 'waiting behind' },
          { key: 'n', type: 'float64', value: 0 },
        ]);
        const follows = trace.spans.find((s) => s.operationName === 'audit.write')!;
        assert.deepEqual(follows.references, [{ refType: 'FOLLOWS_FROM', traceID: trace.traceID, spanID: root.spanID }]);
        const proc = trace.processes[root.processID]!;
        assert.equal(proc.serviceName, 'emitter-svc');
        assert.deepEqual(tag(proc.tags, 'deploy.zone'), { key: 'deploy.zone', type: 'string', value: 'test-zone' });
        assert.deepEqual(tag(proc.tags, 'build.number'), { key: 'build.number', type: 'float64', value: 42 });
        assert.ok(tag(proc.tags, 'jaeger.version'), 'jaeger-client adds its version as a process tag');
      }
    });
  }

  it('its traces, searched as the current Jaeger UI searches (v3 trace summaries)', async () => {
    const report = await runEmitter({ sender: 'http', endpoint: h.collectorUrl, requests: 2, concurrency: 1, childrenPerRequest: 1 });
    assert.deepEqual(report.errors, []);
    const now = Date.now();
    const p = new URLSearchParams({
      'query.serviceName': 'emitter-svc',
      'query.operationName': 'GET /checkout',
      'query.startTimeMin': new Date(now - 3_600_000).toISOString(),
      'query.startTimeMax': new Date(now + 1000).toISOString(),
      'query.searchDepth': '20',
    });
    const r = await getJson<{ summaries: { traceId: string; spanCount: number; rootServiceName: string; rootOperationName: string }[] }>(
      `${h.url}/api/v3/trace-summaries?${p}`,
    );
    assert.equal(r.status, 200);
    for (const t of report.traces) {
      const s = r.body.summaries.find((x) => x.traceId === t.traceID.padStart(32, '0'));
      assert.ok(s, `trace ${t.traceID} is found`);
      assert.equal(s.spanCount, t.spans);
      assert.equal(s.rootServiceName, 'emitter-svc');
      assert.equal(s.rootOperationName, 'GET /checkout');
    }
  });

  it('a burst of 50 concurrent requests through the HTTP sender: every span reported is stored', async () => {
    const before = h.jaeger.stats().http.stored;
    const report = await runEmitter({ sender: 'http', endpoint: h.collectorUrl, requests: 50, concurrency: 50, childrenPerRequest: 18 });
    assert.deepEqual(report.errors, []);
    assert.equal(report.failed, 0);
    assert.equal(report.reported, report.finished);
    assert.equal(report.finished, 50 * 20);
    const stats = h.jaeger.stats();
    assert.equal(stats.http.stored - before, report.reported, 'spans stored = spans jaeger-client reported sent');
    assert.equal(stats.http.rejected, 0);
    for (const t of report.traces) assert.equal(h.jaeger.store.get(t.traceID)?.spans.length, t.spans, `trace ${t.traceID}`);
    console.log(`# burst: jaeger-client reported ${report.reported} spans sent, store holds ${stats.http.stored - before}`);
  });
});
