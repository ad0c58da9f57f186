// Audience mode against the real mesh and embedded Jaeger: baggage on every span, limits and tokens on the real API, /join end to end.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import jsQR from 'jsqr';
import type { Browser } from 'playwright-core';
import type { AudienceStats, RateLimitedBody } from '../../model/audience.ts';
import { publicAttendeeTag } from '../../join/server/index.ts';
import { defaultAttendeeLimits as L } from '../../join/server/attendeeLimits.ts';
import type { JaegerEnvelope, JaegerTrace } from '../../model/jaegerJson.ts';
import { testConfig } from '../../server/config.ts';
import { startDeckServer, type DeckServer } from '../../server/deckServer.ts';
import { createLog } from '../../pkg/index.ts';
import { launchBrowser, screenshot, watchPage } from '../../devkit/browser.ts';
import { waitFor } from '../../devkit/waitFor.ts';
import { qrPixels } from './qrPixels.ts';

/** How long the slower of an attendee's and a device's token buckets takes to refill from empty. */
const REFILL_MS = 1000 * Math.max(L.perAttendeeBurst / L.perAttendeePerSecond, L.perAddressBurst / L.perAddressPerSecond) + 100;

const TOKEN = 'test-presenter-token';
let server: DeckServer;
let browser: Browser | undefined;

before(async () => {
  server = await startDeckServer(testConfig(), { log: createLog('test', 'silent') });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

interface DemoResult {
  traceID: string;
  durationMs: number;
  status: number;
}

function demoRequest(headers: Record<string, string>, body: unknown = { kind: 'normal', count: 1 }) {
  return fetch(`${server.url}/api/demo/requests`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Spans stored by the collector, over every transport. */
async function storedSpans(): Promise<number> {
  const stats = (await (await fetch(`${server.url}/api/collector/stats`)).json()) as Record<string, { stored?: number }>;
  return ['udpCompact', 'udpBinary', 'http', 'otlp'].reduce((n, via) => n + (stats[via]?.stored ?? 0), 0);
}

/**
 * Flushes every service's reporter, then waits until the collector has stored as many spans as the
 * mesh reported: from then on every trace so far is complete in the store.
 */
async function allSpansStored(): Promise<void> {
  const counts = await server.mesh!.spanCounts();
  const reported = counts.reduce((n, c) => n + c.reported, 0);
  await waitFor(`${reported} reported spans to be stored`, async () => (await storedSpans()) >= reported, { timeoutMs: 15_000 });
}

async function trace(traceID: string): Promise<JaegerTrace> {
  const res = await fetch(`${server.url}/api/traces/${traceID}`);
  assert.equal(res.status, 200, `trace ${traceID}`);
  const [found] = ((await res.json()) as JaegerEnvelope<JaegerTrace[]>).data;
  assert.ok(found, `trace ${traceID} in the answer`);
  return found;
}

function serviceOf(t: JaegerTrace, span: JaegerTrace['spans'][number]): string {
  const p = t.processes[span.processID];
  assert.ok(p, `span ${span.spanID} names process ${span.processID}, which the trace does not list`);
  return p.serviceName;
}

function tag(span: JaegerTrace['spans'][number], key: string): unknown {
  return span.tags.find((t) => t.key === key)?.value;
}

test("an attendee's tag (a keyed hash of its id, never the id) and nickname ride as baggage to every span of every service in its trace", async () => {
  // 'ë' arrives as a Latin-1 header byte: the gate folds it before it becomes baggage.
  const res = await demoRequest({ 'x-attendee-id': 'baggage-check-1', 'x-attendee-name': "Zoë  O'Neil" }, { kind: 'normal', count: 1 });
  assert.equal(res.status, 200);
  const results = (await res.json()) as DemoResult[];
  assert.equal(results.length, 1);
  await allSpansStored();
  for (const r of results) {
    const t = await trace(r.traceID);
    const services = new Set(t.spans.map((s) => serviceOf(t, s)));
    assert.ok(services.size >= 3, `the trace crosses services (${[...services].join(', ')})`);
    for (const span of t.spans) {
      const where = `${serviceOf(t, span)} ${span.operationName}`;
      assert.equal(tag(span, 'baggage.attendee-id'), publicAttendeeTag('baggage-check-1'), where);
      assert.equal(tag(span, 'baggage.attendee-name'), "Zoe O'Neil", where);
    }
  }
});

test('on the real demo API: an attendee past its burst gets 429 with a reason; the presenter never does', async () => {
  // Arriving together, 5 + 1 + 1 is more than the burst of 5 in any order: at least one is refused before it reaches the mesh.
  const replies = await Promise.all([5, 1, 1].map((count) => demoRequest({ 'x-attendee-id': 'burst-check-1' }, { kind: 'normal', count })));
  assert.ok(replies.some((r) => r.status === 200));
  const limited = replies.find((r) => r.status === 429);
  assert.ok(limited, `statuses ${replies.map((r) => r.status).join(', ')}`);
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  const body = (await limited.json()) as RateLimitedBody;
  assert.equal(body.limit, 'attendee');
  assert.ok(body.reason.length > 10);
  const stats = (await (await fetch(`${server.url}/api/audience/stats`)).json()) as AudienceStats;
  assert.ok(stats.limited >= 1 && stats.limitedBy.attendee >= 1);

  // More than any attendee may ask for at once, right after this attendee was refused: the presenter is never limited.
  const presenter = await demoRequest({ authorization: `Bearer ${TOKEN}` }, { kind: 'normal', count: 6 });
  assert.equal(presenter.status, 200);
  assert.equal(((await presenter.json()) as DemoResult[]).length, 6);
  const tooMany = await demoRequest({ 'x-attendee-id': 'burst-check-2' }, { kind: 'normal', count: 6 });
  assert.equal(tooMany.status, 400);
});

test('hole switches need the presenter token: 401 without it or with a wrong one', async () => {
  const holes = (await (await fetch(`${server.url}/api/holes`)).json()) as { id: string; plugged: boolean }[];
  assert.ok(holes.length >= 1);
  const hole = holes[0]!;
  const put = (headers: Record<string, string>) =>
    fetch(`${server.url}/api/holes/${hole.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ plugged: !hole.plugged }),
    });
  assert.equal((await put({})).status, 401);
  assert.equal((await put({ authorization: 'Bearer guess' })).status, 401);
  assert.equal((await put({ 'x-attendee-id': 'attendee-hacker' })).status, 401);
  const ok = await put({ authorization: `Bearer ${TOKEN}` });
  assert.equal(ok.status, 200);
  // Put it back as it was for the next test.
  await fetch(`${server.url}/api/holes/${hole.id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ plugged: hole.plugged }),
  });
});

test('/join end to end on a phone: a tap shows latency and where the time went; a 429 is met kindly', async () => {
  const context = await browser!.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  const page = await context.newPage();
  const watch = watchPage(page);
  const traceIDs: string[] = [];
  page.on('response', async (r) => {
    if (r.url().endsWith('/api/demo/requests') && r.status() === 200) {
      for (const d of (await r.json()) as DemoResult[]) traceIDs.push(d.traceID);
    }
  });
  await page.goto(`${server.url}/join`);
  await page.fill('#nickname', 'Ada <3');
  await page.tap('#sendNormal');

  await waitFor('the latency', async () => /^\d+(\.\d)?$/.test((await page.textContent('#latency')) ?? ''), { timeoutMs: 45_000 });
  await waitFor(
    'the summary of where the time went',
    async () => /spans across \d+ services(, \d+ with errors)?\.$/.test((await page.textContent('#resultNote')) ?? ''),
    {
      timeoutMs: 45_000,
    },
  );
  const sinks = await page.locator('#sinks li').allTextContents();
  assert.ok(sinks.length >= 1 && sinks.length <= 3, `top sinks: ${sinks.join(' | ')}`);
  for (const s of sinks) assert.match(s, /^\d+(\.\d)? ms in \S+ · .+/);
  await screenshot(page, 'join-phone-result');

  // The nickname typed on the phone is the one on the presenter's screen.
  await allSpansStored();
  const [phoneTraceID] = traceIDs;
  assert.ok(phoneTraceID, "the phone's request answered with a trace id");
  const t = await trace(phoneTraceID);
  assert.ok(t.spans.every((s) => tag(s, 'baggage.attendee-name') === 'Ada 3'));

  // The same attendee (say, a second tab) spends its whole burst and another fills the mesh's last slots
  // (8 in flight): a tap right after is refused on both counts. On a loaded machine the tap may still come
  // late enough to find a token and a free slot, so the set is tried again once the bucket has refilled.
  const id = (await page.evaluate(() => localStorage.getItem('pph.attendee-id')))!;
  const audience = async () => (await (await fetch(`${server.url}/api/audience/stats`)).json()) as AudienceStats;
  const bursts: Promise<Response>[] = [];
  for (let attempt = 1; ; attempt++) {
    await waitFor('the mesh to be free of attendee requests', async () => (await audience()).inFlight === 0, { timeoutMs: 45_000 });
    const before = await audience();
    bursts.push(demoRequest({ 'x-attendee-id': id }, { kind: 'normal', count: 5 }));
    bursts.push(demoRequest({ 'x-attendee-id': `other-${attempt}-of-${id}`.slice(0, 64) }, { kind: 'normal', count: 3 }));
    await waitFor('both bursts to pass the gate', async () => (await audience()).requestsTotal >= before.requestsTotal + 8);
    await page.tap('#sendSlow');
    const after = await waitFor('the tap to be answered or refused', async () => {
      const s = await audience();
      return (s.limited > before.limited || s.requestsTotal >= before.requestsTotal + 9) && s;
    });
    if (after.limited > before.limited) break;
    assert.ok(attempt < 5, 'five tries in a row never kept the tap from a token and a slot');
    // The attendee's and the device's buckets refill on the server's clock, which the server does not show:
    // wait for the slower of the two to be whole again (computed from the limits, not a guess).
    await new Promise((r) => setTimeout(r, REFILL_MS));
  }
  await waitFor('the friendly limit message', async () => (await page.textContent('#message'))?.startsWith('Easy there'), {
    timeoutMs: 45_000,
  });
  assert.equal(await page.textContent('#message'), 'Easy there — the coffee bar is busy, try again in a second.');
  assert.ok(await page.locator('#sendNormal').isDisabled(), 'buttons rest until Retry-After passes');
  await screenshot(page, 'join-phone-limited');
  await waitFor('buttons back', async () => page.locator('#sendNormal').isEnabled(), { timeoutMs: 15_000 });
  for (const b of bursts) assert.equal((await b).status, 200);

  // A 429 is an answer the page handles, not a fault: Chromium still logs the status line, nothing else.
  assert.deepEqual(
    watch.errors.filter((e) => !/status of 429/.test(e)),
    [],
  );
  assert.deepEqual(watch.external, []);
  await context.close();
});

test('while the presenter measures, a tap waits and the phone says why; it runs once the hold ends', async () => {
  const context = await browser!.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  const page = await context.newPage();
  const watch = watchPage(page);
  await page.goto(`${server.url}/join`);
  const presenter = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  await waitFor(
    'the phone on its presence stream',
    async () => ((await (await fetch(`${server.url}/api/audience/stats`)).json()) as AudienceStats).presenceStreams >= 1,
  );
  const hold = await fetch(`${server.url}/api/audience/hold`, { method: 'POST', headers: presenter, body: JSON.stringify({ ms: 15_000 }) });
  assert.equal(hold.status, 200);
  try {
    await page.tap('#sendNormal');
    await waitFor(
      'the phone to say the presenter is measuring',
      async () => (await page.textContent('#message')) === 'The presenter is measuring — yours goes next.',
      { timeoutMs: 10_000 },
    );
    assert.equal(await page.locator('#result').isHidden(), true, 'no answer while held');
    await screenshot(page, 'join-phone-measuring');
  } finally {
    await fetch(`${server.url}/api/audience/hold`, { method: 'DELETE', headers: presenter });
  }
  await waitFor('the held request answered', async () => /^\d+(\.\d)?$/.test((await page.textContent('#latency')) ?? ''), {
    timeoutMs: 45_000,
  });
  // The note and the latency are two writes: wait for the note to go rather than read it in the latency's frame.
  await waitFor('the measuring note gone once answered', () => page.locator('#message').isHidden(), { timeoutMs: 5_000 });
  assert.deepEqual(watch.errors, []);
  await context.close();
});

test('on the Demo slide of the real deck (mesh up), the QR code as drawn decodes to the join URL', async () => {
  const page = await browser!.newPage({ viewport: { width: 1920, height: 1080 } });
  const watch = watchPage(page);
  await page.goto(`${server.url}/#/demo`);
  const qr = page.locator('.reveal .present .join-panel__qr svg');
  await waitFor('the join panel drawn on the Demo slide', async () => ((await qr.count()) && (await qr.boundingBox())?.width) || false, {
    timeoutMs: 20_000,
  });
  const { width, height, data } = await qrPixels(page);
  assert.ok(width >= 60, `the QR code is drawn ${width} px wide`);
  assert.equal(jsQR(Uint8ClampedArray.from(data), width, height)?.data, server.audience.joinUrl());
  await screenshot(page, 'join-panel-on-demo-slide');
  assert.deepEqual(watch.external, []);
  await page.close();
});
