// `npm run attack -- --url URL --token T`: replays issue 12's hostile-room attacks on loopback and prints what the presenter saw during each.
import { parseArgs } from 'node:util';
import { ATTACKS, type Size } from './attack/attacks.ts';
import { PresenterProbe, type ProbeReport } from './attack/presenterProbe.ts';
import { call } from './wire.ts';

function usage(problem: string): never {
  console.error(`attack: ${problem}
usage: npm run attack -- --url http://127.0.0.1:8080 --token T [--collector http://127.0.0.1:14268] [--size small|full] [--only a,b] [--json]
  --token      the presenter token: the probe acts as the presenter (live stream, /healthz, demo requests)
  --collector  the embedded collector's HTTP port, used to fill the store before the big search
  --size       small (seconds, for tests) or full (the issue's figures: 200k spans, 2100 streams, 1100 sockets…)
  --only       run only these attacks: ${ATTACKS.map((a) => a.name).join(', ')}
Loopback URLs only, every attack bounded in count and time: this tool attacks the machine it runs on, never someone else's.`);
  process.exit(2);
}

const ATTACKER_ADDRESS = '127.0.0.2';
const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

function loopbackUrl(raw: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    usage(`${flag} "${raw}" is not a URL`);
  }
  if (!LOOPBACK.includes(url.hostname)) usage(`${flag} must be on loopback, got ${url.hostname}`);
  return url;
}

export interface AttackResult {
  attack: string;
  what: string;
  seconds: number;
  probe: ProbeReport;
  saw: Record<string, unknown>;
}

export interface AttackRun {
  /** The presenter's probe for a few seconds with no attack: what this machine gives right now. */
  quiet: ProbeReport;
  results: AttackResult[];
  /** Presenter traces made before the attacks that are no longer stored afterwards. */
  earlierTracesLost: number;
  earlierTraces: number;
}

export async function runAttacks(opts: {
  base: URL;
  collector: URL;
  token: string | undefined;
  size: Size;
  only?: string[];
  onResult?: (r: AttackResult) => void;
  onQuiet?: (p: ProbeReport) => void;
}): Promise<AttackRun> {
  const auth = opts.token ? { authorization: `Bearer ${opts.token}` } : undefined;
  const before = await call(new URL('/api/demo/requests', opts.base), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ kind: 'normal', count: 3 }),
  });
  const earlier = before.status === 200 ? (JSON.parse(before.body) as { traceID: string }[]).map((x) => x.traceID).filter(Boolean) : [];

  const quietProbe = new PresenterProbe(opts.base, opts.token);
  await quietProbe.start();
  await quietProbe.reconnectLive();
  await new Promise((r) => setTimeout(r, 3000));
  const quiet = await quietProbe.stop();
  opts.onQuiet?.(quiet);

  // Attacks come from another loopback address, as another device on the venue network would.
  const from = opts.base.hostname === '127.0.0.1' ? ATTACKER_ADDRESS : undefined;
  const results: AttackResult[] = [];
  for (const attack of ATTACKS) {
    if (opts.only && !opts.only.includes(attack.name)) continue;
    const probe = new PresenterProbe(opts.base, opts.token);
    await probe.start();
    const started = performance.now();
    let saw: Record<string, unknown>;
    try {
      saw = await attack.run({
        base: opts.base,
        collector: opts.collector,
        size: opts.size,
        from,
        loaded: () => (probe.beginWindow(), probe.reconnectLive()),
      });
    } catch (e) {
      saw = { failed: e instanceof Error ? e.message : String(e) };
    }
    const result = {
      attack: attack.name,
      what: attack.what,
      seconds: Math.round((performance.now() - started) / 100) / 10,
      probe: await probe.stop(),
      saw,
    };
    results.push(result);
    opts.onResult?.(result);
  }

  let earlierTracesLost = 0;
  for (const id of earlier) {
    const r = await call(new URL(`/api/traces/${id}`, opts.base), { timeoutMs: 10_000, keepBytes: 64 }).catch(() => undefined);
    if (r?.status !== 200) earlierTracesLost++;
  }
  return { quiet, results, earlierTracesLost, earlierTraces: earlier.length };
}

function describe(r: AttackResult): string {
  const p = r.probe;
  const errs = (m: Record<string, number>) => (Object.keys(m).length ? ` errors ${JSON.stringify(m)}` : '');
  return [
    `── ${r.attack} (${r.seconds} s): ${r.what}`,
    `   presenter /healthz: ${p.healthz.calls} calls, p50 ${p.healthz.p50Ms} ms, p99 ${p.healthz.p99Ms} ms, worst ${p.healthz.maxMs} ms${errs(p.healthz.errors)}`,
    `   presenter demo requests: ${p.demo.calls}, worst ${p.demo.maxMs} ms${errs(p.demo.errors)}`,
    `   presenter live stream: held ${p.live.heldStatus}${p.live.heldLost ? ' (LOST)' : ''}, reload mid-attack ${p.live.reconnectStatus} in ${p.live.reconnectMs} ms`,
    `   lost: ${p.lost.notOnLive} of ${p.lost.of} presenter traces never on the live stream, ${p.lost.notStored} not stored`,
    `   attack saw: ${JSON.stringify(r.saw)}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8080' },
      collector: { type: 'string', default: 'http://127.0.0.1:14268' },
      token: { type: 'string' },
      size: { type: 'string', default: 'full' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const base = loopbackUrl(values.url!, '--url');
  const collector = loopbackUrl(values.collector!, '--collector');
  if (values.size !== 'small' && values.size !== 'full') usage('--size must be small or full');
  const only = values.only?.split(',').map((s) => s.trim());
  for (const name of only ?? []) if (!ATTACKS.some((a) => a.name === name)) usage(`no attack called "${name}"`);
  if (!values.token) console.error('attack: no --token: the probe acts as one more attendee, not the presenter');

  const run = await runAttacks({
    base,
    collector,
    token: values.token,
    size: values.size,
    only,
    onQuiet: values.json
      ? undefined
      : (p) =>
          console.log(describe({ attack: 'no attack', what: 'the presenter probe alone, for comparison', seconds: 3, probe: p, saw: {} })),
    onResult: values.json ? undefined : (r) => console.log(describe(r)),
  });
  if (values.json) console.log(JSON.stringify(run, null, 2));
  else
    console.log(
      `── presenter traces from before the attacks still stored: ${run.earlierTraces - run.earlierTracesLost} of ${run.earlierTraces}`,
    );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(`attack: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
