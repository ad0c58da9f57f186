// What the presenter sees while an attack runs: /healthz latency, the presenter's live stream, and presenter demo requests whose traces must arrive.
import { ascending, quantile } from '../../model/index.ts';
import { call, errorKind, openEventStream, sleep, type EventStream } from '../wire.ts';

export interface ProbeReport {
  healthz: { calls: number; p50Ms: number; p99Ms: number; maxMs: number; errors: Record<string, number> };
  demo: { calls: number; maxMs: number; errors: Record<string, number> };
  live: { heldStatus: number; heldLost: boolean; reconnectStatus: number; reconnectMs: number };
  /** Presenter traces that never reached the presenter's live stream or the store. */
  lost: { notOnLive: number; notStored: number; of: number };
}

/** The p-th percentile of ascending times; 0 when there were none (the report counts the calls beside it). */
const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : quantile(sorted, p / 100));

const round = (n: number) => Math.round(n);

export class PresenterProbe {
  private running = true;
  private readonly healthMs: number[] = [];
  private readonly healthErrors: Record<string, number> = {};
  private readonly demoMs: number[] = [];
  private readonly demoErrors: Record<string, number> = {};
  private readonly sent: string[] = [];
  private held: EventStream | undefined;
  private reconnect: { status: number; ms: number } = { status: -1, ms: 0 };
  private loops: Promise<void>[] = [];

  constructor(
    private readonly base: URL,
    private readonly token: string | undefined,
    /** Pause between /healthz calls and between presenter demo requests. */
    private readonly healthEveryMs = 100,
    private readonly demoEveryMs = 1000,
  ) {}

  private auth(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  private liveUrl(): URL {
    // The deck's EventSource cannot send headers: the token rides in the query of this one request.
    const url = new URL('/api/live', this.base);
    if (this.token) url.searchParams.set('token', this.token);
    return url;
  }

  /** Opens the presenter's stream before the attack starts, as the deck already has it open. */
  async start(): Promise<void> {
    this.held = await openEventStream(this.liveUrl(), this.auth());
    this.loops = [this.healthLoop(), this.demoLoop()];
  }

  /**
   * The attack's load is in place (a store filled, streams held): latency counts from here, so the
   * setup (filling the store stands for a long talk's traffic) is not charged to the attack.
   */
  beginWindow(): void {
    this.healthMs.length = 0;
    this.demoMs.length = 0;
    for (const k of Object.keys(this.healthErrors)) delete this.healthErrors[k];
    for (const k of Object.keys(this.demoErrors)) delete this.demoErrors[k];
  }

  /** A presenter who reloads the deck mid-attack: does a fresh stream connect? */
  async reconnectLive(): Promise<void> {
    const started = performance.now();
    const s = await openEventStream(this.liveUrl(), this.auth());
    this.reconnect = { status: s.status, ms: performance.now() - started };
    s.close();
  }

  private async healthLoop(): Promise<void> {
    while (this.running) {
      const started = performance.now();
      try {
        const r = await call(new URL('/healthz', this.base), { timeoutMs: 30_000 });
        this.healthMs.push(r.ms);
        if (r.status !== 200) this.healthErrors[`HTTP ${r.status}`] = (this.healthErrors[`HTTP ${r.status}`] ?? 0) + 1;
      } catch (e) {
        const k = errorKind(e);
        this.healthErrors[k] = (this.healthErrors[k] ?? 0) + 1;
        // A refused connection fails fast: its time is what the presenter waited, its error says the rest.
        this.healthMs.push(performance.now() - started);
      }
      await sleep(this.healthEveryMs);
    }
  }

  private async demoLoop(): Promise<void> {
    while (this.running) {
      try {
        const r = await call(new URL('/api/demo/requests', this.base), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.auth() },
          body: JSON.stringify({ kind: 'normal', count: 1 }),
          timeoutMs: 30_000,
        });
        this.demoMs.push(r.ms);
        if (r.status !== 200) this.demoErrors[`HTTP ${r.status}`] = (this.demoErrors[`HTTP ${r.status}`] ?? 0) + 1;
        else for (const x of JSON.parse(r.body) as { traceID: string }[]) if (x.traceID) this.sent.push(x.traceID);
      } catch (e) {
        const k = errorKind(e);
        this.demoErrors[k] = (this.demoErrors[k] ?? 0) + 1;
      }
      await sleep(this.demoEveryMs);
    }
  }

  /** Stops probing, waits (bounded) for the presenter's traces to arrive, and says what was seen. */
  async stop(): Promise<ProbeReport> {
    this.running = false;
    await Promise.all(this.loops);
    const held = this.held!;
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && this.sent.some((id) => !held.traceIDs.has(id))) await sleep(100);
    let notStored = 0;
    for (const id of this.sent) {
      const r = await call(new URL(`/api/traces/${id}`, this.base), { timeoutMs: 10_000, keepBytes: 64 }).catch(() => undefined);
      if (r?.status !== 200) notStored++;
    }
    held.close();
    const sorted = ascending(this.healthMs);
    return {
      healthz: {
        calls: sorted.length,
        p50Ms: round(percentile(sorted, 50)),
        p99Ms: round(percentile(sorted, 99)),
        maxMs: round(sorted.at(-1) ?? 0),
        errors: this.healthErrors,
      },
      demo: { calls: this.demoMs.length, maxMs: round(Math.max(0, ...this.demoMs)), errors: this.demoErrors },
      live: { heldStatus: held.status, heldLost: held.lost, reconnectStatus: this.reconnect.status, reconnectMs: round(this.reconnect.ms) },
      lost: { notOnLive: this.sent.filter((id) => !held.traceIDs.has(id)).length, notStored, of: this.sent.length },
    };
  }
}
