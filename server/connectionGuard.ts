// Keeps slow or idle clients from piling up: short header/request timeouts, and caps on open connections per address and in total.
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import type { Log } from '../pkg/index.ts';
import { AddressCounts, addressOf, isOwnMachine } from '../pkg/index.ts';

export interface ConnectionLimits {
  /** Open connections one device may hold (a browser uses at most 6 per host). */
  perAddress: number;
  /** Open connections from all other devices together; the own machine is never counted against it. */
  total: number;
  /** A request's headers must be in within this long (slowloris). */
  headersTimeoutMs: number;
  /** A whole request (headers and body) must be in within this long; answers may stream for longer. */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
}

/** The soft limit on open files from /proc (Linux); undefined elsewhere. */
export function openFileLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft && /^\d+$/.test(soft) ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Room kept below the open-file limit for what the server itself opens: the mesh's sockets,
 * the collector, files of the deck, and the presenter's own connections.
 */
const FD_HEADROOM = 256;

export function defaultConnectionLimits(fdLimit = openFileLimit()): ConnectionLimits {
  return {
    perAddress: 32,
    total: Math.max(64, Math.min(4000, (fdLimit ?? 4096) - FD_HEADROOM)),
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    keepAliveTimeoutMs: 5_000,
  };
}

export interface ConnectionGuard {
  stats(): { open: number; refusedPerAddress: number; refusedTotal: number; closedSilent: number };
}

/** Options for http.createServer: the timeouts, checked every second (Node's default period is 30 s). */
export function serverTimeouts(limits: ConnectionLimits): http.ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: 1000,
  };
}

export function guardConnections(server: http.Server, limits: ConnectionLimits, log: Log): ConnectionGuard {
  const perAddress = new AddressCounts();
  let others = 0;
  let refusedPerAddress = 0;
  let refusedTotal = 0;
  let closedSilent = 0;

  server.on('connection', (socket) => {
    const address = addressOf(socket);
    if (!isOwnMachine(address)) {
      if (perAddress.get(address) >= limits.perAddress) {
        refusedPerAddress++;
        log.warn(`refused a connection from ${address}: it already holds ${limits.perAddress} (the per-device limit)`);
        socket.destroy();
        return;
      }
      if (others >= limits.total) {
        refusedTotal++;
        log.warn(`refused a connection from ${address}: ${limits.total} connections are open (the limit below the open-file limit)`);
        socket.destroy();
        return;
      }
      others++;
      const release = perAddress.hold(address);
      socket.once('close', () => {
        others--;
        release();
      });
    }
    // A reset or a write to a vanished peer is the peer's business, not a crash.
    socket.on('error', () => undefined);
    // Node's header timeout starts with the first byte: a connection that never sends one would sit forever.
    const silent = setTimeout(() => {
      if (socket.bytesRead === 0) {
        closedSilent++;
        socket.destroy();
      }
    }, limits.headersTimeoutMs).unref();
    socket.once('close', () => clearTimeout(silent));
  });

  return { stats: () => ({ open: others, refusedPerAddress, refusedTotal, closedSilent }) };
}
