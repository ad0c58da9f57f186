// One service's lifecycle as an xstate machine: starting → healthy (probing /healthz) → crashed or hung → restarting → healthy; stopped.
import { assign, fromPromise, setup, type SnapshotFrom } from 'xstate';
import type { ServiceState } from '../../model/index.ts';

export interface ServiceMachineInput {
  name: string;
  /** Consecutive failed restarts after which the machine stays crashed (gives up). */
  maxRestarts?: number;
  /** Consecutive unanswered health probes that mean the process is hung. */
  maxHealthFailures?: number;
  startTimeoutMs?: number;
  /** Pause between health probes while healthy. */
  healthIntervalMs?: number;
  /** A probe not answered within this is a failed probe. */
  probeTimeoutMs?: number;
}

export interface ServiceMachineContext {
  name: string;
  port: number | undefined;
  /** Failed starts in a row; reset once the service is healthy again. */
  failuresInARow: number;
  restarts: number;
  healthFailures: number;
  /** Why the service last stopped being healthy, in words. */
  lastExit: string | undefined;
  maxRestarts: number;
  maxHealthFailures: number;
  startTimeoutMs: number;
  healthIntervalMs: number;
  probeTimeoutMs: number;
}

export type ServiceEvent = { type: 'READY'; port: number } | { type: 'EXITED'; reason: string } | { type: 'STOP' };

export interface ProbeInput {
  port: number;
  timeoutMs: number;
}

/** A probe's failure when the process is not even scheduled (SIGSTOP): hung at once, no need to wait for more. */
export class ProcessStoppedError extends Error {
  override name = 'ProcessStoppedError';
}

/** Backoff before the n-th restart in a row: 100 ms, 200, 400 … capped at 5 s. */
export function restartBackoffMs(failuresInARow: number): number {
  return Math.min(100 * 2 ** Math.max(0, failuresInARow - 1), 5_000);
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(2))} s`;

export const serviceMachine = setup({
  types: {
    context: {} as ServiceMachineContext,
    events: {} as ServiceEvent,
    input: {} as ServiceMachineInput,
  },
  actions: {
    // Provided by the supervisor (real processes) or by tests (recorders).
    spawnProcess: () => {},
    killProcess: () => {},
    stopProcess: () => {},
  },
  actors: {
    // Provided by the supervisor: GET /healthz with the timeout; rejects when unanswered.
    probeHealth: fromPromise<void, ProbeInput>(async () => {}),
  },
  delays: {
    backoff: ({ context }) => restartBackoffMs(context.failuresInARow),
    startTimeout: ({ context }) => context.startTimeoutMs,
    healthInterval: ({ context }) => context.healthIntervalMs,
  },
  guards: {
    mayRestart: ({ context }) => context.failuresInARow <= context.maxRestarts,
    // A stopped process is hung for sure; a busy one gets several chances, since a needless restart is worse.
    hangs: ({ context, event }) =>
      (event as { error?: unknown }).error instanceof ProcessStoppedError || context.healthFailures + 1 >= context.maxHealthFailures,
  },
}).createMachine({
  id: 'service',
  context: ({ input }) => ({
    name: input.name,
    port: undefined,
    failuresInARow: 0,
    restarts: 0,
    healthFailures: 0,
    lastExit: undefined,
    maxRestarts: input.maxRestarts ?? 20,
    maxHealthFailures: input.maxHealthFailures ?? 5,
    startTimeoutMs: input.startTimeoutMs ?? 60_000,
    healthIntervalMs: input.healthIntervalMs ?? 1_000,
    probeTimeoutMs: input.probeTimeoutMs ?? 2_000,
  }),
  initial: 'starting',
  on: { STOP: '.stopped' },
  states: {
    starting: {
      entry: 'spawnProcess',
      on: {
        READY: { target: 'healthy', actions: assign({ port: ({ event }) => event.port }) },
        EXITED: { target: 'crashed', actions: assign({ lastExit: ({ event }) => event.reason }) },
      },
      after: { startTimeout: { target: 'crashed', actions: assign({ lastExit: 'did not report a port in time' }) } },
    },
    healthy: {
      entry: assign({ failuresInARow: 0, healthFailures: 0 }),
      on: { EXITED: { target: 'crashed', actions: assign({ lastExit: ({ event }) => event.reason }) } },
      initial: 'waiting',
      states: {
        waiting: { after: { healthInterval: 'probing' } },
        probing: {
          invoke: {
            src: 'probeHealth',
            input: ({ context }) => ({ port: context.port ?? 0, timeoutMs: context.probeTimeoutMs }),
            onDone: { target: 'waiting', actions: assign({ healthFailures: 0 }) },
            onError: [
              {
                // A process that is alive but answers nothing (stopped, or stuck in a loop) is hung.
                guard: 'hangs',
                target: '#service.hung',
                actions: assign({
                  lastExit: ({ context, event }) =>
                    event.error instanceof ProcessStoppedError
                      ? `did not answer /healthz within ${seconds(context.probeTimeoutMs)}: the process is stopped`
                      : `did not answer /healthz within ${seconds(context.probeTimeoutMs)}, ${context.maxHealthFailures} times in a row`,
                }),
              },
              { target: 'waiting', actions: assign({ healthFailures: ({ context }) => context.healthFailures + 1 }) },
            ],
          },
        },
      },
    },
    hung: {
      // Killed (SIGKILL reaches a stopped process too), then restarted like a crash.
      entry: ['killProcess', assign({ port: undefined, failuresInARow: ({ context }) => context.failuresInARow + 1 })],
      after: { backoff: { guard: 'mayRestart', target: 'restarting' } },
    },
    crashed: {
      // Whatever is left of the process goes; without a guard pass the machine stays here (gave up).
      entry: ['killProcess', assign({ port: undefined, failuresInARow: ({ context }) => context.failuresInARow + 1 })],
      after: { backoff: { guard: 'mayRestart', target: 'restarting' } },
    },
    restarting: {
      entry: ['spawnProcess', assign({ restarts: ({ context }) => context.restarts + 1 })],
      on: {
        READY: { target: 'healthy', actions: assign({ port: ({ event }) => event.port }) },
        EXITED: { target: 'crashed', actions: assign({ lastExit: ({ event }) => event.reason }) },
      },
      after: { startTimeout: { target: 'crashed', actions: assign({ lastExit: 'did not report a port in time' }) } },
    },
    stopped: {
      type: 'final',
      entry: 'stopProcess',
    },
  },
});

export type ServiceSnapshot = SnapshotFrom<typeof serviceMachine>;

/** The service's state as the API names it (the probing inside `healthy` is not a state of its own). */
export function serviceStateOf(snapshot: ServiceSnapshot): ServiceState {
  const v = snapshot.value;
  return (typeof v === 'string' ? v : Object.keys(v)[0]) as ServiceState;
}

/** Why the service is in its state, in words, when it is not healthy. */
export function serviceReasonOf(snapshot: ServiceSnapshot): string | undefined {
  const state = serviceStateOf(snapshot);
  const c = snapshot.context;
  if (state === 'crashed' || state === 'hung') return c.lastExit;
  if (state === 'restarting') return `restart ${c.restarts}${c.lastExit ? ` after: ${c.lastExit}` : ''}`;
  return undefined;
}
