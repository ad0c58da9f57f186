// The URL phones open: PUBLIC_URL when set, else this machine's LAN address, else localhost.
import os from 'node:os';

type Interfaces = ReturnType<typeof os.networkInterfaces>;

/** Bridges of containers and VMs come first on some laptops; phones can never reach them. */
const VIRTUAL_INTERFACE = /^(docker|br-|veth|virbr|vmnet|vboxnet|cni|flannel|tailscale|zt|utun)/i;

/** The first non-internal IPv4 address, preferring physical interfaces; link-local (169.254.x) never. */
export function lanIPv4(interfaces: Interfaces = os.networkInterfaces()): string | undefined {
  const candidates: { name: string; address: string }[] = [];
  for (const [name, addrs] of Object.entries(interfaces)) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) candidates.push({ name, address: a.address });
    }
  }
  const physical = candidates.find((c) => !VIRTUAL_INTERFACE.test(c.name));
  return (physical ?? candidates[0])?.address;
}

export interface JoinUrlInputs {
  publicUrl: string | undefined;
  /** The interface the public server is bound to (HOST). */
  host: string;
  port: number;
  interfaces?: Interfaces;
}

export function resolveJoinUrl({ publicUrl, host, port, interfaces }: JoinUrlInputs): string {
  if (publicUrl) {
    // A bare origin (https://talk.example.org or …/) means "the deck lives here": attendees go to its /join.
    try {
      const u = new URL(publicUrl);
      if (u.pathname === '/' && !u.search && !u.hash) return `${u.origin}/join`;
      return u.href;
    } catch {
      return publicUrl;
    }
  }
  const everywhere = host === '0.0.0.0' || host === '::' || host === '';
  const loopback = host === 'localhost' || host.startsWith('127.') || host === '::1';
  let address: string;
  if (everywhere) address = lanIPv4(interfaces) ?? 'localhost';
  else if (loopback) address = 'localhost';
  else address = host.includes(':') ? `[${host}]` : host;
  return `http://${address}:${port}/join`;
}
