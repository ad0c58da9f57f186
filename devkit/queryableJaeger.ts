// An embedded Jaeger on free loopback ports with its query API served over HTTP, as the deck serves it: spans in, traces back out.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createEmbeddedJaeger, type EmbeddedJaeger } from '../embedded-jaeger/index.ts';
import type { JaegerTrace } from '../model/index.ts';
import type { Log } from '../pkg/index.ts';
import { queryApiTraces } from './settledTraces.ts';

export interface QueryableJaeger {
  jaeger: EmbeddedJaeger;
  /** Where the query API answers: `GET {queryUrl}/api/traces/:id`. */
  queryUrl: string;
  /** The collector's Thrift-over-HTTP endpoint (jaeger-client's JAEGER_ENDPOINT). */
  collectorUrl: string;
  /** The collector's OTLP/HTTP endpoint. */
  otlpUrl: string;
  /** A stored trace by id; undefined while it is not there. */
  trace(traceID: string): Promise<JaegerTrace | undefined>;
  close(): Promise<void>;
}

export async function startQueryableJaeger(opts: { maxSpans: number; maxTraces: number; log: Log }): Promise<QueryableJaeger> {
  const jaeger = createEmbeddedJaeger({ host: '127.0.0.1', udpCompactPort: 0, udpBinaryPort: 0, httpPort: 0, ...opts });
  await jaeger.start();
  const app = express();
  app.use(jaeger.queryRouter);
  const server = http.createServer(app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  } catch (e) {
    await jaeger.stop();
    throw e;
  }
  const queryUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    jaeger,
    queryUrl,
    collectorUrl: `http://127.0.0.1:${jaeger.ports.http}/api/traces`,
    otlpUrl: `http://127.0.0.1:${jaeger.ports.http}/v1/traces`,
    trace: queryApiTraces(queryUrl),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await jaeger.stop();
    },
  };
}
