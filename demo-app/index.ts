// Public API of the demo mesh: supervised service processes, hole switches, and demo requests.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Log } from '../pkg/index.ts';
import { baggageHeaders } from './demoRequests.ts';
import { placeOrder } from './storefront/client.ts';
import { createHoleSwitches, isHoleId } from './holes/holeSwitches.ts';
import type { SpanCounts } from './instrumentation/spanCounters.ts';
import { createMeshSupervisor } from './supervisor/meshSupervisor.ts';

import type { DemoRequestResult, HoleState, RequestKind, ServiceState, ServiceStateEvent } from '../model/index.ts';
import { MeshDownError } from './meshErrors.ts';
export type { DemoRequestResult, HoleState, RequestKind, ServiceState, ServiceStateEvent } from '../model/index.ts';
export { MeshDownError } from './meshErrors.ts';
export { createDemoApi, type DemoApiOptions } from './demoApi.ts';

/** The services, storefront first (it is the entry point). */
export const meshServiceNames = ['storefront', 'menu', 'orders', 'inventory', 'payments', 'kitchen'] as const;

export interface MeshOptions {
  /** Where every service's jaeger-client reports (the embedded collector's HTTP endpoint). */
  collectorEndpoint: string;
  seed: number;
  log: Log;
  /** Extra environment for every service, e.g. { JAEGER_DISABLED: 'true' } for the overhead bench. */
  env?: Record<string, string>;
  /** Pause between health probes of each service (default 1 s). */
  healthIntervalMs?: number;
  /** A probe unanswered this long fails (default 1.5 s); two failures in a row mean the service is hung. */
  probeTimeoutMs?: number;
}

export interface ServiceProcessInfo {
  name: string;
  state: ServiceState;
  pid: number | undefined;
  port: number | undefined;
}

export interface Mesh {
  /** Spawns and health-checks every service; on failure stops what it started and rejects. */
  start(): Promise<void>;
  /** Stops every child process (flushing their spans); idempotent. */
  stop(): Promise<void>;
  /** Each service's state, read from its supervisor machine. */
  services(): { name: string; state: ServiceState }[];
  /** Each service's state with its reason, as `onServiceState` events carry it (for a new listener's first view). */
  serviceEvents(): ServiceStateEvent[];
  /** Pushes every state change of any service (crashed, hung, restarting, healthy …) as it happens; returns an unsubscribe. */
  onServiceState(listener: (event: ServiceStateEvent) => void): () => void;
  holes(): HoleState[];
  setHole(id: string, plugged: boolean): Promise<HoleState>;
  /** Sends `count` requests at once through the mesh; `baggage` rides in uberctx-* headers. */
  sendRequests(kind: RequestKind, count: number, opts?: { baggage?: Record<string, string> }): Promise<DemoRequestResult[]>;
  /** Each running service's jaeger-client counters after flushing its buffer: spans finished, reported, failed, dropped. */
  spanCounts(): Promise<({ name: string } & SpanCounts)[]>;
  /** Pids and ports, for tests and diagnostics. */
  processes(): ServiceProcessInfo[];
}

const demoAppDir = path.dirname(fileURLToPath(import.meta.url));

export function createMesh(opts: MeshOptions): Mesh {
  const switches = createHoleSwitches();
  const supervisor = createMeshSupervisor({
    names: meshServiceNames,
    demoAppDir,
    projectRoot: path.resolve(demoAppDir, '..'),
    env: {
      JAEGER_ENDPOINT: opts.collectorEndpoint,
      // Explicit, so that a stray remote-sampler default can never decide what the demo shows.
      JAEGER_SAMPLER_TYPE: process.env.JAEGER_SAMPLER_TYPE ?? 'const',
      JAEGER_SAMPLER_PARAM: process.env.JAEGER_SAMPLER_PARAM ?? '1',
      MESH_SEED: String(opts.seed),
      ...opts.env,
    },
    holes: switches.snapshot,
    log: opts.log,
    healthIntervalMs: opts.healthIntervalMs,
    probeTimeoutMs: opts.probeTimeoutMs,
  });
  let started = false;
  let stopped: Promise<void> | undefined;

  return {
    async start() {
      if (started) return;
      started = true;
      await supervisor.start();
      opts.log.info(`mesh up: ${meshServiceNames.join(', ')}`);
    },
    stop() {
      if (!started) return Promise.resolve();
      stopped ??= supervisor.stop();
      return stopped;
    },
    services: () => supervisor.services(),
    serviceEvents: () => supervisor.events(),
    onServiceState: (listener) => supervisor.onServiceState(listener),
    holes: () => switches.list(),
    async setHole(id, plugged) {
      if (!isHoleId(id)) throw new Error(`unknown hole ${id}`);
      const state = switches.set(id, plugged);
      await supervisor.pushState();
      opts.log.info(`hole ${id} ${plugged ? 'plugged' : 'opened'}`);
      return state;
    },
    async sendRequests(kind, count, requestOpts = {}) {
      const port = supervisor.ports().storefront;
      if (supervisor.state('storefront') !== 'healthy' || !port) {
        throw new MeshDownError(`the storefront service is ${supervisor.state('storefront') ?? 'not started'}`);
      }
      const headers = baggageHeaders(requestOpts.baggage);
      return Promise.all(Array.from({ length: count }, () => placeOrder(port, kind, headers)));
    },
    async spanCounts() {
      const ports = supervisor.ports();
      const counts = await Promise.all(
        meshServiceNames.map(async (name) => {
          // A service that is down has no counters to give (its old process's died with it): leave it out.
          if (!ports[name]) return undefined;
          const c = (await supervisor.admin(ports[name], 'POST', '/flush').catch(() => undefined)) as SpanCounts | undefined;
          return c && { name, finished: c.finished, reported: c.reported, failed: c.failed, dropped: c.dropped };
        }),
      );
      return counts.filter((c) => c !== undefined);
    },
    processes: () => {
      const pids = supervisor.pids();
      const ports = supervisor.ports();
      return supervisor.services().map((s) => ({ ...s, pid: pids[s.name], port: ports[s.name] }));
    },
  };
}
