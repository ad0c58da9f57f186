// Public API of the embedded Jaeger: agent (UDP), collector (HTTP), trace store, query API, live stream.
// STUB — to be implemented (issue 4). Keep this exported surface; extend it if needed.
import express, { type Router } from 'express';
import type { Log } from '../server/log.ts';

export interface EmbeddedJaegerOptions {
  /** Interface for the agent and collector sockets; always loopback in this app. */
  host: string;
  /** 0 = any free port; the chosen ports are in `ports` after `start()`. */
  udpCompactPort: number;
  udpBinaryPort: number;
  httpPort: number;
  maxSpans: number;
  maxTraces: number;
  /** Serve queries from a real Jaeger query service instead of the store. */
  queryUrl?: string;
  /** Forward every received batch to a real Jaeger too (http://…/api/traces or udp://host:port). */
  forwardUrl?: string;
  log: Log;
}

export interface EmbeddedJaeger {
  /** Binds the sockets; rejects with a PortInUseError naming the env variable on a taken port. */
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly ports: { udpCompact: number; udpBinary: number; http: number };
  /** Mounted on the public server: /api/traces…, /api/services…, /api/dependencies, /api/live, /api/collector/stats. */
  readonly queryRouter: Router;
  /** Called with a trace id each time that trace gains spans. Returns an unsubscribe function. */
  onTrace(listener: (traceID: string) => void): () => void;
}

export function createEmbeddedJaeger(opts: EmbeddedJaegerOptions): EmbeddedJaeger {
  const ports = { udpCompact: opts.udpCompactPort, udpBinary: opts.udpBinaryPort, http: opts.httpPort };
  return {
    async start() {},
    async stop() {},
    ports,
    queryRouter: express.Router(),
    onTrace: () => () => {},
  };
}
