// Child machine of the Demo flow: the mesh's health, read once from /healthz and then kept current by the services' pushed state changes.
import { assign, fromCallback, fromPromise, sendParent, setup } from 'xstate';
import type { ServiceHealth, ServiceStateEvent } from '../../model/index.ts';
import type { MeshHealth, TraceSource } from './traceSource.ts';

export interface MeshWatchInput {
  source: TraceSource;
  /** /healthz polling while the pushed events are unavailable. */
  pollMs: number;
}

interface MeshWatchContext {
  source: TraceSource;
  pollMs: number;
  services: ServiceHealth[];
  /** Why each unhealthy service is so, from its last pushed event. */
  reasons: Record<string, string>;
  /** Set when the health check itself failed or said the mesh is off. */
  problem: MeshHealth | null;
}

type MeshWatchEvent =
  | { type: 'SERVICE'; event: ServiceStateEvent }
  | { type: 'EVENTS_OPEN' }
  | { type: 'EVENTS_ERROR'; reason: string }
  | { type: 'RECHECK' };

const WORDS: Record<string, string> = {
  starting: 'is starting',
  hung: 'hangs',
  crashed: 'crashed',
  restarting: 'is restarting',
  stopped: 'is stopped',
};

/** The mesh in one word plus a sentence naming every service that is not healthy and why. */
export function meshHealthOf(services: readonly ServiceHealth[], reasons: Readonly<Record<string, string>>): MeshHealth {
  const bad = services.filter((s) => s.state !== 'healthy');
  if (bad.length === 0) return { state: 'up', services: [...services] };
  const named = bad.map((s) => `${s.name} ${WORDS[s.state] ?? s.state}${reasons[s.name] ? ` (${reasons[s.name]})` : ''}`);
  return { state: 'down', reason: `${named.join('; ')}.`, services: [...services] };
}

function current(c: MeshWatchContext): MeshHealth {
  return c.problem ?? meshHealthOf(c.services, c.reasons);
}

export const meshWatchMachine = setup({
  types: {} as { context: MeshWatchContext; events: MeshWatchEvent; input: MeshWatchInput },
  actors: {
    checkHealth: fromPromise<MeshHealth, TraceSource>(({ input, signal }) => input.health(signal)),
    meshEvents: fromCallback<MeshWatchEvent, TraceSource>(({ input, sendBack }) =>
      input.openMeshEvents({
        onOpen: () => sendBack({ type: 'EVENTS_OPEN' }),
        onService: (event) => sendBack({ type: 'SERVICE', event }),
        onError: (reason) => sendBack({ type: 'EVENTS_ERROR', reason }),
      }),
    ),
  },
  delays: { poll: ({ context }) => context.pollMs },
  actions: {
    tellParent: sendParent(({ context }) => ({ type: 'MESH', mesh: current(context) })),
  },
}).createMachine({
  id: 'meshWatch',
  context: ({ input }) => ({ source: input.source, pollMs: input.pollMs, services: [], reasons: {}, problem: null }),
  initial: 'checking',
  states: {
    checking: {
      invoke: {
        src: 'checkHealth',
        input: ({ context }) => context.source,
        onDone: [
          {
            guard: ({ event }) => event.output.state === 'offline',
            target: 'offline',
            actions: [assign({ problem: ({ event }) => event.output }), 'tellParent'],
          },
          {
            // A server that cannot be reached has no event stream either.
            guard: ({ event }) => event.output.state === 'down' && event.output.services.length === 0,
            target: 'polling',
            actions: [assign({ problem: ({ event }) => event.output }), 'tellParent'],
          },
          {
            target: 'watching',
            actions: [
              assign({
                problem: null,
                services: ({ event }) => (event.output.state === 'offline' ? [] : event.output.services),
                // A check that finds a service healthy again makes its old reason stale.
                reasons: ({ context, event }) =>
                  Object.fromEntries(
                    Object.entries(context.reasons).filter(
                      ([n]) => event.output.state !== 'offline' && event.output.services.some((s) => s.name === n && s.state !== 'healthy'),
                    ),
                  ),
              }),
              'tellParent',
            ],
          },
        ],
        onError: {
          target: 'polling',
          actions: [
            assign({
              problem: ({ event }) =>
                ({ state: 'down', reason: `The health check failed: ${String(event.error)}`, services: [] }) as MeshHealth,
            }),
            'tellParent',
          ],
        },
      },
    },
    watching: {
      invoke: { src: 'meshEvents', input: ({ context }) => context.source },
      on: {
        SERVICE: {
          actions: [
            assign(({ context, event }) => {
              const { name, state, reason } = event.event;
              const known = context.services.some((s) => s.name === name);
              const services = known
                ? context.services.map((s) => (s.name === name ? { name, state } : s))
                : [...context.services, { name, state }];
              const reasons = { ...context.reasons };
              if (state === 'healthy' || !reason) delete reasons[name];
              else reasons[name] = reason;
              return { services, reasons, problem: null };
            }),
            'tellParent',
          ],
        },
        EVENTS_ERROR: 'polling',
        RECHECK: 'checking',
      },
    },
    // No pushed events (an older server, or the stream broke): look every few seconds, and try the stream again each time.
    polling: {
      after: { poll: 'checking' },
      on: { RECHECK: 'checking' },
    },
    // No mesh behind this server (MESH=off): nothing will come back by itself.
    offline: {},
  },
});
