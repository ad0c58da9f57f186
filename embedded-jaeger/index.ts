// Public API of the embedded Jaeger: agent (UDP), collector (HTTP), trace store, query API, live stream.
import express, { type Router } from 'express';
import type { Log } from '../pkg/index.ts';
import { startUdpAgent } from './agentUdp.ts';
import { DEFAULT_MAX_BODY_BYTES, startCollectorHttp } from './collectorHttp.ts';
import { CollectorStats, type CollectorStatsSnapshot } from './collectorStats.ts';
import { createForwarder, type Forwarder } from './forwarder.ts';
import { createOtlpForwarder, type OtlpForwarder, type OtlpForwarderOptions } from './otlpForwarder.ts';
import { decodeBinaryBatch, decodeBinaryEmitBatch, decodeCompactEmitBatch } from './jaegerThrift.ts';
import { LiveStream } from './liveStream.ts';
import { decodeOtlpJson, decodeOtlpProtobuf } from './otlp/otlpDecode.ts';
import { startOtlpHttp, type OtlpDoorOptions } from './otlp/otlpHttp.ts';
import { otlpToBatches } from './otlp/otlpToSpans.ts';
import { HeavyQueries } from './boundedAnswer.ts';
import { AnswerCache } from './answerCache.ts';
import { createQueryApi, DEFAULT_MAX_CLOCK_SKEW_US } from './queryApi.ts';
import { createQueryApiV3 } from './queryApiV3.ts';
import { createFindingsApi } from './findingsApi.ts';
import { createRemoteFindingsApi } from './remoteFindings.ts';
import { createQueryProxy } from './queryProxy.ts';
import { VIA_HTTP, VIA_OTLP, VIA_UDP_BINARY, VIA_UDP_COMPACT, type DecodedBatch } from './spanModel.ts';
import { TraceStore } from './traceStore.ts';
import { kernelDrops } from './udpLoss.ts';

export interface EmbeddedJaegerOptions {
  /** Interface for the agent and collector sockets; always loopback in this app. */
  host: string;
  /** 0 = any free port; the chosen ports are in `ports` after `start()`. */
  udpCompactPort: number;
  udpBinaryPort: number;
  httpPort: number;
  /** OTLP/HTTP's own port (4318 in the app); absent = only POST /v1/traces on the collector's HTTP port. */
  otlpHttpPort?: number;
  /** Receive buffer asked for each UDP socket (default 8 MiB; tests ask for little to see kernel drops). */
  udpRecvBufferBytes?: number;
  /** Largest clock-skew shift in µs the query applies (default 1 s; 0 = only warn, Jaeger's default). */
  maxClockSkewUs?: number;
  maxSpans: number;
  maxTraces: number;
  /** Bytes the store may hold, as it counts them (traceStore.ts); absent = no byte bound. */
  maxBytes?: number;
  /** Serve queries from a real Jaeger query service instead of the store. */
  queryUrl?: string;
  /** Forward every received batch to a real Jaeger too (http://…/api/traces or udp://host:port). */
  forwardUrl?: string;
  /** Forward every span, whichever door it came in by, over OTLP/HTTP protobuf to this …/v1/traces URL. */
  otlpForwardUrl?: string;
  /** The OTLP forwarder's buffer, batch and retry figures (tests shorten them). */
  otlpForward?: Partial<Omit<OtlpForwarderOptions, 'url' | 'log'>>;
  /** Largest collector HTTP body (default 8 MiB); larger bodies get 413. */
  maxBodyBytes?: number;
  /** Live stream coalescing tick (default 50 ms) and heartbeat (default 15 s). */
  liveTickMs?: number;
  liveHeartbeatMs?: number;
  /** Most /api/live clients at once (default 2000); past it, 503 with the reason. */
  liveMaxClients?: number;
  log: Log;
}

export interface EmbeddedJaeger {
  /** Binds the sockets; rejects with a PortInUseError naming the env variable on a taken port. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** otlpHttp is -1 when no OTLP port of its own was asked for. */
  readonly ports: { udpCompact: number; udpBinary: number; http: number; otlpHttp: number };
  /** Mounted on the public server: /api/traces…, /api/services…, /api/dependencies, /api/live, /api/collector/stats. */
  readonly queryRouter: Router;
  /** Called with a trace id each time that trace gains spans. Returns an unsubscribe function. */
  onTrace(listener: (traceID: string) => void): () => void;
  /** The store behind the query API (tests and in-process users read it directly). */
  readonly store: TraceStore;
  /** The same figures as GET /api/collector/stats. */
  stats(): CollectorStatsSnapshot;
  /**
   * The whole receive path for one datagram or body, without a socket: decode, store, announce,
   * forward. Returns undefined when accepted, else the rejection reason. Stored spans keep
   * their tags and logs in `raw`: do not reuse the buffer afterwards.
   */
  ingest(via: 'udpCompact' | 'udpBinary' | 'http', raw: Buffer): string | undefined;
  /** The same for an OTLP/HTTP body (already inflated): protobuf, or JSON when `json`. */
  ingestOtlp(body: Buffer, json: boolean): string | undefined;
}

/** A forward URL on this machine at one of our own ports. */
function forwardsToItself(url: string, ownPorts: number[]): boolean {
  const u = new URL(url);
  return (
    /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(u.hostname) && ownPorts.includes(Number(u.port || (u.protocol === 'https:' ? 443 : 80)))
  );
}

const DECODERS: ((buf: Buffer) => DecodedBatch)[] = [decodeCompactEmitBatch, decodeBinaryEmitBatch, decodeBinaryBatch];
const VIA = { udpCompact: VIA_UDP_COMPACT, udpBinary: VIA_UDP_BINARY, http: VIA_HTTP } as const;

export function createEmbeddedJaeger(opts: EmbeddedJaegerOptions): EmbeddedJaeger {
  const log = opts.log;
  const ports = { udpCompact: opts.udpCompactPort, udpBinary: opts.udpBinaryPort, http: opts.httpPort, otlpHttp: -1 };
  const store = new TraceStore(opts.maxSpans, opts.maxTraces, opts.maxBytes);
  const counters = new CollectorStats(log);
  const live = new LiveStream(store, log, { tickMs: opts.liveTickMs, heartbeatMs: opts.liveHeartbeatMs, maxClients: opts.liveMaxClients });
  let forwarder: Forwarder = createForwarder(undefined, log);
  let otlpForwarder: OtlpForwarder | undefined;
  const closers: (() => Promise<void>)[] = [];

  const receive = (via: number, raw: Buffer): string | undefined => {
    counters.received(via, raw.length);
    let batch: DecodedBatch;
    try {
      batch = DECODERS[via]!(raw);
    } catch (e) {
      // Any throw while decoding is the input's fault: the readers are bounds-checked, never partial.
      const reason = e instanceof Error ? e.message : String(e);
      counters.rejected(via, reason);
      return reason;
    }
    const out = store.ingest(batch, via);
    counters.accepted(via, batch.spans.length, out.stored, out.duplicates);
    counters.batch(via, batch);
    live.grew(out.touched);
    forwarder.forward(via, raw, batch);
    otlpForwarder?.forward(batch.spans);
    return undefined;
  };

  /** OTLP: decoded and checked whole before any span is stored, as the Thrift doors do; forwarded over OTLP only (the Thrift forwarder does not carry it). */
  const receiveOtlp = (body: Buffer, json: boolean, wireBytes = body.length): string | undefined => {
    counters.received(VIA_OTLP, wireBytes);
    let batches: DecodedBatch[];
    try {
      batches = otlpToBatches(json ? decodeOtlpJson(body) : decodeOtlpProtobuf(body));
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      counters.rejected(VIA_OTLP, reason);
      return reason;
    }
    for (const b of batches) {
      const out = store.ingest(b, VIA_OTLP);
      counters.accepted(VIA_OTLP, b.spans.length, out.stored, out.duplicates);
      live.grew(out.touched);
      otlpForwarder?.forward(b.spans);
    }
    return undefined;
  };
  const otlpDoor: OtlpDoorOptions = {
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    onBody: receiveOtlp,
    onRefused: (bytes, reason) => {
      counters.received(VIA_OTLP, bytes);
      counters.rejected(VIA_OTLP, reason);
    },
  };

  const udpDrops = (via: number) =>
    via === VIA_UDP_COMPACT
      ? kernelDrops(opts.host, ports.udpCompact)
      : via === VIA_UDP_BINARY
        ? kernelDrops(opts.host, ports.udpBinary)
        : null;
  const stats = () =>
    counters.snapshot(
      store,
      forwarder.stats(),
      otlpForwarder?.stats() ?? { target: null, sent: 0, failed: 0, dropped: 0, queued: 0 },
      live.snapshot(),
      udpDrops,
    );

  const router = express.Router();
  router.get('/api/live', live.handler);
  router.get('/api/collector/stats', (_req, res) => {
    res.json(stats());
  });
  const maxClockSkewUs = opts.maxClockSkewUs ?? DEFAULT_MAX_CLOCK_SKEW_US;
  if (opts.queryUrl) {
    // The hole finder's routes first: the proxy would not know /api/traces/:id/findings.
    router.use(createRemoteFindingsApi(opts.queryUrl, log, { heavy: new HeavyQueries() }));
    router.use(createQueryProxy(opts.queryUrl, log));
  } else {
    // One gate for v1 and v3: a device's searches (and /api/dependencies) count once whichever API it calls.
    const searches = new HeavyQueries();
    // And one for big trace answers (boundedAnswer.ts BIG_TRACE_SPANS): each holds its trace's clock-skew work while it is sent.
    const bigTraces = new HeavyQueries(2, 1, 4, 'big trace answers');
    // A big trace that has gone quiet is rendered ahead, so its first open is a byte stream too.
    // And one place where big answers are rendered once, shared and kept, whichever API asks.
    const answers = new AnswerCache();
    router.use(createQueryApi(store, { maxClockSkewUs, searches, bigTraces, answers, onTraceGrew: (l) => live.onTrace(l) }));
    router.use(createQueryApiV3(store, { maxClockSkewUs, searches, bigTraces, answers }));
    router.use(createFindingsApi(store, { heavy: searches }));
  }

  const stop = async () => {
    live.close();
    for (const close of closers.reverse()) await close().catch((e: unknown) => log.error(`while stopping: ${String(e)}`));
    closers.length = 0;
  };

  return {
    async start() {
      forwarder = createForwarder(opts.forwardUrl, log);
      closers.push(() => forwarder.close());
      if (opts.otlpForwardUrl) {
        const otlp = createOtlpForwarder({ ...opts.otlpForward, url: opts.otlpForwardUrl, log });
        otlpForwarder = otlp;
        closers.push(() => otlp.close());
      }
      try {
        const agents = [
          {
            via: VIA_UDP_COMPACT,
            name: 'udpCompact',
            port: opts.udpCompactPort,
            envName: 'COLLECTOR_UDP_COMPACT_PORT',
            what: 'Jaeger agent (UDP, Thrift compact)',
          },
          {
            via: VIA_UDP_BINARY,
            name: 'udpBinary',
            port: opts.udpBinaryPort,
            envName: 'COLLECTOR_UDP_BINARY_PORT',
            what: 'Jaeger agent (UDP, Thrift binary)',
          },
        ] as const;
        for (const a of agents) {
          const agent = await startUdpAgent({
            host: opts.host,
            port: a.port,
            envName: a.envName,
            what: a.what,
            onDatagram: (m) => receive(a.via, m),
            log,
            recvBufferBytes: opts.udpRecvBufferBytes,
          });
          closers.push(agent.close);
          ports[a.name] = agent.port;
        }
        const http = await startCollectorHttp({
          host: opts.host,
          port: opts.httpPort,
          maxBodyBytes: opts.maxBodyBytes,
          onBody: (body) => receive(VIA_HTTP, body),
          onRefused: (bytes, reason) => {
            counters.received(VIA_HTTP, bytes);
            counters.rejected(VIA_HTTP, reason);
          },
          otlp: otlpDoor,
        });
        closers.push(http.close);
        ports.http = http.port;
        if (opts.otlpHttpPort !== undefined) {
          const otlp = await startOtlpHttp(opts.host, opts.otlpHttpPort, otlpDoor);
          closers.push(otlp.close);
          ports.otlpHttp = otlp.port;
          log.info(`OTLP/HTTP receiver on http://${opts.host}:${otlp.port}/v1/traces (also on the collector's port)`);
        }
        if (opts.otlpForwardUrl && forwardsToItself(opts.otlpForwardUrl, [ports.http, ports.otlpHttp])) {
          throw new Error(
            `OTLP_FORWARD_URL ${opts.otlpForwardUrl} is this collector's own door: every span would come back and go out again`,
          );
        }
        log.info(
          `Jaeger collector on http://${opts.host}:${http.port}/api/traces; store keeps ${opts.maxSpans} spans / ${opts.maxTraces} traces${opts.maxBytes ? ` / ${Math.round(opts.maxBytes / 1048576)} MiB` : ''}`,
        );
        if (opts.queryUrl) log.info(`query API proxied to ${opts.queryUrl}`);
        if (opts.forwardUrl) log.info(`forwarding every batch to ${opts.forwardUrl}`);
        if (opts.otlpForwardUrl) log.info(`forwarding every span over OTLP/HTTP to ${opts.otlpForwardUrl}`);
      } catch (e) {
        await stop();
        throw e;
      }
    },
    stop,
    ports,
    queryRouter: router,
    onTrace: (listener) => live.onTrace(listener),
    store,
    stats,
    ingest: (via, raw) => receive(VIA[via], raw),
    ingestOtlp: (body, json) => receiveOtlp(body, json),
  };
}
