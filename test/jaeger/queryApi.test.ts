// The query API's searches, lists and errors, in Jaeger's envelope.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { JaegerEnvelope, JaegerTrace } from '../../model/jaegerJson.ts';
import { getJson, startHarness, type Harness } from './support/harness.ts';
import { sampleBatch } from './support/sampleBatch.ts';
import { encodeBinaryBatch } from '../../devkit/thriftrwCodec.ts';

const T0 = 1_700_000_000_000_000;

describe('query API', () => {
  let h: Harness;
  const search = async (qs: string) => {
    const r = await getJson<JaegerEnvelope<JaegerTrace[]>>(`${h.url}/api/traces?${qs}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.data.map((t) => t.traceID.replace(/^0+/, ''));
  };

  before(async () => {
    h = await startHarness();
    const put = (o: Parameters<typeof sampleBatch>[0], tweak?: (b: ReturnType<typeof sampleBatch>) => void) => {
      const b = sampleBatch(o);
      tweak?.(b);
      assert.equal(h.jaeger.ingest('http', encodeBinaryBatch(b)), undefined);
    };
    put({ traceIdLow: 0xa1n, service: 'frontend', operation: 'GET /', startTime: T0, duration: 12_000 });
    put({ traceIdLow: 0xa2n, service: 'frontend', operation: 'GET /slow', startTime: T0 + 1000, duration: 1_500_000 }, (b) => {
      b.spans[0]!.tags.push({ key: 'error', type: 'bool', value: true });
    });
    put({ traceIdLow: 0xa3n, service: 'billing', operation: 'charge', startTime: T0 + 2000, duration: 40_000 });
    // billing called by frontend in trace a1: a child span of a1's root, in another service.
    put({ traceIdLow: 0xa1n, service: 'billing', operation: 'charge', startTime: T0 + 50, duration: 3_000, firstSpanId: 100n }, (b) => {
      b.spans[0]!.parentSpanId = 1n;
    });
  });
  after(() => h.close());

  it('lists services and their operations', async () => {
    const s = await getJson(`${h.url}/api/services`);
    assert.deepEqual(s.body, { data: ['billing', 'frontend'], total: 2, limit: 0, offset: 0, errors: null });
    const o = await getJson(`${h.url}/api/services/frontend/operations`);
    assert.deepEqual(o.body.data, ['GET /', 'GET /slow', 'child 1', 'child 2']);
    assert.equal(o.body.total, 4);
    const o2 = await getJson(`${h.url}/api/operations?service=billing`);
    assert.deepEqual(o2.body.data, [
      { name: 'charge', spanKind: 'server' },
      { name: 'child 1', spanKind: 'client' },
      { name: 'child 2', spanKind: 'client' },
    ]);
    const servers = await getJson(`${h.url}/api/operations?service=frontend&spanKind=server`);
    assert.deepEqual(
      servers.body.data,
      [
        { name: 'GET /', spanKind: 'server' },
        { name: 'GET /slow', spanKind: 'server' },
      ],
      'the spanKind filter, as the UI asks for server operations',
    );
    assert.equal(servers.body.total, 2);
  });

  it('searches by service, operation, tags, durations, time window and limit', async () => {
    const win = `start=${T0 - 1}&end=${T0 + 10_000}`;
    assert.deepEqual(await search(`service=frontend&${win}`), ['a2', 'a1']);
    assert.deepEqual(await search(`service=frontend&operation=GET%20%2Fslow&${win}`), ['a2']);
    assert.deepEqual(await search(`service=frontend&tags=${encodeURIComponent('{"error":"true"}')}&${win}`), ['a2']);
    assert.deepEqual(await search(`service=frontend&tag=span.kind:server&tag=error:true&${win}`), ['a2']);
    assert.deepEqual(
      await search(`service=frontend&tags=${encodeURIComponent('{"hostname":"test-host"}')}&${win}`),
      ['a2', 'a1'],
      'process tags match too',
    );
    assert.deepEqual(
      await search(`service=frontend&tags=${encodeURIComponent('{"event":"accepted"}')}&${win}`),
      ['a2', 'a1'],
      'log fields match too',
    );
    assert.deepEqual(await search(`service=frontend&minDuration=1s&${win}`), ['a2']);
    assert.deepEqual(await search(`service=frontend&minDuration=10ms&maxDuration=0.5s&${win}`), ['a1']);
    assert.deepEqual(await search(`service=billing&${win}`), ['a3', 'a1']);
    assert.deepEqual(await search(`service=billing&limit=1&${win}`), ['a3']);
    assert.deepEqual(await search(`service=billing&start=${T0 + 1500}&end=${T0 + 3000}`), ['a3']);
    assert.deepEqual(await search(`service=frontend`), [], 'the default window is the last 48 hours');
    assert.deepEqual(
      await search(`service=frontend&lookback=2d&${win}`),
      ['a2', 'a1'],
      'lookback beside start/end is ignored, as Jaeger does (UI v2.14 "Last 2 Days")',
    );
    assert.deepEqual(await search(`service=frontend&lookback=3w&${win}`), ['a2', 'a1']);
    // As Jaeger UI 2.14 (built from its repository) sent "Last 2 Days", empty durations included.
    assert.deepEqual(
      await search(
        `end=${T0 + 10_000}&limit=20&lookback=2d&maxDuration&minDuration&service=frontend&start=${T0 - 172_800_000_000 + 10_000}`,
      ),
      ['a2', 'a1'],
    );
    assert.deepEqual(await search(`service=frontend&maxDuration=0&minDuration=0&${win}`), ['a2', 'a1'], 'maxDuration=0 means no maximum');
    assert.deepEqual(await search(`service=nobody&${win}`), []);
    assert.deepEqual(await search(`traceID=a1&traceID=00000000000000a3`), ['a1', 'a3']);
  });

  it('finds a trace by id with or without leading zeros; unknown ids get 404 in the envelope', async () => {
    for (const id of ['a1', '00000000000000a1', '000000000000000000000000000000a1', 'A1']) {
      const r = await getJson<JaegerEnvelope<JaegerTrace[]>>(`${h.url}/api/traces/${id}`);
      assert.equal(r.status, 200, id);
      assert.equal(r.body.data[0]!.traceID, '00000000000000a1');
      assert.equal(r.body.data[0]!.spans.length, 6);
    }
    const missing = await getJson(`${h.url}/api/traces/ffff`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 404, msg: 'trace not found' }] });
    const bad = await getJson(`${h.url}/api/traces/not-hex`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.errors[0].msg, /cannot parse traceID/);
    const some = await getJson(`${h.url}/api/traces?traceID=a1&traceID=b0&traceID=1000000000000000b0`);
    assert.deepEqual(
      some.body.errors,
      [
        { msg: 'trace not found', traceID: '00000000000000b0' },
        { msg: 'trace not found', traceID: '000000000000001000000000000000b0' },
      ],
      'missing ids as Jaeger reports them: no code, the id re-padded',
    );
    // Jaeger v2 also takes the 16 id bytes in base64 (standard or URL-safe, padded or not).
    const bytes = Buffer.from('000000000000000000000000000000a1', 'hex');
    for (const id of [bytes.toString('base64'), bytes.toString('base64url')]) {
      const r = await getJson<JaegerEnvelope<JaegerTrace[]>>(`${h.url}/api/traces/${encodeURIComponent(id)}`);
      assert.equal(r.status, 200, id);
      assert.equal(r.body.data[0]!.traceID, '00000000000000a1');
    }
  });

  it('prettyPrint indents the answer; raw=true skips the adjusters', async () => {
    const pretty = await fetch(`${h.url}/api/services?prettyPrint=true`);
    assert.equal(
      await pretty.text(),
      JSON.stringify({ data: ['billing', 'frontend'], total: 2, limit: 0, offset: 0, errors: null }, null, '    '),
    );
    const plain = await fetch(`${h.url}/api/services?prettyPrint=false`);
    assert.equal(await plain.text(), JSON.stringify({ data: ['billing', 'frontend'], total: 2, limit: 0, offset: 0, errors: null }));
    const raw = await getJson(`${h.url}/api/traces/a1?raw=1`);
    assert.equal(raw.status, 200);
  });

  it('rejects malformed search parameters with 400 and a reason', async () => {
    for (const [qs, reason] of [
      ['minDuration=fast', /minDuration/],
      ['maxDuration=1s&minDuration=2s', /greater than/],
      ['tags=%7Bnot-json', /tags/],
      ['limit=many', /limit/],
      ['start=yesterday', /start/],
      ['limit=2147483648', /limit/],
      ['raw=yes', /raw/],
      [`tags=${encodeURIComponent('{"http.status_code":200}')}`, /tags/],
      ['traceID=%20a1', /traceID/],
      ['traceID=a1%20', /traceID/],
    ] as const) {
      const r = await getJson(`${h.url}/api/traces?service=frontend&${qs}`);
      assert.equal(r.status, 400, qs);
      assert.match(r.body.errors[0].msg, reason);
      assert.equal(r.body.data, null);
    }
    assert.equal((await getJson(`${h.url}/api/traces?service=frontend&limit=2147483647`)).status, 200, 'the largest int32 is a limit');
    assert.equal((await getJson(`${h.url}/api/traces/%20a1`)).status, 400, 'a space-padded id is not an id');
    assert.equal((await getJson(`${h.url}/api/traces/a1?raw=maybe`)).status, 400);
  });

  it('derives dependencies from parent→child spans across services', async () => {
    const r = await getJson(`${h.url}/api/dependencies?endTs=${Math.floor(T0 / 1000) + 60_000}&lookback=3600000`);
    assert.deepEqual(r.body.data, [{ parent: 'frontend', child: 'billing', callCount: 1 }]);
    const none = await getJson(`${h.url}/api/dependencies?endTs=${Math.floor(T0 / 1000) - 7_200_000}&lookback=3600000`);
    assert.deepEqual(none.body.data, []);
  });

  it('serves collector stats per transport plus store totals', async () => {
    const r = await getJson(`${h.url}/api/collector/stats`);
    assert.equal(r.body.http.received, 4);
    assert.equal(r.body.http.stored, 12);
    assert.equal(r.body.udpCompact.received, 0);
    assert.equal(r.body.store.spans, 12);
    assert.equal(r.body.store.traces, 3);
    assert.deepEqual(Object.keys(r.body).sort(), ['forward', 'forwardOtlp', 'http', 'live', 'otlp', 'store', 'udpBinary', 'udpCompact']);
  });
});
