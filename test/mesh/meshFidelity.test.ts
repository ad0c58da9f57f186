// The mesh's traces are faithful: children inside their parents across bursts, one charge per order, the same run twice for one seed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { analyzeTrace } from '../../analysis/index.ts';
import { byOperation, rootsOf, toJaegerTrace, type MeshSpan } from './support/meshSpans.ts';
import { startMeshUnderTest, type MeshUnderTest } from './support/meshUnderTest.ts';
import { worstStray } from './support/spanOrder.ts';

let m: MeshUnderTest;
before(async () => {
  m = await startMeshUnderTest(7);
});
after(() => m?.close());

test('across singles and bursts, holes open and plugged, no CHILD_OF child starts before its parent or ends after it', async (t) => {
  const traces: MeshSpan[][] = [];
  const run = async () => {
    for (const kind of ['normal', 'slow', 'normal', 'normal'] as const) traces.push(...(await m.traces(kind, 1)).map((r) => r.spans));
    for (let i = 0; i < 2; i++) traces.push(...(await m.traces('normal', 8)).map((r) => r.spans));
  };
  await run();
  await m.plugAll();
  await run();
  await m.openAll();
  const worst = worstStray(traces);
  t.diagnostic(
    `${traces.length} traces, ${worst.pairs} CHILD_OF pairs: worst early ${worst.earlyUs} µs (${worst.early?.child}), worst late ${worst.lateUs} µs (${worst.late?.child})`,
  );
  assert.ok(worst.pairs > 1000);
  assert.equal(worst.earlyUs, 0, `a child started before its parent: ${JSON.stringify(worst.early)}`);
  assert.equal(worst.lateUs, 0, `a child ended after its parent: ${JSON.stringify(worst.late)}`);
  // The stalled charge attempts outlive their callers: they must say so with FOLLOWS_FROM.
  const gaveUp = traces.flat().filter((s) => s.tags['caller.gone'] === true);
  assert.ok(gaveUp.length > 0, 'the slow orders had charge attempts their caller gave up on');
  assert.ok(gaveUp.every((s) => s.references?.some((r) => r.refType === 'FOLLOWS_FROM' && r.spanID === s.parentSpanID)));
});

test('payments honours the idempotency key: the same key twice, even at once, charges once', async () => {
  const port = m.mesh.processes().find((p) => p.name === 'payments')!.port!;
  const charge = (key: string) =>
    fetch(`http://127.0.0.1:${port}/charge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ orderId: key, amount: 3.5, kind: 'normal', attempt: 2 }),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as { replayed: boolean }, traceID: r.headers.get('x-trace-id')! }));
  const key = `test-${process.pid}`;
  const [a, b] = await Promise.all([charge(key), charge(key)]);
  const c = await charge(key);
  assert.deepEqual([a.status, b.status, c.status], [200, 200, 200]);
  assert.deepEqual([a.body.replayed, b.body.replayed, c.body.replayed].sort(), [false, true, true]);
  await m.mesh.spanCounts(); // flush
  const inserts = [a, b, c].flatMap((r) => byOperation(m.capture.trace(r.traceID), 'payments', 'payments-db INSERT'));
  assert.equal(inserts.length, 1, 'one INSERT for three charges under one key');
});

test('with every hole plugged, a burst charges each order exactly once', async () => {
  await m.plugAll();
  const results = await m.traces('normal', 12);
  await m.openAll();
  for (const r of results) {
    assert.equal(r.status, 200);
    assert.equal(byOperation(r.spans, 'payments', 'payments-db INSERT').length, 1);
  }
});

test('two fresh meshes with one seed answer the same sequential requests with the same span counts and findings', async (t) => {
  const script = ['normal', 'slow', 'normal'] as const;
  const runOnce = async () => {
    const fresh = await startMeshUnderTest(11);
    try {
      const out: { spans: number; operations: string; findings: string }[] = [];
      for (const kind of script) {
        const [r] = await fresh.traces(kind, 1);
        assert.ok(r, 'one request, one result');
        assert.equal(rootsOf(r.spans).length, 1);
        const findings = analyzeTrace(toJaegerTrace(r.spans)).map((f) => f.kind);
        out.push({
          spans: r.spans.length,
          operations: r.spans
            .map((s) => `${s.service} ${s.operation}`)
            .sort()
            .join('|'),
          findings: [...new Set(findings)].sort().join(','),
        });
      }
      return out;
    } finally {
      await fresh.close();
    }
  };
  // One after the other: two meshes at once on a small machine would make the 250 ms payment deadline a race.
  const first = await runOnce();
  const second = await runOnce();
  t.diagnostic(`span counts ${JSON.stringify(first.map((x) => x.spans))}, findings ${JSON.stringify(first.map((x) => x.findings))}`);
  assert.deepEqual(
    second.map((x) => x.spans),
    first.map((x) => x.spans),
    `span counts per request; findings ${JSON.stringify([first.map((x) => x.findings), second.map((x) => x.findings)])}`,
  );
  assert.deepEqual(
    second.map((x) => x.operations),
    first.map((x) => x.operations),
    'the same operations',
  );
  // Findings that follow from the spans' structure alone are the same; kinds judged by cost shares
  // (pool-saturation, n-plus-one) can tip either way on a loaded machine, so those are compared per run.
  const retries = (run: typeof first) => run.map((x) => x.findings.split(',').includes('retries'));
  assert.deepEqual(retries(second), retries(first), 'retries found on the same requests');
  const kinds = (run: typeof first) => [...new Set(run.flatMap((x) => x.findings.split(',')))].sort();
  assert.deepEqual(kinds(second), kinds(first), 'the same finding kinds over the run');
  // The documented pattern: the warm-up's two normal orders count, so the first normal here is the 3rd and stalls once;
  // the slow order stalls twice.
  assert.deepEqual(retries(first), [true, true, false]);
});
