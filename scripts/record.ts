// `npm run record`: captures a fresh set of Jaeger JSON traces from the real mesh for the static self-study deck.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { holeCatalog } from '../demo-app/holes/holeSwitches.ts';
import { tracesFromJaegerFile, type JaegerTrace } from '../model/jaegerJson.ts';
import { startDeckServer, projectRoot, type DeckServer } from '../server/deckServer.ts';
import { testConfig } from '../server/config.ts';
import { createLog } from '../server/log.ts';
import { waitFor } from '../test/support/waitFor.ts';
import type { Recording, RecordingManifest } from '../slides/recordings/manifestTypes.ts';
import { traceDurationMs } from '../slides/live/traceFacts.ts';

const outDir = path.join(projectRoot, 'slides', 'recordings');
const tracesDir = path.join(outDir, 'traces');
/** Requests sent together per capture, the slowest kept (as the Demo slide's burst does). */
const BURST = 4;

/** Every service of the mesh reports a span for a slow request; a trace is whole when its span count stops growing. */
async function settledTrace(server: DeckServer, traceID: string): Promise<JaegerTrace> {
  // Ask every service to flush its jaeger-client buffer, then read until two reads agree.
  await server.mesh!.spanCounts();
  let last = -1;
  let trace: JaegerTrace | undefined;
  await waitFor(
    `trace ${traceID} to settle`,
    async () => {
      const res = await fetch(`${server.url}/api/traces/${traceID}`);
      if (res.status !== 200) return false;
      trace = tracesFromJaegerFile(await res.json())[0];
      const n = trace?.spans.length ?? 0;
      const stable = n > 0 && n === last;
      last = n;
      return stable;
    },
    { timeoutMs: 15_000, intervalMs: 300 },
  );
  return trace!;
}

async function setAll(server: DeckServer, plugged: boolean): Promise<void> {
  for (const h of holeCatalog) await server.mesh!.setHole(h.id, plugged);
}

async function main(): Promise<void> {
  const log = createLog('record', (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info');
  const server = await startDeckServer(testConfig({ storeMaxTraces: 2000 }), { log: createLog('deck', 'silent') });
  const recordedAt = new Date().toISOString();
  const recordings: Recording[] = [];

  await rm(tracesDir, { recursive: true, force: true });
  await mkdir(tracesDir, { recursive: true });

  const capture = async (id: string, kind: 'normal' | 'slow', meta: Omit<Recording, 'id' | 'file' | 'traceID' | 'durationMs' | 'spanCount' | 'services' | 'kind'>) => {
    // Warm-up after every switch: a plugged cache must be filled before it can show its effect.
    await server.mesh!.sendRequests(kind, 1);
    // A small burst, keeping the slowest: the lock only queues requests that arrive together.
    const results = await server.mesh!.sendRequests(kind, BURST);
    const result = results.sort((a, b) => b.durationMs - a.durationMs)[0];
    if (!result) throw new Error('the mesh answered no request');
    const trace = await settledTrace(server, result.traceID);
    const file = `traces/${id}.json`;
    // Compact JSON: the files are read by code, and their size lands in every static copy of the deck.
    await writeFile(path.join(outDir, file), JSON.stringify({ data: [trace] }));
    const rec: Recording = {
      id,
      file,
      kind,
      traceID: trace.traceID,
      durationMs: Math.round(traceDurationMs(trace) * 10) / 10,
      spanCount: trace.spans.length,
      services: new Set(Object.values(trace.processes).map((p) => p.serviceName)).size,
      ...meta,
    };
    recordings.push(rec);
    log.info(`${id}: ${rec.spanCount} spans, ${rec.durationMs} ms`);
    return rec;
  };

  try {
    // Each pair isolates one hole: only it is open in "before", every hole is plugged in
    // "after". With the other holes open too, their queues absorb the gain and hide it.
    for (const hole of holeCatalog) {
      await setAll(server, true);
      await server.mesh!.setHole(hole.id, false);
      await capture(`${hole.id}-before`, 'slow', { role: 'before', holeId: hole.id, holeTitle: hole.title, pair: hole.id });
      await server.mesh!.setHole(hole.id, true);
      await capture(`${hole.id}-after`, 'slow', { role: 'after', holeId: hole.id, holeTitle: hole.title, pair: hole.id });
    }
    await setAll(server, false);
    await capture('all-open', 'slow', { role: 'before', holeId: null, holeTitle: 'Every hole open', pair: 'all' });
    await setAll(server, true);
    await capture('all-plugged', 'slow', { role: 'after', holeId: null, holeTitle: 'Every hole plugged', pair: 'all' });
    await setAll(server, false);
    await capture('realistic', 'normal', { role: 'example', holeId: null, holeTitle: 'A normal request, holes open', pair: 'realistic' });
  } finally {
    await server.close();
  }

  const manifest: RecordingManifest = { recordedAt, seed: server.config.meshSeed, recordings };
  await writeFile(path.join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  const files = await readdir(tracesDir);
  log.info(`wrote ${files.length} traces and manifest.json to ${path.relative(projectRoot, outDir)}`);
}

main().catch((e: unknown) => {
  console.error(`record failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
