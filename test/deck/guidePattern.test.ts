// The Demo guide's "Send it" and the burst button: the server sees each hole's documented pattern — its calls, counts and order, the lead in flight.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { assign, createActor, setup, type AnyEventObject } from 'xstate';
import { holeCatalog, type HoleSpec } from '../../model/holes.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { requestPatternWords, type RequestPattern } from '../../slides/live/holePattern.ts';
import { createLiveTraceSource } from '../../slides/live/liveTraceSource.ts';
import { presenterRequestMachine } from '../../slides/live/presenterRequest.ts';
import { scriptSteps } from '../../slides/live/demoScript.ts';
import type { TraceSource } from '../../slides/live/traceSource.ts';

/** One POST /api/demo/requests as the server saw it. */
interface Seen {
  kind: string;
  count: number;
  /** Calls still unanswered when this one arrived. */
  inFlight: number;
  answered: boolean;
}

/**
 * The demo API's contract, served on an ephemeral port: each call is answered once the next call
 * arrives or 60 ms have passed (a mesh's latency stand-in), so a call sent while another waits is seen
 * as overlapping it and a call sent after an answer is seen alone.
 */
let seen: Seen[] = [];
let open: (() => void)[] = [];
let next = 0;
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const { kind, count } = JSON.parse(body) as { kind: string; count: number };
    const entry: Seen = { kind, count, inFlight: open.length, answered: false };
    seen.push(entry);
    const answer = () => {
      if (entry.answered) return;
      entry.answered = true;
      open = open.filter((f) => f !== answer);
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify(
          Array.from({ length: count }, () => ({ traceID: (++next).toString(16).padStart(16, '0'), durationMs: 5, status: 200 })),
        ),
      );
    };
    for (const f of open.slice()) f();
    open.push(answer);
    setTimeout(answer, 60);
  });
});
let source: TraceSource;

before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const live = createLiveTraceSource({ apiBase: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, presenterToken: 'tok' });
  source = { ...live, openStream: () => () => {}, openMeshEvents: () => () => {} };
});
after(() => server.close());

/** A press as the Demo slide makes it: the flow's presenter-request machine under a parent that keeps what it is told. */
async function press(pattern: RequestPattern): Promise<{ kind: string; burst: number; ids: number }[]> {
  const parent = setup({
    types: {} as { context: { ours: { kind: string; burst: number; ids: number }[] }; events: AnyEventObject },
    actors: { request: presenterRequestMachine },
  }).createMachine({
    context: { ours: [] },
    initial: 'pressing',
    on: {
      OURS: {
        actions: assign({
          ours: ({ context, event }) => [
            ...context.ours,
            { kind: event.kind as string, burst: event.burst as number, ids: (event.results as unknown[]).length },
          ],
        }),
      },
    },
    states: {
      pressing: {
        invoke: {
          src: 'request',
          input: { source, kind: pattern.kind, count: pattern.count, pattern, requestTimeoutMs: 20_000, traceTimeoutMs: 1 },
          onDone: 'done',
        },
      },
      done: { type: 'final' },
    },
  });
  const actor = createActor(parent).start();
  await waitFor('the press to end', () => actor.getSnapshot().status === 'done');
  return actor.getSnapshot().context.ours;
}

/** The calls the server must see for a pattern, in order, read from the catalog's fields. */
function expectedCalls(p: RequestPattern): { kind: string; count: number }[] {
  const judged =
    p.lead || p.concurrent ? [{ kind: p.kind, count: p.count }] : Array.from({ length: p.count }, () => ({ kind: p.kind, count: 1 }));
  return [...p.warmup, ...(p.lead ? [{ kind: p.lead.kind, count: p.lead.count }] : []), ...judged];
}

for (const step of scriptSteps()) {
  const spec: HoleSpec = step.spec;
  const p = spec.pattern;
  test(`"Send it" on the ${spec.shortName} step: the server sees ${requestPatternWords(p)}`, async () => {
    // The guide's words are the pattern it sends.
    assert.ok(step.send.includes(requestPatternWords(p)), step.send);
    seen = [];
    const ours = await press(p);
    assert.deepEqual(
      seen.map(({ kind, count }) => ({ kind, count })),
      expectedCalls(p),
    );
    const judgedAt = p.warmup.length + (p.lead ? 1 : 0);
    // Warm-up and one-after-another calls each arrive alone, after the answer to the one before.
    for (const [i, s] of seen.entries())
      if (i !== judgedAt || !p.lead) assert.equal(s.inFlight, 0, `call ${i + 1} arrived while another was in flight`);
    // The lead is still in flight when the judged burst arrives.
    if (p.lead) assert.equal(seen[judgedAt]!.inFlight, 1, 'the judged burst arrives behind the lead');
    // The slide is told of every request, warm-up and lead included, in the order sent.
    assert.equal(
      ours.reduce((n, o) => n + o.ids, 0),
      expectedCalls(p).reduce((n, c) => n + c.count, 0),
    );
  });
}

test('the lock pattern (the burst button sends it whole): the lead first, then the burst while the lead is in flight', async () => {
  const lock = holeCatalog.find((h) => h.id === 'lock-contention')!;
  assert.ok(lock.pattern.lead, 'the lock pattern has a lead');
  seen = [];
  await press(lock.pattern);
  assert.deepEqual(
    seen.map(({ kind, count, inFlight }) => ({ kind, count, inFlight })),
    [
      { kind: lock.pattern.lead.kind, count: lock.pattern.lead.count, inFlight: 0 },
      { kind: lock.pattern.kind, count: lock.pattern.count, inFlight: 1 },
    ],
  );
});
