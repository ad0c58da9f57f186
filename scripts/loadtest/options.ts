// The load test's command line: its options, their bounds (loopback only, a crowd this machine can hold) and the usage text.
import { parseArgs } from 'node:util';

const LIMITS = { attendees: 2000, rate: 500, duration: 600 } as const;

export interface Options {
  url: URL;
  attendees: number;
  rate: number;
  duration: number;
  slowShare: number;
  /** How many attendees also hold a /api/live stream (default: all, as the aim says). */
  live: number;
  token: string | undefined;
}

export function usage(problem: string): never {
  console.error(`loadtest: ${problem}
usage: npm run loadtest -- --url http://127.0.0.1:8080 --attendees 500 --rate 100 --duration 120 [--slow-share 0.1] [--token T]
  --attendees  simulated attendees, each holding a presence stream and a /api/live stream (1–${LIMITS.attendees})
  --rate       demo requests per second, all attendees together (0.1–${LIMITS.rate})
  --duration   seconds of sending (1–${LIMITS.duration})
  --slow-share share of "slow" requests (default 0.1)
  --live       how many attendees also hold /api/live (default: all; 0 separates the live stream's cost)
  --token      presenter token: one presenter request every 5 s measures how responsive the mesh stays for the
               presenter under the crowd (presenter requests are never rate-limited)
Loopback URLs only: this tool loads the machine it runs on, never someone else's.`);
  process.exit(2);
}

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8080' },
      attendees: { type: 'string', default: '50' },
      rate: { type: 'string', default: '10' },
      duration: { type: 'string', default: '10' },
      'slow-share': { type: 'string', default: '0.1' },
      live: { type: 'string' },
      token: { type: 'string' },
    },
    strict: true,
  });
  let url: URL;
  try {
    url = new URL(values.url!);
  } catch {
    usage(`--url "${values.url}" is not a URL`);
  }
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) usage(`--url must be on loopback, got ${url.hostname}`);
  const num = (name: 'attendees' | 'rate' | 'duration', min: number) => {
    const n = Number(values[name]);
    if (!Number.isFinite(n) || n < min || n > LIMITS[name])
      usage(`--${name} must be from ${min} to ${LIMITS[name]}, got "${values[name]}"`);
    return n;
  };
  const slowShare = Number(values['slow-share']);
  if (!(slowShare >= 0 && slowShare <= 1)) usage('--slow-share must be from 0 to 1');
  const attendees = Math.floor(num('attendees', 1));
  const live = values.live === undefined ? attendees : Number(values.live);
  if (!Number.isInteger(live) || live < 0 || live > attendees) usage(`--live must be a whole number from 0 to --attendees`);
  return {
    url,
    attendees,
    live,
    rate: num('rate', 0.1),
    duration: num('duration', 1),
    slowShare,
    token: values.token,
  };
}
