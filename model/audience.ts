// JSON shapes of the /api/audience/… endpoints, shared by the server, the join panel, the page and the load test.

export interface JoinInfo {
  /** The URL phones open (PUBLIC_URL, else the LAN address). */
  url: string;
  /** That URL as a QR code, an SVG document made on the server. */
  qrSvg: string;
}

export interface AudienceStats {
  /** Distinct attendee ids holding a presence stream (/api/audience/presence) right now. */
  attendeesConnected: number;
  /** Attendee demo requests let through per second, averaged over the last 5 whole seconds. */
  requestsPerSecond: number;
  /** Attendee calls answered 429 since the server started. */
  limited: number;
  limitedPerSecond: number;
  limitedBy: { attendee: number; everyone: number; busy: number; measuring: number };
  /** Attendee calls answered 400 (malformed id, nickname or body). */
  rejected: number;
  requestsTotal: number;
  /** Attendee demo requests inside the mesh right now. */
  inFlight: number;
  presenceStreams: number;
  /** The presenter's measuring hold: on now, calls waiting, and since the start those that waited then ran, were refused, or were given up by their phone. */
  hold: { active: boolean; waiting: number; held: number; ranAfter: number; refused: number; abandoned: number };
}

/** The body of a 429 from the attendee gate. */
export interface RateLimitedBody {
  error: 'rate limited';
  limit: 'attendee' | 'everyone' | 'busy' | 'measuring';
  reason: string;
  retryAfterSeconds: number;
}

/** `POST /api/audience/hold` (presenter): the hold is on until `holdingUntil` (ms since the epoch); the attendee requests in the mesh at the start were waited for. */
export interface RoomHoldStart {
  holdingUntil: number;
  /** How long the presenter waited for the attendee requests already in the mesh. */
  drainedMs: number;
  inFlightAtStart: number;
  /** Still in the mesh when the wait gave up (0 when they all finished). */
  inFlightLeft: number;
}

/** `DELETE /api/audience/hold` (presenter): how long the room was held and how many calls waited meanwhile. */
export interface RoomHoldEnd {
  heldMs: number;
  heldCalls: number;
  /** Calls still waiting for a mesh slot as the hold ends (they run next, oldest first). */
  waiting: number;
}
