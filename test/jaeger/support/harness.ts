// Starts an embedded Jaeger on ephemeral loopback ports with its query router on a small express server.
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { JaegerEnvelope, JaegerTrace } from '../../../model/jaegerJson.ts';
import { createEmbeddedJaeger, type EmbeddedJaeger, type EmbeddedJaegerOptions } from '../../../embedded-jaeger/index.ts';
import { createLog } from '../../../pkg/index.ts';

export interface Harness {
  jaeger: EmbeddedJaeger;
  /** Base URL of the query API. */
  url: string;
  collectorUrl: string;
  close(): Promise<void>;
}

export async function startHarness(overrides: Partial<EmbeddedJaegerOptions> = {}): Promise<Harness> {
  const jaeger = createEmbeddedJaeger({
    host: '127.0.0.1',
    udpCompactPort: 0,
    udpBinaryPort: 0,
    httpPort: 0,
    maxSpans: 100_000,
    maxTraces: 10_000,
    log: createLog('test', 'silent'),
    ...overrides,
  });
  await jaeger.start();
  const app = express();
  app.use(jaeger.queryRouter);
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    jaeger,
    url: `http://127.0.0.1:${port}`,
    collectorUrl: `http://127.0.0.1:${jaeger.ports.http}/api/traces`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await jaeger.stop();
    },
  };
}

export async function sendUdp(port: number, datagrams: Buffer[]): Promise<void> {
  const s = dgram.createSocket('udp4');
  try {
    for (const d of datagrams) await new Promise<void>((res, rej) => s.send(d, port, '127.0.0.1', (e) => (e ? rej(e) : res())));
  } finally {
    s.close();
  }
}

export async function postBatch(
  url: string,
  body: Buffer,
  contentType = 'application/x-thrift',
): Promise<{ status: number; text: string }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) });
  return { status: r.status, text: await r.text() };
}

// biome-ignore lint/suspicious/noExplicitAny: a test reads the fields it checks; the default keeps those reads short
export async function getJson<T = any>(url: string): Promise<{ status: number; body: T }> {
  const r = await fetch(url);
  return { status: r.status, body: (await r.json()) as T };
}

/** The trace as the query API answers it, or undefined while it is unknown (404). */
export async function fetchTrace(h: Harness, id: string): Promise<JaegerTrace | undefined> {
  const r = await getJson<JaegerEnvelope<JaegerTrace[]>>(`${h.url}/api/traces/${id}`);
  return r.status === 200 ? r.body.data[0] : undefined;
}
