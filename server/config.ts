// The one typed, documented configuration of the deck server, read from the environment.
import { randomBytes } from 'node:crypto';

export interface AppConfig {
  /** Deck server port (`PORT`, default 8080; 0 = any free port). */
  port: number;
  /** Interface the public server binds (`HOST`, default all interfaces so phones can join). */
  host: string;
  /** Token that presenter actions need (`PRESENTER_TOKEN`, default random per start). */
  presenterToken: string;
  /** Base URL attendees are sent to (`PUBLIC_URL`, default the machine's LAN address). */
  publicUrl: string | undefined;
  /** Embedded Jaeger agent, Thrift compact over UDP (`COLLECTOR_UDP_COMPACT_PORT`, 6831). */
  udpCompactPort: number;
  /** Embedded Jaeger agent, Thrift binary over UDP (`COLLECTOR_UDP_BINARY_PORT`, 6832). */
  udpBinaryPort: number;
  /** Embedded Jaeger collector, Thrift over HTTP (`COLLECTOR_HTTP_PORT`, 14268). */
  collectorHttpPort: number;
  /** Embedded OTLP/HTTP receiver, POST /v1/traces on loopback (`COLLECTOR_OTLP_HTTP_PORT`, 4318; 0 = any free port). */
  collectorOtlpHttpPort: number;
  /** Read traces from a real Jaeger query service instead (`JAEGER_QUERY_URL`). */
  jaegerQueryUrl: string | undefined;
  /** Also forward every received batch to a real Jaeger collector (`JAEGER_FORWARD_URL`,
   *  e.g. http://127.0.0.1:14268/api/traces) or agent (`udp://127.0.0.1:6831`). */
  jaegerForwardUrl: string | undefined;
  /** Also forward every span, whichever door it came in by, over OTLP/HTTP protobuf (`OTLP_FORWARD_URL`,
   *  the full URL, e.g. http://127.0.0.1:4318/v1/traces for a Jaeger v2 or an OpenTelemetry Collector). */
  otlpForwardUrl: string | undefined;
  /** Trace store bounds (`STORE_MAX_SPANS`, `STORE_MAX_TRACES`). */
  storeMaxSpans: number;
  storeMaxTraces: number;
  /** …and in bytes held, as the store counts them (`STORE_MAX_BYTES`, default 512 MiB; 0 = no byte bound). */
  storeMaxBytes: number;
  /** Most clients of `GET /api/live` at once (`LIVE_MAX_CLIENTS`, default 2000); more get 503. */
  liveMaxClients: number;
  /** Seed for the mesh's simulated service times (`MESH_SEED`), so rehearsals repeat. */
  meshSeed: number;
  /** Start the demo mesh (`MESH`, default on; `MESH=off` serves the deck alone). */
  meshEnabled: boolean;
  /** Where the built deck lives (`DIST_DIR`, default ./dist). */
  distDir: string;
}

type Env = Record<string, string | undefined>;

function intFrom(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number ≥ 0, got "${raw}"`);
  return n;
}

export function loadConfig(env: Env = process.env): AppConfig {
  return {
    port: intFrom(env, 'PORT', 8080),
    host: env.HOST || '0.0.0.0',
    presenterToken: env.PRESENTER_TOKEN || randomBytes(9).toString('base64url'),
    publicUrl: env.PUBLIC_URL || undefined,
    udpCompactPort: intFrom(env, 'COLLECTOR_UDP_COMPACT_PORT', 6831),
    udpBinaryPort: intFrom(env, 'COLLECTOR_UDP_BINARY_PORT', 6832),
    collectorHttpPort: intFrom(env, 'COLLECTOR_HTTP_PORT', 14268),
    collectorOtlpHttpPort: intFrom(env, 'COLLECTOR_OTLP_HTTP_PORT', 4318),
    jaegerQueryUrl: env.JAEGER_QUERY_URL || undefined,
    jaegerForwardUrl: env.JAEGER_FORWARD_URL || undefined,
    otlpForwardUrl: env.OTLP_FORWARD_URL || undefined,
    storeMaxSpans: intFrom(env, 'STORE_MAX_SPANS', 500_000),
    storeMaxTraces: intFrom(env, 'STORE_MAX_TRACES', 20_000),
    storeMaxBytes: intFrom(env, 'STORE_MAX_BYTES', 512 * 1024 * 1024),
    liveMaxClients: intFrom(env, 'LIVE_MAX_CLIENTS', 2000),
    meshSeed: intFrom(env, 'MESH_SEED', 42),
    meshEnabled: (env.MESH ?? 'on') !== 'off',
    distDir: env.DIST_DIR || 'dist',
  };
}

/** A config for tests: every port ephemeral, a known token, everything on loopback. */
export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    ...loadConfig({}),
    port: 0,
    host: '127.0.0.1',
    presenterToken: 'test-presenter-token',
    udpCompactPort: 0,
    udpBinaryPort: 0,
    collectorHttpPort: 0,
    collectorOtlpHttpPort: 0,
    ...overrides,
  };
}
