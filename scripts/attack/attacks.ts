// The hostile room's attacks (issue 12), each bounded in count and time; each returns what it saw besides the presenter's probe.
// Over 300 lines: one short function per attack, listed together so the attack script and its test read them from one place.
import http from 'node:http';
import { encodeBatch, type FakeSpan } from './thriftBatch.ts';
import { call, errorKind, openEventStream, openIdleSocket, pool, sleep, type EventStream, type IdleSocket } from '../wire.ts';

export type Size = 'small' | 'full';

export interface AttackContext {
  base: URL;
  collector: URL;
  size: Size;
  /** The attacker's own address: another device than the presenter's machine (127.0.0.1). */
  from: string | undefined;
  /** Call once the attack's load is in place: the presenter reloads the deck then. */
  loaded(): Promise<void>;
}

export interface Attack {
  name: string;
  what: string;
  run(ctx: AttackContext): Promise<Record<string, unknown>>;
}

const pick = <T>(ctx: AttackContext, small: T, full: T): T => (ctx.size === 'small' ? small : full);
const tally = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
/** Loopback has many addresses: a phone on 127.0.0.3 is another device to the server. */
const PHONE_ADDRESS = '127.0.0.3';

/** Stores `spans` spans (20 per trace, 8 tags each) through the collector's HTTP door. */
async function fillStore(collector: URL, spans: number): Promise<number> {
  const perTrace = 20;
  const now = Date.now() * 1000;
  let sent = 0;
  let seq = BigInt(Date.now()) << 20n;
  while (sent < spans) {
    const batch: FakeSpan[] = [];
    for (let t = 0; t < 25 && sent + batch.length < spans; t++) {
      const traceId = ++seq;
      for (let i = 0; i < perTrace; i++) {
        batch.push({
          traceIdLow: traceId,
          spanId: (traceId << 8n) + BigInt(i + 1),
          parentSpanId: i === 0 ? 0n : (traceId << 8n) + 1n,
          operationName: `GET /filler/${i % 5}`,
          startTimeUs: now - 60_000_000 + i * 1000,
          durationUs: 900,
          tags: Array.from(
            { length: 8 },
            (_, k) => [`filler.tag${k}`, `value ${k} of span ${i} in a trace made to be big`] as [string, string],
          ),
        });
      }
    }
    const body = encodeBatch('filler', batch);
    const r = await call(new URL('/api/traces', collector), {
      method: 'POST',
      headers: { 'content-type': 'application/x-thrift' },
      body,
      timeoutMs: 30_000,
    });
    if (r.status !== 202) throw new Error(`collector answered ${r.status}: ${r.body.slice(0, 200)}`);
    sent += batch.length;
  }
  return sent;
}

async function rssMb(base: URL): Promise<number | undefined> {
  const r = await call(new URL('/api/server/stats', base), { timeoutMs: 30_000 }).catch(() => undefined);
  return r?.status === 200 ? Math.round((JSON.parse(r.body) as { rssBytes: number }).rssBytes / 1e6) : undefined;
}

const bigSearch: Attack = {
  name: 'big-search',
  what: 'GET /api/traces?limit=0 (and a huge limit) four at a time over a full store',
  async run(ctx) {
    const stored = await fillStore(ctx.collector, pick(ctx, 4000, 200_000));
    const rssBefore = await rssMb(ctx.base);
    const until = Date.now() + pick(ctx, 3000, 20_000);
    const statuses: Record<string, number> = {};
    let maxMs = 0;
    let maxBytes = 0;
    const urls = ['/api/traces?limit=0', '/api/traces?limit=2147483647', '/api/traces?limit=0&lookback=48h', '/api/traces?limit=100000000'];
    await ctx.loaded();
    await Promise.all(
      urls.map(async (u) => {
        while (Date.now() < until) {
          try {
            const r = await call(new URL(u, ctx.base), { timeoutMs: 60_000, keepBytes: 0, localAddress: ctx.from });
            tally(statuses, String(r.status));
            maxMs = Math.max(maxMs, r.ms);
            maxBytes = Math.max(maxBytes, r.bytes);
          } catch (e) {
            tally(statuses, errorKind(e));
          }
        }
      }),
    );
    return {
      spansFilled: stored,
      statuses,
      slowestCallMs: Math.round(maxMs),
      largestReplyMB: +(maxBytes / 1e6).toFixed(1),
      rssMbBefore: rssBefore,
      rssMbAfter: await rssMb(ctx.base),
    };
  },
};

async function holdStreams(urls: URL[], from: string | undefined): Promise<{ streams: EventStream[]; statuses: Record<string, number> }> {
  const streams: EventStream[] = [];
  const statuses: Record<string, number> = {};
  await pool(urls, 100, async (u) => {
    const s = await openEventStream(u, {}, 10_000, from);
    tally(statuses, String(s.status));
    streams.push(s);
  });
  return { streams, statuses };
}

const liveFlood: Attack = {
  name: 'live-flood',
  what: 'hold as many /api/live streams as the server lets one address have, then the presenter reloads',
  async run(ctx) {
    const n = pick(ctx, 60, 2100);
    const { streams, statuses } = await holdStreams(
      Array.from({ length: n }, () => new URL('/api/live', ctx.base)),
      ctx.from,
    );
    await ctx.loaded();
    await sleep(pick(ctx, 1500, 5000));
    // Another device on the venue network (its own address) opening the deck without a token.
    const other = await new Promise<number>((resolve) => {
      const req = http.get(new URL('/api/live', ctx.base), { localAddress: PHONE_ADDRESS, agent: false }, (res) => {
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', () => resolve(0));
      req.setTimeout(10_000, () => req.destroy());
    });
    for (const s of streams) s.close();
    return { streamsTried: n, statuses, otherDeviceStatus: other };
  },
};

const presenceFlood: Attack = {
  name: 'presence-flood',
  what: 'presence streams with made-up attendee ids, then a real phone opens /join',
  async run(ctx) {
    const n = pick(ctx, 100, 5000);
    const urls = Array.from({ length: n }, (_, i) => new URL(`/api/audience/presence?attendee=made-up-${i}-${Date.now()}`, ctx.base));
    const { streams, statuses } = await holdStreams(urls, ctx.from);
    await ctx.loaded();
    await sleep(1500);
    const shown = await call(new URL('/api/audience/stats', ctx.base), { timeoutMs: 10_000 })
      .then((r) => (JSON.parse(r.body) as { attendeesConnected: number }).attendeesConnected)
      .catch(() => undefined);
    const phone = await new Promise<number>((resolve) => {
      const req = http.get(
        new URL(`/api/audience/presence?attendee=real-phone-${Date.now()}`, ctx.base),
        { localAddress: PHONE_ADDRESS, agent: false },
        (res) => {
          resolve(res.statusCode ?? 0);
          req.destroy();
        },
      );
      req.on('error', () => resolve(0));
      req.setTimeout(10_000, () => req.destroy());
    });
    for (const s of streams) s.close();
    return { streamsTried: n, statuses, attendeesShownOnSlide: shown, realPhoneStatus: phone };
  },
};

const idleConnections: Attack = {
  name: 'idle-connections',
  what: 'idle and half-sent requests held open (slowloris), past a 1024 file-descriptor limit',
  async run(ctx) {
    const n = pick(ctx, 60, 1100);
    const port = Number(ctx.base.port || 80);
    const sockets: IdleSocket[] = [];
    const errors: Record<string, number> = {};
    await pool(
      Array.from({ length: n }, (_, i) => i),
      50,
      async (i) => {
        // Half send nothing, half start a request and never finish its headers.
        const s = await openIdleSocket(port, ctx.base.hostname, i % 2 ? 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ' : '', ctx.from);
        if (s.error) tally(errors, s.error);
        sockets.push(s);
      },
    );
    await ctx.loaded();
    const holdMs = pick(ctx, 2500, 20_000);
    const until = Date.now() + holdMs;
    while (Date.now() < until) await sleep(200);
    const closedByServer = sockets.filter((s) => s.closedByServer).length;
    for (const s of sockets) s.close();
    return {
      connectionsTried: n,
      connected: sockets.filter((s) => s.connected).length,
      errors,
      closedByServerWithin: `${closedByServer} in ${holdMs / 1000} s`,
    };
  },
};

const idRotation: Attack = {
  name: 'id-rotation',
  what: 'loops sending demo requests with a fresh x-attendee-id per call, while a real phone taps once a second',
  async run(ctx) {
    const loops = pick(ctx, 6, 20);
    const until = Date.now() + pick(ctx, 4000, 18_000);
    const attacker: Record<string, number> = {};
    const phone: Record<string, number> = {};
    let phoneTraceID: string | undefined;
    const phoneId = `real-phone-${Date.now()}`;
    await ctx.loaded();
    const send = (id: string, count: number, localAddress?: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          new URL('/api/demo/requests', ctx.base),
          { method: 'POST', agent: false, localAddress, headers: { 'content-type': 'application/json', 'x-attendee-id': id } },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end(JSON.stringify({ kind: 'normal', count }));
      });
    let n = 0;
    const attack = Array.from({ length: loops }, async () => {
      while (Date.now() < until) {
        const r = await send(`invented-${process.pid}-${n++}`, 5, ctx.from).catch((e: unknown) => ({ status: 0, body: errorKind(e) }));
        tally(attacker, String(r.status || r.body));
        if (r.status === 429) await sleep(50);
      }
    });
    const taps = (async () => {
      while (Date.now() < until) {
        const r = await send(phoneId, 1, PHONE_ADDRESS).catch((e: unknown) => ({ status: 0, body: errorKind(e) }));
        tally(phone, String(r.status || r.body));
        if (r.status === 200) phoneTraceID ??= (JSON.parse(r.body) as { traceID: string }[])[0]?.traceID;
        await sleep(1000);
      }
    })();
    await Promise.all([...attack, taps]);
    // Is the phone's id, which spends its allowance, readable by anyone in its trace?
    let idPublished: boolean | undefined;
    if (phoneTraceID) {
      await sleep(1500);
      const t = await call(new URL(`/api/traces/${phoneTraceID}`, ctx.base), { timeoutMs: 10_000 }).catch(() => undefined);
      if (t?.status === 200) idPublished = t.body.includes(phoneId);
    }
    return { attackerCalls: attacker, phoneTaps: phone, phoneIdReadableInItsTrace: idPublished };
  },
};

const holeSpam: Attack = {
  name: 'hole-spam',
  what: 'unauthenticated PUT /api/holes/:id as fast as the server answers (check the presenter terminal: one summary line per interval)',
  async run(ctx) {
    const n = pick(ctx, 200, 2000);
    const statuses: Record<string, number> = {};
    await ctx.loaded();
    await pool(
      Array.from({ length: n }, (_, i) => i),
      20,
      async () => {
        const r = await call(new URL('/api/holes/lock-contention', ctx.base), {
          method: 'PUT',
          headers: { 'content-type': 'application/json' },
          body: '{"plugged":true}',
          timeoutMs: 10_000,
          localAddress: ctx.from,
        }).catch((e: unknown) => ({ status: errorKind(e) }));
        tally(statuses, String(r.status));
      },
    );
    return { calls: n, statuses };
  },
};

/** Inputs that once answered a stack trace or someone else's data. */
const BAD_PATHS = [
  '/api/traces/%E0%A4%A',
  '/api/traces/',
  '/%E0%A4%A',
  '/api/services/%E0%A4%A/operations',
  '/api/traces?limit=-1',
  '/api/traces?limit=99999999999',
  '/join/%E0%A4%A',
];

const badPaths: Attack = {
  name: 'bad-paths',
  what: 'malformed paths: a stack trace or a file path in any answer, or data for an empty trace id, is a leak',
  async run(ctx) {
    await ctx.loaded();
    const answers: Record<string, string> = {};
    const leaks: string[] = [];
    for (const p of BAD_PATHS) {
      const r = await call(new URL(p, ctx.base), { timeoutMs: 10_000, keepBytes: 4096, localAddress: ctx.from }).catch(() => undefined);
      if (!r) {
        answers[p] = 'no answer';
        continue;
      }
      answers[p] = String(r.status);
      if (/\bat \S+ \(|node_modules|\/work\/|\.ts:\d+/.test(r.body)) leaks.push(`${p}: stack trace or path`);
      if (p === '/api/traces/' && r.status === 200) leaks.push(`${p}: answered 200 (someone else's traces)`);
    }
    return { answers, leaks };
  },
};

/** Idle connections last: against a server without limits it is the one that kills it. */
export const ATTACKS: Attack[] = [badPaths, bigSearch, liveFlood, presenceFlood, idRotation, holeSpam, idleConnections];
