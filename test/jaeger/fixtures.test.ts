// Fixture traces encoded as Thrift, sent through each door, read back from the query API field by field.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { JaegerEnvelope, JaegerTrace } from '../../model/jaegerJson.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { encodeCompactEmitBatch } from './support/compactEncoder.ts';
import { getJson, postBatch, sendUdp, startHarness, type Harness } from './support/harness.ts';
import { batchesFromTrace, expectedTrace, idMapper } from '../../devkit/plainBatch.ts';
import { encodeBinaryBatch, encodeBinaryEmitBatch } from '../../devkit/thriftrwCodec.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/jaeger-json');
const FIXTURES = ['all-tag-types-5-spans.json', 'two-services-11-spans.json', 'overlapping-children-3-spans.json'];
const load = (f: string) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as JaegerTrace;

const DOORS = {
  'UDP compact (test encoder)': async (h: Harness, t: JaegerTrace, hexOf: (id: string) => string) =>
    sendUdp(
      h.jaeger.ports.udpCompact,
      batchesFromTrace(t, hexOf).map((b, i) => encodeCompactEmitBatch(b, i)),
    ),
  'UDP binary (thriftrw emitBatch)': async (h: Harness, t: JaegerTrace, hexOf: (id: string) => string) =>
    sendUdp(h.jaeger.ports.udpBinary, batchesFromTrace(t, hexOf, true).map(encodeBinaryEmitBatch)),
  'HTTP collector (thriftrw Batch)': async (h: Harness, t: JaegerTrace, hexOf: (id: string) => string) => {
    for (const b of batchesFromTrace(t, hexOf, true)) assert.equal((await postBatch(h.collectorUrl, encodeBinaryBatch(b))).status, 202);
  },
};

for (const [door, send] of Object.entries(DOORS)) {
  describe(`fixtures through ${door}`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness();
    });
    after(() => h.close());

    for (const file of FIXTURES) {
      it(`${file} comes back as Jaeger's JSON`, async () => {
        const fixture = load(file);
        const hexOf = idMapper();
        await send(h, fixture, hexOf);
        const want = expectedTrace(fixture, hexOf);
        const got = await waitFor(`all ${fixture.spans.length} spans of ${file}`, async () => {
          const r = await getJson<JaegerEnvelope<JaegerTrace[]>>(`${h.url}/api/traces/${want.traceID}?raw=true`);
          return r.status === 200 && r.body.data[0]!.spans.length === fixture.spans.length && r.body;
        });
        assert.deepEqual(Object.keys(got), ['data', 'total', 'limit', 'offset', 'errors']);
        assert.equal(got.errors, null);
        const trace = got.data[0]!;
        assert.equal(trace.traceID, want.traceID);
        assert.deepEqual(trace.processes, want.processes);
        want.spans.forEach((w, i) => {
          // Field by field, key order included, so a difference names the field.
          assert.deepEqual(Object.keys(trace.spans[i]!), Object.keys(w), `span ${i} keys`);
          for (const k of Object.keys(w) as (keyof typeof w)[])
            assert.deepEqual(trace.spans[i]![k], w[k], `span ${i} (${w.spanID}) field ${k}`);
        });
        assert.deepEqual(trace, want);
      });
    }
  });
}
