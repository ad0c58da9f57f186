// The agent's UDP doors: one socket per protocol (6831 compact, 6832 binary), each datagram one emitBatch.
import dgram from 'node:dgram';
import type { Log } from '../pkg/index.ts';
import { asPortError } from '../pkg/index.ts';

/** Jaeger clients send datagrams of up to 65,000 bytes; a burst needs room for many of them. */
export const WANTED_RECV_BUFFER = 8 * 1024 * 1024;

export interface UdpAgentOptions {
  host: string;
  port: number;
  envName: string;
  what: string;
  onDatagram: (msg: Buffer) => void;
  log: Log;
  /** Receive buffer to ask for (default WANTED_RECV_BUFFER). */
  recvBufferBytes?: number;
}

export async function startUdpAgent(opts: UdpAgentOptions): Promise<{ port: number; recvBufferSize: number; close(): Promise<void> }> {
  const wanted = opts.recvBufferBytes ?? WANTED_RECV_BUFFER;
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: wanted });
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error) => {
      socket.close();
      reject(asPortError(e, opts.port, opts.envName, opts.what));
    };
    socket.once('error', onError);
    socket.bind(opts.port, opts.host, () => {
      socket.off('error', onError);
      resolve();
    });
  });
  socket.on('error', (e) => opts.log.error(`${opts.what}: socket error: ${e.message}`));
  socket.on('message', opts.onDatagram);
  const port = socket.address().port;
  let recvBufferSize = 0;
  try {
    recvBufferSize = socket.getRecvBufferSize();
  } catch {
    /* not every platform reports it */
  }
  // As the OS reports it: Linux caps the request at net.core.rmem_max and reports double what it grants.
  const note = recvBufferSize < wanted ? ` (asked for ${wanted >> 10} KiB; raise net.core.rmem_max to allow more)` : '';
  opts.log.info(`${opts.what} on udp://${opts.host}:${port}, receive buffer ${recvBufferSize >> 10} KiB${note}`);
  return {
    port,
    recvBufferSize,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
