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
  limitedBy: { attendee: number; everyone: number; busy: number };
  /** Attendee calls answered 400 (malformed id, nickname or body). */
  rejected: number;
  requestsTotal: number;
  /** Attendee demo requests inside the mesh right now. */
  inFlight: number;
  presenceStreams: number;
}

/** The body of a 429 from the attendee gate. */
export interface RateLimitedBody {
  error: 'rate limited';
  limit: 'attendee' | 'everyone' | 'busy';
  reason: string;
  retryAfterSeconds: number;
}
