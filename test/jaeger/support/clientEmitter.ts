// Child process: a real jaeger-client tracer reporting spans to the embedded Jaeger; prints what it reported.
import jaegerClient from 'jaeger-client';

/** Given as one JSON argument, e.g. {"sender":"http","endpoint":"…"} or {"sender":"udp","port":6832}. */
interface Options {
  sender: 'http' | 'udp';
  endpoint?: string;
  port?: number;
  requests: number;
  concurrency: number;
  childrenPerRequest: number;
  traceId128bit: boolean;
}

const opts: Options = { requests: 1, concurrency: 1, childrenPerRequest: 3, traceId128bit: false, ...JSON.parse(process.argv[2] ?? '{}') };
const counts = new Map<string, number>();
const errors: string[] = [];
const metrics = {
  createCounter: (name: string, tags: Record<string, string> = {}) => {
    const key = `${name}${Object.entries(tags)
      .map(([k, v]) => `|${k}=${v}`)
      .join('')}`;
    return { increment: (d = 1) => counts.set(key, (counts.get(key) ?? 0) + d) };
  },
  createGauge: () => ({ update: () => {} }),
  createTimer: () => ({ record: () => {} }),
};

const tracer = jaegerClient.initTracer(
  {
    serviceName: 'emitter-svc',
    sampler: { type: 'const', param: 1 },
    reporter:
      opts.sender === 'http'
        ? { collectorEndpoint: opts.endpoint, flushIntervalMs: 50 }
        : { agentHost: '127.0.0.1', agentPort: opts.port, flushIntervalMs: 50 },
  },
  {
    tags: { 'deploy.zone': 'test-zone', 'build.number': 42 },
    traceId128bit: opts.traceId128bit,
    metrics,
    logger: { info: () => {}, error: (m: string) => errors.push(m) },
    // biome-ignore lint/suspicious/noExplicitAny: @types/jaeger-client lacks traceId128bit and metrics, which jaeger-client reads
  } as any,
);

const traces: { traceID: string; spans: number }[] = [];
let finished = 0;

async function request(i: number): Promise<void> {
  const root = tracer.startSpan('GET /checkout', { tags: { 'span.kind': 'server', 'http.method': 'GET', 'request.index': i } });
  let spans = 1;
  for (let c = 0; c < opts.childrenPerRequest; c++) {
    const child = tracer.startSpan(`db.query ${c}`, { childOf: root.context() });
    child.setTag('db.statement', `SELECT * FROM items WHERE id = ${i * 100 + c}`);
    child.setTag('cache.hit', c % 2 === 0);
    child.setTag('rows', 3.5);
    child.setTag('payload', Buffer.from([0, 1, 2, 255]));
    child.log({ event: 'waiting behind', n: c });
    await new Promise((r) => setTimeout(r, Math.random() * 5));
    child.finish();
    spans++;
  }
  const later = tracer.startSpan('audit.write', { references: [jaegerClient.opentracing.followsFrom(root.context())] });
  later.finish();
  spans++;
  root.setTag('error', i % 7 === 0);
  root.finish();
  finished += spans;
  traces.push({ traceID: (root.context() as unknown as { toTraceId(): string }).toTraceId(), spans });
}

let next = 0;
async function worker(): Promise<void> {
  while (next < opts.requests) await request(next++);
}
await Promise.all(Array.from({ length: opts.concurrency }, worker));
await new Promise<void>((resolve) => tracer.close(() => resolve()));
// The UDP sender's socket is closed by close(); nothing else keeps the process alive.
process.stdout.write(
  JSON.stringify({
    finished,
    reported: counts.get('jaeger:reporter_spans|result=ok') ?? 0,
    failed: (counts.get('jaeger:reporter_spans|result=err') ?? 0) + (counts.get('jaeger:reporter_spans|result=dropped') ?? 0),
    errors,
    traces,
  }),
);
