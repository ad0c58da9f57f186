// Any trace in: the same traces written as Jaeger JSON, OTLP JSON (one request, or one per line) and Zipkin v2 give the same findings; other input is one clear line.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { analyzeTrace, traceFormatOf, tracesFromText, TraceInputError } from '../../analysis/index.ts';
import { tracesFromJaegerFile, type Finding, type JaegerTrace } from '../../model/index.ts';
import { toOtlpJson, toZipkinJson } from './support/otherFormats.ts';

const fixtures = new URL('../fixtures/', import.meta.url);
/** Traces from elsewhere: Jaeger's own test data and a library traced with a real OpenTelemetry SDK. */
function outsideTraces(): { name: string; trace: JaegerTrace }[] {
  const out: { name: string; trace: JaegerTrace }[] = [];
  for (const folder of ['jaeger-json', 'jaeger-ui', 'otel-library']) {
    for (const file of readdirSync(new URL(folder, fixtures)).filter((f) => f.endsWith('.json'))) {
      for (const [i, trace] of tracesFromJaegerFile(JSON.parse(readFileSync(new URL(`${folder}/${file}`, fixtures), 'utf8'))).entries()) {
        // OTLP and Zipkin ids are hex; a Jaeger UI test trace with ids like "trace-123" has no such form.
        if (trace.spans.every((s) => /^[0-9a-f]{1,16}$/i.test(s.spanID) && /^[0-9a-f]{1,32}$/i.test(s.traceID)))
          out.push({ name: `${folder}/${file}#${i}`, trace });
      }
    }
  }
  return out;
}

/** The mesh's recordings (jaeger-client spans: OpenTracing tags, logs with several fields): every hole once. */
function recordings(): { name: string; trace: JaegerTrace }[] {
  const dir = new URL('../../slides/recordings/traces/', import.meta.url);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ name: f, trace: tracesFromJaegerFile(JSON.parse(readFileSync(new URL(f, dir), 'utf8')))[0]! }));
}

/** OTLP and Zipkin ids are fixed-width hex: a short Jaeger id comes back zero-padded. */
const comparable = (fs: Finding[]) => fs.map((f) => ({ ...f, spanIDs: f.spanIDs.map((id) => id.padStart(16, '0')) }));

test('the same traces as Jaeger, OTLP and Zipkin v2 JSON give identical findings, fingerprints included', () => {
  const traces = [...outsideTraces(), ...recordings()];
  assert.ok(traces.length >= 20, `${traces.length} traces`);
  let found = 0;
  for (const { name, trace } of traces) {
    const want = comparable(analyzeTrace(trace));
    found += want.length;
    const otlp = tracesFromText(JSON.stringify(toOtlpJson(trace)));
    assert.equal(otlp.format, 'otlp', name);
    assert.equal(otlp.traces.length, 1, name);
    assert.equal(otlp.traces[0]!.spans.length, trace.spans.length, name);
    assert.deepEqual(comparable(analyzeTrace(otlp.traces[0]!)), want, `${name} as OTLP JSON`);
    const zipkin = tracesFromText(JSON.stringify(toZipkinJson(trace)));
    assert.equal(zipkin.format, 'zipkin', name);
    assert.deepEqual(comparable(analyzeTrace(zipkin.traces[0]!)), want, `${name} as Zipkin v2`);
  }
  assert.ok(found >= 12, `the fixtures hold findings to compare (${found})`);
});

test("a Collector file exporter's lines (one request per line, a trace split across them) make one trace", () => {
  const trace = tracesFromJaegerFile(JSON.parse(readFileSync(new URL('otel-library/home-sequential.json', fixtures), 'utf8')))[0]!;
  const request = toOtlpJson(trace) as { resourceSpans: unknown[] };
  const lines = request.resourceSpans.map((rs) => JSON.stringify({ resourceSpans: [rs] })).join('\n');
  assert.ok(request.resourceSpans.length >= 2);
  const { format, traces } = tracesFromText(`${lines}\n`);
  assert.equal(format, 'otlp');
  assert.equal(traces.length, 1);
  assert.deepEqual(
    analyzeTrace(traces[0]!).map((f) => f.kind),
    ['sequential-calls'],
  );
  assert.equal(traceFormatOf(lines.slice(0, 200)), 'otlp');
  assert.equal(traceFormatOf(JSON.stringify(toZipkinJson(trace)).slice(0, 300)), 'zipkin');
  assert.equal(traceFormatOf(JSON.stringify({ data: [trace] }).slice(0, 300)), 'jaeger');
});

test("a Zipkin server span sharing its client's id (B3) gets its own id under the client", () => {
  const span = (id: string, extra: object) => ({
    traceId: 'a'.repeat(16),
    id,
    name: 'get /x',
    timestamp: 1_700_000_000_000_000,
    duration: 1000,
    localEndpoint: { serviceName: 'svc' },
    ...extra,
  });
  const { traces } = tracesFromText(
    JSON.stringify([
      span('0000000000000001', {}),
      span('0000000000000002', { parentId: '0000000000000001', kind: 'CLIENT' }),
      span('0000000000000002', { parentId: '0000000000000001', kind: 'SERVER', shared: true, localEndpoint: { serviceName: 'other' } }),
    ]),
  );
  const server = traces[0]!.spans[2]!;
  assert.notEqual(server.spanID, '0000000000000002');
  assert.deepEqual(
    server.references.map((r) => r.spanID),
    ['0000000000000002'],
  );
});

test('input that is none of the three is one line naming what was expected', () => {
  for (const [text, reason] of [
    ['{"data": [', /^not JSON/],
    ['{"name": "not a trace"}', /^not a trace: expected Jaeger JSON .* OTLP JSON .* Zipkin v2/],
    [
      '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xyz","spanId":"0000000000000001"}]}]}]}',
      /^OTLP JSON: traceId is not 32 hex digits/,
    ],
    ['[{"traceId":"zz","id":"1"}]', /^Zipkin JSON: traceId is not hex/],
    ['{"data": []}', /^no trace in it/],
  ] as const) {
    assert.throws(
      () => tracesFromText(text),
      (e: Error) => e instanceof TraceInputError && reason.test(e.message) && !e.message.includes('\n'),
      text,
    );
  }
});

test('OTLP JSON read here and OTLP JSON stored by the embedded collector give the same Jaeger spans (one mapping, kept in step)', async () => {
  const { startQueryableJaeger } = await import('../../devkit/queryableJaeger.ts');
  const { createLog } = await import('../../pkg/index.ts');
  const store = await startQueryableJaeger({ maxSpans: 1000, maxTraces: 10, log: createLog('formats', 'silent') });
  try {
    for (const file of ['isbn-retries.json', 'loan-ledger-lock.json', 'basket-mn-plus-one.json']) {
      const trace = tracesFromJaegerFile(JSON.parse(readFileSync(new URL(`otel-library/${file}`, fixtures), 'utf8')))[0]!;
      const body = JSON.stringify(toOtlpJson(trace));
      const posted = await fetch(store.otlpUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      assert.equal(posted.status, 200, file);
      const stored = ((await (await fetch(`${store.queryUrl}/api/traces/${trace.traceID}?raw=true`)).json()) as { data: JaegerTrace[] })
        .data[0]!;
      const read = tracesFromText(body).traces[0]!;
      // raw=true: as stored, before the query side's clock-skew adjuster. Process ids are each side's own numbering: compare each span with its process inlined.
      const plain = (t: JaegerTrace) =>
        t.spans
          .map(({ processID, warnings: _, flags: __, ...s }) => ({
            ...s,
            process: { ...t.processes[processID]!, tags: t.processes[processID]!.tags ?? [] },
          }))
          .sort((a, b) => a.spanID.localeCompare(b.spanID));
      assert.deepEqual(plain(read), plain(stored), file);
    }
  } finally {
    await store.close();
  }
});
