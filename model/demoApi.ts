// Our own HTTP API's types (demo requests, holes, mesh health, its pushed events), declared once for server, browser, scripts and tests.

/** The two requests an attendee or the presenter can send. */
export const requestKinds = ['normal', 'slow'] as const;
export type RequestKind = (typeof requestKinds)[number];

/** `POST /api/demo/requests` body. */
export interface DemoRequestBody {
  kind: RequestKind;
  count?: number;
}

/** One element of the `POST /api/demo/requests` answer. */
export interface DemoRequestResult {
  traceID: string;
  durationMs: number;
  status: number;
  /** Set when the request failed: what went wrong, in words (e.g. "payments did not answer within 2 s"). */
  error?: string;
}

/** `GET /api/holes` element and `PUT /api/holes/:id` answer. */
export interface HoleState {
  id: string;
  title: string;
  plugged: boolean;
}

/** A mesh service's lifecycle state as its supervisor machine names it. */
export type ServiceState = 'starting' | 'healthy' | 'hung' | 'crashed' | 'restarting' | 'stopped';

export interface ServiceHealth {
  name: string;
  state: ServiceState;
}

/** `GET /healthz` body (200 when every service is healthy, 503 otherwise). */
export interface HealthBody {
  ok: boolean;
  /** false when the server runs without the mesh (MESH=off). */
  mesh?: boolean;
  services: ServiceHealth[];
}

/** Pushed to the slide the moment a service changes state (SSE `service` event on `/api/mesh/events`). */
export interface ServiceStateEvent {
  name: string;
  state: ServiceState;
  /** Why, in words, when it is not healthy (e.g. "exited with code 1", "did not answer /healthz for 1 s"). */
  reason?: string;
  /** ms since the epoch. */
  at: number;
}
