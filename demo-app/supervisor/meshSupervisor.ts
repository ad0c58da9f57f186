// Runs every service under its own machine: spawns, health-checks (in the machine), restarts, pushes mesh state and state events, stops them all.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createActor, fromPromise, type Actor } from 'xstate';
import type { ServiceState, ServiceStateEvent } from '../../model/index.ts';
import type { Log } from '../../pkg/index.ts';
import type { HoleSwitches } from '../holes/holeSwitches.ts';
import { adminTokenHeader, type MeshState } from '../instrumentation/serviceMain.ts';
import { ProcessStoppedError, serviceMachine, serviceReasonOf, serviceStateOf, type ProbeInput } from './serviceMachine.ts';
import { createServiceProcess, type ServiceProcess } from './serviceProcess.ts';

export interface SupervisorOptions {
  names: readonly string[];
  demoAppDir: string;
  projectRoot: string;
  /** Extra environment for every service (JAEGER_*, MESH_SEED …). */
  env: Record<string, string>;
  holes: () => HoleSwitches;
  log: Log;
  healthIntervalMs?: number;
  probeTimeoutMs?: number;
  startTimeoutMs?: number;
}

interface Supervised {
  name: string;
  actor: Actor<typeof serviceMachine>;
  proc: ServiceProcess;
  stopping?: Promise<void>;
}

/** True when the process is stopped (Linux /proc state T or t); false when unknown. */
async function processStopped(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return /^[Tt]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '');
  } catch {
    return false;
  }
}

export function createMeshSupervisor(opts: SupervisorOptions) {
  const adminToken = randomBytes(16).toString('hex');
  const services: Supervised[] = [];
  const ports = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const s of services) {
      const port = s.actor.getSnapshot().context.port;
      if (port) out[s.name] = port;
    }
    return out;
  };
  const stateOf = (s: Supervised): ServiceState => serviceStateOf(s.actor.getSnapshot());
  const stateListeners = new Set<(e: ServiceStateEvent) => void>();
  const eventOf = (s: Supervised): ServiceStateEvent => {
    const snap = s.actor.getSnapshot();
    const reason = serviceReasonOf(snap);
    return { name: s.name, state: serviceStateOf(snap), ...(reason ? { reason } : {}), at: Date.now() };
  };
  const killAllNow = () => {
    for (const s of services) s.proc.kill();
  };

  const admin = async (port: number, method: string, route: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`http://127.0.0.1:${port}/admin${route}`, {
      method,
      headers: { [adminTokenHeader]: adminToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(3_000),
    });
    if (!res.ok) throw new Error(`admin ${route} answered ${res.status}`);
    return res.json();
  };

  const meshState = (): MeshState => ({ holes: opts.holes(), peers: ports() });

  /** Sends the current switches and addresses to every healthy service; a down one gets them at its restart. */
  const pushState = async () => {
    const state = meshState();
    await Promise.all(
      services
        .filter((s) => stateOf(s) === 'healthy')
        .map((s) =>
          admin(s.actor.getSnapshot().context.port!, 'PUT', '/state', state).catch((e: unknown) =>
            opts.log.warn(`${s.name}: could not push mesh state: ${String(e)}`),
          ),
        ),
    );
  };

  /**
   * One health probe: the machine invokes it while healthy and counts the failures. An unanswered probe
   * looks at the process too: stopped (SIGSTOP, state T in /proc) is hung at once; busy is given time.
   */
  const probeHealthOf = (proc: ServiceProcess) =>
    fromPromise<void, ProbeInput>(async ({ input, signal }) => {
      try {
        const res = await fetch(`http://127.0.0.1:${input.port}/healthz`, {
          signal: AbortSignal.any([signal, AbortSignal.timeout(input.timeoutMs)]),
        });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`answered ${res.status}`);
      } catch (e) {
        if (proc.pid !== undefined && (await processStopped(proc.pid))) throw new ProcessStoppedError(`process ${proc.pid} is stopped`);
        throw e;
      }
    });

  return {
    adminToken,
    state: (name: string) => {
      const s = services.find((x) => x.name === name);
      return s ? stateOf(s) : undefined;
    },
    services: () => services.map((s) => ({ name: s.name, state: stateOf(s) })),
    /** Each service's current state with its reason, as the events carry it. */
    events: () => services.map(eventOf),
    /** Hears every change of any service's state, the moment its machine makes it. */
    onServiceState(listener: (e: ServiceStateEvent) => void): () => void {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    ports,
    pids: () => Object.fromEntries(services.map((s) => [s.name, s.proc.pid])) as Record<string, number | undefined>,
    admin,
    pushState,

    /** Resolves when every service is healthy; rejects (after stopping everything) when one cannot start. */
    async start(): Promise<void> {
      // However this process ends, no child outlives it: a synchronous SIGKILL on exit, IPC disconnect for the rest.
      process.once('exit', killAllNow);
      for (const name of opts.names) {
        const log = opts.log.child(name);
        let actor!: Actor<typeof serviceMachine>;
        const proc = createServiceProcess({
          name,
          entry: path.join(opts.demoAppDir, name, 'server.ts'),
          cwd: opts.projectRoot,
          env: () => ({
            ...process.env,
            ...opts.env,
            JAEGER_SERVICE_NAME: name,
            MESH_ADMIN_TOKEN: adminToken,
            MESH_STATE: JSON.stringify(meshState()),
          }),
          log,
          onReady: (port) => actor.send({ type: 'READY', port }),
          onExit: (reason) => actor.send({ type: 'EXITED', reason }),
        });
        const entry: Supervised = { name, actor: undefined as unknown as Actor<typeof serviceMachine>, proc };
        actor = createActor(
          serviceMachine.provide({
            actions: {
              spawnProcess: () => proc.spawn(),
              killProcess: () => proc.kill(),
              stopProcess: () => {
                entry.stopping = proc.stop();
              },
            },
            actors: { probeHealth: probeHealthOf(proc) },
          }),
          {
            input: {
              name,
              startTimeoutMs: opts.startTimeoutMs,
              healthIntervalMs: opts.healthIntervalMs,
              probeTimeoutMs: opts.probeTimeoutMs,
            },
          },
        );
        entry.actor = actor;
        let last: string | undefined;
        actor.subscribe((snap) => {
          const value = serviceStateOf(snap);
          if (value === last) return;
          if (value === 'crashed' || value === 'hung') log.warn(`${value}: ${snap.context.lastExit ?? 'unknown reason'}`);
          else log.info(`${value}${value === 'healthy' ? ` on port ${snap.context.port}` : ''}`);
          const event = eventOf(entry);
          for (const l of stateListeners) {
            try {
              l(event);
            } catch (e) {
              log.error(`a service state listener failed: ${String(e)}`);
            }
          }
          // A service that came back may have a new port: every peer must hear of it.
          if (value === 'healthy' && last !== undefined && last !== 'starting') void pushState();
          last = value;
        });
        services.push(entry);
      }
      for (const s of services) s.actor.start();

      const waits: { unsubscribe(): void }[] = [];
      try {
        await new Promise<void>((resolve, reject) => {
          const check = () => {
            const failed = services.find((s) => stateOf(s) === 'crashed' || stateOf(s) === 'hung');
            if (failed) {
              const snap = failed.actor.getSnapshot();
              reject(new Error(`mesh service ${failed.name} failed to start: ${snap.context.lastExit ?? 'unknown reason'}`));
            } else if (services.every((s) => stateOf(s) === 'healthy')) resolve();
          };
          for (const s of services) waits.push(s.actor.subscribe(check));
          check();
        });
        await pushState();
      } catch (e) {
        await this.stop();
        throw e;
      } finally {
        for (const w of waits) w.unsubscribe();
      }
    },

    async stop(): Promise<void> {
      for (const s of services) s.actor.send({ type: 'STOP' });
      await Promise.all(services.map((s) => s.stopping));
      for (const s of services) s.actor.stop();
      process.removeListener('exit', killAllNow);
    },
  };
}
export type MeshSupervisor = ReturnType<typeof createMeshSupervisor>;
