// A big trace that has stopped growing is rendered ahead into the kept bytes (issue 22), so even its first open is a plain byte stream; small ones are not.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import express from 'express';
import { AnswerCache, answerStats } from '../../embedded-jaeger/answerCache.ts';
import { HeavyQueries } from '../../embedded-jaeger/boundedAnswer.ts';
import { decodeBinaryBatch } from '../../embedded-jaeger/jaegerThrift.ts';
import { answerVariant, createQueryApi, DEFAULT_MAX_CLOCK_SKEW_US, envelope } from '../../embedded-jaeger/queryApi.ts';
import { VIA_HTTP } from '../../embedded-jaeger/spanModel.ts';
import { jaegerTraceSteps, toJaegerTrace } from '../../embedded-jaeger/traceJson.ts';
import { TraceStore } from '../../embedded-jaeger/traceStore.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { call } from '../../scripts/wire.ts';
import { encodeBatch, type FakeSpan } from '../../scripts/attack/thriftBatch.ts';

function fill(store: TraceStore, traceId: bigint, count: number): void {
  const spans: FakeSpan[] = Array.from({ length: count }, (_, i) => ({
    traceIdLow: traceId,
    spanId: BigInt(i + 1),
    parentSpanId: i === 0 ? 0n : 1n,
    operationName: `op ${i % 5}`,
    startTimeUs: 1_700_000_000_000_000 + i * 10,
    durationUs: 100_000 - i,
    tags: [['k', `v ${i}`]],
  }));
  store.ingest(decodeBinaryBatch(encodeBatch('svc', spans)), VIA_HTTP);
}

/** The query API over `store`, rendering a big trace ahead `idleMs` after `tell` says it grew. */
function renderingAhead(store: TraceStore, idleMs: number) {
  const answers = new AnswerCache();
  let listener: (traceID: string) => void = () => {};
  const api = createQueryApi(store, {
    searches: new HeavyQueries(),
    bigTraces: new HeavyQueries(),
    answers,
    prerenderIdleMs: idleMs,
    onTraceGrew: (l) => ((listener = l), () => {}),
  });
  return { api, answers, tell: (traceID: string) => listener(traceID) };
}

test('a big trace gone quiet is rendered ahead: the first GET is its kept bytes, the Jaeger JSON it would render; a small one is not', async () => {
  const store = new TraceStore(1e7, 1e4);
  fill(store, 0xb19n, 6_000);
  fill(store, 0x5aa11n, 20);
  const { api, answers, tell } = renderingAhead(store, 10);
  const render = { maxClockSkewUs: DEFAULT_MAX_CLOCK_SKEW_US };
  const big = store.get('b19')!;
  const small = store.get('5aa11')!;
  tell('5aa11');
  tell('b19');
  await waitFor('the big trace rendered ahead', () => answers.get(big, answerVariant(render, '')) !== undefined);
  assert.equal(answers.get(small, answerVariant(render, '')), undefined, 'a small trace is rendered when asked, not ahead');
  const app = express().use(api);
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const r = await call(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/traces/b19`), { keepBytes: 64e6 });
    const expected = JSON.stringify(envelope([toJaegerTrace(big, render)]));
    assert.equal(r.headers['content-length'], String(Buffer.byteLength(expected)), 'sent from kept bytes');
    assert.ok(r.body === expected, 'byte for byte');
  } finally {
    server.close();
  }
});

test('a GET that comes while its answer is being rendered ahead joins that rendering: sent as it is made, byte for byte, no second rendering', async () => {
  const store = new TraceStore(1e7, 1e4);
  fill(store, 0xb20n, 40_000);
  const { api, answers, tell } = renderingAhead(store, 1);
  const render = { maxClockSkewUs: DEFAULT_MAX_CLOCK_SKEW_US };
  const variant = answerVariant(render, '');
  const big = store.get('b20')!;
  const server = http.createServer(express().use(api));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const before = { ...answerStats };
    tell('b20');
    await waitFor('the rendering ahead under way', () => answers.live(big, variant) !== undefined, { intervalMs: 1 });
    const r = await call(new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/traces/b20`), { keepBytes: 64e6 });
    assert.equal(r.status, 200);
    assert.equal(answerStats.joined - before.joined, 1, 'it joined the rendering under way');
    assert.equal(answerStats.rendered - before.rendered, 1, 'one rendering, the one ahead');
    assert.ok(r.body === JSON.stringify(envelope([toJaegerTrace(big, render)])), 'byte for byte');
    await waitFor('the rendering kept', () => answers.get(big, variant) !== undefined);
  } finally {
    server.close();
  }
});

test('a trace that grows while it is rendered in steps is rendered as it was when rendering began', () => {
  const store = new TraceStore(1e7, 1e4);
  fill(store, 0xc1n, 3_000);
  const trace = store.get('c1')!;
  const steps = jaegerTraceSteps(trace, { maxClockSkewUs: DEFAULT_MAX_CLOCK_SKEW_US }, 100);
  steps.next();
  steps.next();
  const late: FakeSpan[] = Array.from({ length: 100 }, (_, i) => ({
    traceIdLow: 0xc1n,
    spanId: BigInt(10_000 + i),
    parentSpanId: 1n,
    operationName: 'late',
    startTimeUs: 1_700_000_000_000_000,
    durationUs: 5,
    tags: [],
  }));
  store.ingest(decodeBinaryBatch(encodeBatch('other', late)), VIA_HTTP);
  assert.equal(trace.spans.length, 3_100);
  let next = steps.next();
  while (!next.done) next = steps.next();
  assert.equal(next.value.spans.length, 3_000);
  assert.ok(next.value.spans.every((s) => s.processID === 'p1' && s.operationName !== 'late'));
});
