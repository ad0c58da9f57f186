// The standalone page's loading machine: the newest load wins, a failure keeps what was shown and says why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createActor } from 'xstate';
import { loadedFromTrace } from '../../viewer/model/loadedTrace.ts';
import { standaloneFlow } from '../../viewer/page/standaloneFlow.ts';
import { TraceLoadError } from '../../viewer/reader/traceSource.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { lockTrace, markupTrace } from './traces.ts';

test('a late answer from an older load never replaces a newer one', async () => {
  const actor = createActor(standaloneFlow).start();
  let releaseOld!: () => void;
  const old = new Promise<void>((r) => (releaseOld = r));
  actor.send({ type: 'load', request: { what: 'old', job: async () => (await old, [loadedFromTrace(lockTrace())]) } });
  assert.ok(actor.getSnapshot().matches('loading'));
  actor.send({ type: 'load', request: { what: 'new', job: async () => [loadedFromTrace(markupTrace())] } });
  await waitFor('the new trace shown', () => actor.getSnapshot().matches('showing'));
  releaseOld();
  await new Promise((r) => setImmediate(r));
  assert.equal(actor.getSnapshot().context.traces[0]!.traceID, markupTrace().traceID);
  assert.equal(actor.getSnapshot().context.source, 'new');
  actor.stop();
});

test('a failed load says why and keeps the traces already shown', async () => {
  const actor = createActor(standaloneFlow).start();
  actor.send({ type: 'open', traces: [loadedFromTrace(lockTrace())], source: 'a file' });
  actor.send({
    type: 'load',
    request: { what: 'bad.json', job: async () => Promise.reject(new TraceLoadError('bad.json is not valid JSON (x).')) },
  });
  await waitFor('the failure', () => actor.getSnapshot().matches('failed'));
  assert.equal(actor.getSnapshot().context.error, 'bad.json is not valid JSON (x).');
  assert.equal(actor.getSnapshot().context.traces[0]!.traceID, lockTrace().traceID);
  actor.send({ type: 'load', request: { what: 'oops', job: async () => Promise.reject(new Error('boom')) } });
  await waitFor('the second failure', () => actor.getSnapshot().context.error === 'Could not open oops: boom');
  actor.stop();
});
