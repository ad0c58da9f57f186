// Datagrams the kernel dropped at our UDP sockets (receive buffer full), read from Linux's /proc/net/udp.
import { readFileSync } from 'node:fs';

/** The file is re-read at most this often, however often the stats are asked for. */
const CACHE_MS = 250;

let cache: { at: number; drops: Map<string, number> | null } = { at: -Infinity, drops: null };

/** "0100007F:1AB7" — the local address column as the kernel writes it for an IPv4 socket. */
function localKey(host: string, port: number): string {
  const ip = host
    .split('.')
    .map((o) => Number(o).toString(16).toUpperCase().padStart(2, '0'))
    .reverse()
    .join('');
  return `${ip}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
}

function readTable(path: string): Map<string, number> | null {
  let text: string;
  try {
    text = readFileSync(path, 'latin1');
  } catch {
    return null; // not Linux, or no /proc: the count is unknown, not zero
  }
  const out = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const cols = lines[i]!.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ref pointer drops
    if (cols.length < 13) continue;
    out.set(cols[1]!, (out.get(cols[1]!) ?? 0) + Number(cols[12]));
  }
  return out;
}

/** Drops counted by the kernel for the UDP socket bound to host:port (IPv4), or null when unreadable. */
export function kernelDrops(host: string, port: number, now = Date.now(), table = '/proc/net/udp'): number | null {
  if (now - cache.at > CACHE_MS) cache = { at: now, drops: readTable(table) };
  if (!cache.drops) return null;
  return cache.drops.get(localKey(host, port)) ?? 0;
}
