// Seeded, realistic-looking traces of any size: for the speed demo (?synthetic=100000), the tests and the bench.
import type { JaegerKeyValue, JaegerSpan, JaegerTrace } from './jaegerJson.ts';

const SERVICES = ['frontend', 'orders', 'inventory', 'payments', 'shipping', 'pricing', 'users', 'search', 'ledger'];
const OPERATIONS = [
  'GET /order',
  'reserve stock',
  'db.query',
  'acquire lock',
  'charge card',
  'quote price',
  'load profile',
  'index lookup',
  'append entry',
];
const MAX_DEPTH = 10;

/** mulberry32, the public-domain 32-bit generator: browser code must not reach into the mesh's helpers for it. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), state | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function hexId(n: number): string {
  return n.toString(16).padStart(16, '0');
}

export function generateTrace(spanCount: number, seed = 1): JaegerTrace {
  const n = Math.max(1, Math.floor(spanCount));
  const rand = seededRandom(seed);
  const traceID = hexId(0x5eed0000 + seed) + hexId(n);
  const t0 = 1_700_000_000_000_000;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  const depth = new Uint8Array(n);
  const parents = new Int32Array(n);
  const spans: JaegerSpan[] = new Array(n);
  starts[0] = t0;
  ends[0] = t0 + 2_000_000;
  parents[0] = -1;
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      // Mostly nest under a recent span, so the tree is both deep and wide.
      let p = i - 1 - Math.floor(rand() ** 3 * Math.min(i, 60));
      while (depth[p]! >= MAX_DEPTH) p = parents[p]!;
      parents[i] = p;
      depth[i] = depth[p]! + 1;
      const pDur = ends[p]! - starts[p]!;
      starts[i] = Math.round(starts[p]! + rand() * 0.5 * pDur);
      ends[i] = Math.max(starts[i]! + 1, Math.round(starts[i]! + (ends[p]! - starts[i]!) * (0.5 + 0.5 * rand())));
    }
    const svc = i === 0 ? 0 : 1 + Math.floor(rand() * (SERVICES.length - 1));
    const tags: JaegerKeyValue[] = [
      { key: 'span.kind', type: 'string', value: i === 0 ? 'server' : 'client' },
      { key: 'http.status_code', type: 'int64', value: 200 },
    ];
    if (i > 0 && rand() < 0.01) tags.push({ key: 'error', type: 'bool', value: true });
    const span: JaegerSpan = {
      traceID,
      spanID: hexId(i + 1),
      operationName: OPERATIONS[svc]!,
      references: i === 0 ? [] : [{ refType: 'CHILD_OF', traceID, spanID: hexId(parents[i]! + 1) }],
      startTime: starts[i]!,
      duration: ends[i]! - starts[i]!,
      tags,
      logs:
        rand() < 0.08
          ? [
              {
                timestamp: starts[i]! + 1,
                fields: [{ key: 'event', type: 'string', value: `waiting behind ${1 + Math.floor(rand() * 5)}` }],
              },
            ]
          : [],
      processID: `p${svc + 1}`,
      warnings: null,
    };
    spans[i] = span;
  }
  const processes: JaegerTrace['processes'] = {};
  SERVICES.forEach((name, k) => {
    processes[`p${k + 1}`] = { serviceName: name, tags: [{ key: 'hostname', type: 'string', value: 'localhost' }] };
  });
  return { traceID, spans, processes, warnings: null };
}
