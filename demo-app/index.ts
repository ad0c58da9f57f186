// Public API of the demo mesh: supervised service processes, hole switches, and demo requests.
// STUB — to be implemented (issue 3). Keep this exported surface; extend it if needed.
import type { Log } from '../server/log.ts';

export type ServiceState = 'starting' | 'healthy' | 'crashed' | 'restarting' | 'stopped';
export type RequestKind = 'normal' | 'slow';

export interface MeshOptions {
  /** Where every service's jaeger-client reports (the embedded collector's HTTP endpoint). */
  collectorEndpoint: string;
  seed: number;
  log: Log;
}

export interface HoleState {
  id: string;
  title: string;
  plugged: boolean;
}

export interface DemoRequestResult {
  traceID: string;
  durationMs: number;
  status: number;
}

export interface Mesh {
  /** Spawns and health-checks every service; on failure stops what it started and rejects. */
  start(): Promise<void>;
  /** Stops every child process (flushing their spans); idempotent. */
  stop(): Promise<void>;
  /** Each service's state, read from its supervisor machine. */
  services(): { name: string; state: ServiceState }[];
  holes(): HoleState[];
  setHole(id: string, plugged: boolean): Promise<HoleState>;
  /** Sends `count` requests at once through the mesh; `baggage` rides in uberctx-* headers. */
  sendRequests(kind: RequestKind, count: number, opts?: { baggage?: Record<string, string> }): Promise<DemoRequestResult[]>;
}

export function createMesh(_opts: MeshOptions): Mesh {
  return {
    async start() {},
    async stop() {},
    services: () => [],
    holes: () => [],
    setHole: async (id) => {
      throw new Error(`unknown hole ${id}`);
    },
    sendRequests: async () => [],
  };
}
