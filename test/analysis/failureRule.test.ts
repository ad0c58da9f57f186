// The one failure rule, read the same by the hole finder, the viewer (from objects and from a file's bytes) and the phone's summary.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeTrace, indexTrace } from '../../analysis/index.ts';
import { summarizeTrace } from '../../join/browser/traceSummary.ts';
import type { JaegerTrace } from '../../model/jaegerJson.ts';
import { failedByStatus, requestFailed, spanFailed } from '../../model/index.ts';
import { completeFeed, scanJaegerFile } from '../../viewer/reader/jsonScan.ts';
import { buildTraceModel, indexSpans, spanIdOf, type TraceModel } from '../../viewer/model/traceModel.ts';
import { FAILED_TRIES, http503Only, isbnRetries, otelStatusOnly, REGISTRY_ANSWERS } from './support/failureVariants.ts';

test('the rule: error tag, OpenTelemetry status ERROR, HTTP 5xx on a server span; nothing else', () => {
  assert.equal(failedByStatus({ error: true }), true);
  assert.equal(failedByStatus({ error: 'true' }), true);
  assert.equal(failedByStatus({ error: false }), false);
  assert.equal(failedByStatus({ 'otel.status_code': 'ERROR' }), true);
  assert.equal(failedByStatus({ 'otel.status_code': 'OK' }), false);
  assert.equal(failedByStatus({ 'span.kind': 'server', 'http.status_code': 503 }), true);
  assert.equal(failedByStatus({ 'span.kind': 'server', 'http.response.status_code': '500' }), true);
  assert.equal(failedByStatus({ 'span.kind': 'server', 'http.response.status_code': 404 }), false);
  // A client seeing a 5xx reports the server's failure; the server's own span carries it.
  assert.equal(failedByStatus({ 'span.kind': 'client', 'http.status_code': 503 }), false);
  assert.equal(failedByStatus({ 'http.status_code': 503 }), false);
  // An error=true log field is not a tag: only tags count.
  const span = { tags: [{ key: 'event', type: 'string' as const, value: 'error' }] };
  assert.equal(spanFailed(span), false);
});

const idsOf = (m: TraceModel) =>
  [...m.error.keys()]
    .filter((i) => m.error[i])
    .map((i) => spanIdOf(m, i))
    .sort();
const failedIds = (t: JaegerTrace) => {
  const ix = indexTrace(t);
  return ix.spans
    .filter((_, i) => ix.error[i])
    .map((s) => s.spanID)
    .sort();
};

/** The viewer's model as the worker builds it from a file: the byte reader, not the parsed objects. */
async function modelFromBytes(t: JaegerTrace): Promise<TraceModel> {
  const bytes = new TextEncoder().encode(JSON.stringify({ data: [t] }));
  const scanned = await scanJaegerFile(completeFeed(bytes));
  return indexSpans(scanned[0]!.columns!);
}

for (const [name, make, failed] of [
  ['OpenTelemetry status ERROR only', otelStatusOnly, FAILED_TRIES],
  ['HTTP 503 on the server spans only', () => http503Only(REGISTRY_ANSWERS), REGISTRY_ANSWERS],
] as const) {
  test(`${name}: the finder, the viewer (objects and bytes) and the phone all count the same failed spans`, async () => {
    const t = make();
    const want = [...failed].sort();
    assert.deepEqual(failedIds(t), want);
    assert.deepEqual(idsOf(buildTraceModel(t)), want);
    assert.deepEqual(idsOf(await modelFromBytes(t)), want);
    assert.equal(summarizeTrace(t).errors, want.length);
    // The finder reads the failed tries as failed: retried, so it names the retries.
    assert.deepEqual(
      analyzeTrace(t).map((f) => f.kind),
      ['retries'],
    );
  });
}

test('HTTP 503 seen only by the client spans fails nothing, and the finder names no retries', async () => {
  const t = http503Only(FAILED_TRIES);
  assert.deepEqual(failedIds(t), []);
  assert.deepEqual(idsOf(await modelFromBytes(t)), []);
  assert.equal(summarizeTrace(t).errors, 0);
  assert.ok(!analyzeTrace(t).some((f) => f.kind === 'retries'));
});

test('the request failed when its root did, by the same rule', () => {
  const t = isbnRetries();
  assert.equal(requestFailed(t), false);
  const root = t.spans.find((s) => s.references.length === 0)!;
  root.tags.push({ key: 'http.response.status_code', type: 'int64', value: 502 });
  assert.equal(requestFailed(t), true);
});

test('a span that says error=false, then error=true where it failed, is failed for every reader (any true error tag counts)', async () => {
  const t = isbnRetries();
  const span = t.spans.find((s) => s.references.length > 0)!;
  span.tags.push({ key: 'error', type: 'bool', value: false }, { key: 'error', type: 'bool', value: true });
  assert.equal(spanFailed(span), true);
  assert.ok(failedIds(t).includes(span.spanID));
  assert.ok(idsOf(buildTraceModel(t)).includes(span.spanID));
  assert.ok(idsOf(await modelFromBytes(t)).includes(span.spanID));
  // And the other way round: a later error=false does not clear an earlier true.
  const other = t.spans.find((s) => s !== span && s.references.length > 0 && !spanFailed(s))!;
  other.tags.push({ key: 'error', type: 'bool', value: true }, { key: 'error', type: 'bool', value: false });
  assert.ok(idsOf(await modelFromBytes(t)).includes(other.spanID));
});
