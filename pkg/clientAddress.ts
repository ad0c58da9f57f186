// Who is asking, by network address: the server's own machine (the presenter's laptop) versus every other device on the venue network.
import type { Socket } from 'node:net';

/**
 * 127.0.0.1 and ::1 can only be this machine: the kernel drops packets from the network that
 * claim them. Every other address, other loopback addresses included (tests play other devices
 * with 127.0.0.2…), is a device in the room and gets per-address limits.
 */
export function isOwnMachine(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** The address limits are keyed by, with IPv4-mapped IPv6 folded to plain IPv4. */
export function addressOf(socket: Socket | undefined): string {
  const a = socket?.remoteAddress ?? 'unknown';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/** Counts open things per address, never holding an address with nothing open. */
export class AddressCounts {
  private readonly counts = new Map<string, number>();

  get(address: string): number {
    return this.counts.get(address) ?? 0;
  }

  /** Adds one; returns a function that takes it away again (once). */
  hold(address: string): () => void {
    this.counts.set(address, this.get(address) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = this.get(address) - 1;
      if (n <= 0) this.counts.delete(address);
      else this.counts.set(address, n);
    };
  }

  get addresses(): number {
    return this.counts.size;
  }
}
