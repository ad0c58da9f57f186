// One service's lifecycle as an xstate machine: starting → healthy → crashed → restarting (after backoff) → stopped.
import { assign, setup } from 'xstate';

export interface ServiceMachineInput {
  name: string;
  /** Consecutive failed restarts after which the machine stays crashed (gives up). */
  maxRestarts?: number;
  /** Consecutive failed health checks that count as a crash. */
  maxHealthFailures?: number;
  startTimeoutMs?: number;
}

export interface ServiceMachineContext {
  name: string;
  port: number | undefined;
  /** Failed starts in a row; reset once the service is healthy again. */
  failuresInARow: number;
  restarts: number;
  healthFailures: number;
  lastExit: string | undefined;
  maxRestarts: number;
  maxHealthFailures: number;
  startTimeoutMs: number;
}

export type ServiceEvent =
  | { type: 'READY'; port: number }
  | { type: 'EXITED'; reason: string }
  | { type: 'HEALTH_OK' }
  | { type: 'HEALTH_FAILED'; reason: string }
  | { type: 'STOP' };

/** Backoff before the n-th restart in a row: 100 ms, 200, 400 … capped at 5 s. */
export function restartBackoffMs(failuresInARow: number): number {
  return Math.min(100 * 2 ** Math.max(0, failuresInARow - 1), 5_000);
}

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
  delays: {
    backoff: ({ context }) => restartBackoffMs(context.failuresInARow),
    startTimeout: ({ context }) => context.startTimeoutMs,
  },
  guards: {
    mayRestart: ({ context }) => context.failuresInARow <= context.maxRestarts,
    healthGoneBad: ({ context }) => context.healthFailures + 1 >= context.maxHealthFailures,
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
    maxHealthFailures: input.maxHealthFailures ?? 4,
    startTimeoutMs: input.startTimeoutMs ?? 60_000,
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
      on: {
        HEALTH_OK: { actions: assign({ healthFailures: 0 }) },
        HEALTH_FAILED: [
          { guard: 'healthGoneBad', target: 'crashed', actions: assign({ lastExit: ({ event }) => `health checks failing: ${event.reason}` }) },
          { actions: assign({ healthFailures: ({ context }) => context.healthFailures + 1 }) },
        ],
        EXITED: { target: 'crashed', actions: assign({ lastExit: ({ event }) => event.reason }) },
      },
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
