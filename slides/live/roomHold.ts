// The presenter's side of the measuring hold: asks the server to hold the room's new requests while a proof measures, and to let them go after.
import type { RoomHoldEnd, RoomHoldStart } from '../../model/index.ts';

export interface RoomHoldClient {
  /** Holds the room (the answer comes once the attendee requests in the mesh have finished); null when the server has no hold. */
  start(signal: AbortSignal): Promise<RoomHoldStart | null>;
  end(): Promise<RoomHoldEnd | null>;
}

/** What the room did for a proof, for the verdict's words. */
export interface RoomNote {
  /** Attendee requests in the mesh when the proof began, and how long the proof waited for them. */
  drained: number;
  drainedMs: number;
  /** New attendee requests that waited while the proof measured, and how long the room was held. */
  heldCalls: number;
  heldMs: number;
}

/** Long enough for a proof on a busy mesh; the server bounds it again (it ends a hold by itself). */
const HOLD_MS = 20_000;

export function createRoomHoldClient(apiBase: string, presenterToken: string): RoomHoldClient {
  const url = `${apiBase.replace(/\/$/, '')}/api/audience/hold`;
  const headers = { Authorization: `Bearer ${presenterToken}`, 'content-type': 'application/json' };
  return {
    async start(signal) {
      const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ ms: HOLD_MS }), signal });
      return res.ok ? ((await res.json()) as RoomHoldStart) : null;
    },
    async end() {
      // keepalive: a proof stopped by leaving the slide still lets the room go at once, not when the hold runs out.
      const res = await fetch(url, { method: 'DELETE', headers, keepalive: true });
      return res.ok ? ((await res.json()) as RoomHoldEnd) : null;
    },
  };
}

/** "The room waited: …", or null when no attendee request was in the way. */
export function roomWords(n: RoomNote | null): string | null {
  if (!n || (n.drained === 0 && n.heldCalls === 0)) return null;
  const s = (x: number, w: string) => `${x} attendee ${w}${x === 1 ? '' : 's'}`;
  const parts: string[] = [];
  if (n.drained > 0) parts.push(`this proof waited ${seconds(n.drainedMs)} for ${s(n.drained, 'request')} already in the mesh`);
  if (n.heldCalls > 0)
    parts.push(`${s(n.heldCalls, 'request')} arriving meanwhile waited their turn (the room was held ${seconds(n.heldMs)})`);
  return `Measured with the room held: ${parts.join('; ')}.`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
