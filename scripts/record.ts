// `npm run record`: captures a fresh set of Jaeger JSON traces from the real mesh for the static self-study deck, with the hole finder's findings on each.
// `npm run record -- --findings-only` recomputes the findings in manifest.json from the trace files already there (no mesh).
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { analyzeTrace } from '../analysis/index.ts';
import {
  holeCatalog,
  traceDurationMs,
  tracesFromJaegerFile,
  type Finding,
  type HolePattern,
  type HoleSpec,
  type JaegerTrace,
  type RequestKind,
} from '../model/index.ts';
import { startDeckServer, projectRoot, type DeckServer } from '../server/index.ts';
import { testConfig } from '../server/index.ts';
import { createLog } from '../pkg/index.ts';
import { queryApiTraces, settledTraces } from '../devkit/index.ts';
import type { Recording, RecordingManifest } from '../slides/recordings/index.ts';

// RECORD_OUT_DIR writes elsewhere (a trial run that leaves the committed recordings alone).
const outDir = process.env.RECORD_OUT_DIR ? path.resolve(process.env.RECORD_OUT_DIR) : path.join(projectRoot, 'slides', 'recordings');
const tracesDir = path.join(outDir, 'traces');
const manifestPath = path.join(outDir, 'manifest.json');
/** Requests sent together for the every-hole pair, the slowest kept (as the Demo slide's burst does). */
const BURST = 4;
/** Rounds of a hole's pattern tried before giving up on a trace that shows it. */
const ROUNDS = 3;

/** Every service of the mesh reports a span for a slow request: the trace once all are reported and its span count holds. */
async function settledTrace(server: DeckServer, traceID: string): Promise<JaegerTrace> {
  const [trace] = await settledTraces(server.mesh!, queryApiTraces(server.url), [traceID], { timeoutMs: 15_000, intervalMs: 300 });
  return trace!;
}

async function setAll(server: DeckServer, plugged: boolean): Promise<void> {
  for (const h of holeCatalog) await server.mesh!.setHole(h.id, plugged);
}

/** The hole's documented pattern (model/holes.ts): warm-up and lead unjudged, then the judged requests, at once or in turn. */
async function sendPattern(server: DeckServer, hole: HoleSpec): Promise<string[]> {
  const mesh = server.mesh!;
  const p: HolePattern = hole.pattern;
  for (const w of p.warmup) for (let i = 0; i < w.count; i++) await mesh.sendRequests(w.kind, 1);
  if (p.lead) {
    // The lead holds the resource when the judged burst arrives; its traces are not kept.
    const lead = mesh.sendRequests(p.lead.kind, p.lead.count);
    lead.catch(() => undefined); // awaited below
    await new Promise((r) => setTimeout(r, p.lead!.aheadMs));
    const ids = (await mesh.sendRequests(p.kind, p.count)).map((r) => r.traceID);
    await lead;
    return ids;
  }
  if (hole.pattern.concurrent) return (await mesh.sendRequests(hole.pattern.kind, hole.pattern.count)).map((r) => r.traceID);
  const ids: string[] = [];
  for (let i = 0; i < hole.pattern.count; i++) ids.push((await mesh.sendRequests(hole.pattern.kind, 1))[0]!.traceID);
  return ids;
}

function costOf(findings: Finding[], kind: string): number {
  return Math.max(0, ...findings.filter((f) => f.kind === kind).map((f) => f.costMs));
}

function describe(
  id: string,
  trace: JaegerTrace,
  meta: Omit<Recording, 'id' | 'file' | 'traceID' | 'durationMs' | 'spanCount' | 'services' | 'findings'>,
): Recording {
  return {
    id,
    file: `traces/${id}.json`,
    traceID: trace.traceID,
    durationMs: Math.round(traceDurationMs(trace) * 10) / 10,
    spanCount: trace.spans.length,
    services: new Set(Object.values(trace.processes).map((p) => p.serviceName)).size,
    findings: analyzeTrace(trace),
    ...meta,
  };
}

async function record(): Promise<void> {
  const log = createLog('record', (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info');
  const server = await startDeckServer(testConfig({ storeMaxTraces: 2000 }), { log: createLog('deck', 'silent') });
  const recordedAt = new Date().toISOString();
  const recordings: Recording[] = [];

  await rm(tracesDir, { recursive: true, force: true });
  await mkdir(tracesDir, { recursive: true });

  const keep = async (rec: Recording, trace: JaegerTrace) => {
    // Compact JSON: the files are read by code, and their size lands in every static copy of the deck.
    await writeFile(path.join(outDir, rec.file), JSON.stringify({ data: [trace] }));
    recordings.push(rec);
    log.info(`${rec.id}: ${rec.spanCount} spans, ${rec.durationMs} ms; ${rec.findings?.map((f) => f.title).join(' | ') || 'no findings'}`);
  };

  /** The pattern's traces, analysed; `pick` chooses the one to keep. */
  const capturePattern = async (
    hole: HoleSpec,
    pick: (found: { trace: JaegerTrace; findings: Finding[] }[]) => JaegerTrace | undefined,
  ) => {
    for (let round = 0; round < ROUNDS; round++) {
      const ids = await sendPattern(server, hole);
      const found = [];
      for (const id of ids) {
        const trace = await settledTrace(server, id);
        found.push({ trace, findings: analyzeTrace(trace) });
      }
      const chosen = pick(found);
      if (chosen) return chosen;
    }
    throw new Error(`no trace of ${hole.id}'s pattern showed what the walk-through needs after ${ROUNDS} rounds`);
  };

  const captureBurst = async (kind: RequestKind) => {
    // Warm-up after every switch: a plugged cache must be filled before it can show its effect.
    await server.mesh!.sendRequests(kind, 1);
    const results = await server.mesh!.sendRequests(kind, BURST);
    const slowest = results.sort((a, b) => b.durationMs - a.durationMs)[0];
    if (!slowest) throw new Error('the mesh answered no request');
    return settledTrace(server, slowest.traceID);
  };

  try {
    // Each pair isolates one hole with its own documented pattern: "before" only it is open and the
    // trace kept is the one where the hole finder names it at the greatest cost; "after" every hole is
    // plugged, same pattern, and the trace kept is the median by duration.
    for (const hole of holeCatalog) {
      const meta = { role: 'before', holeId: hole.id, holeTitle: hole.title, pair: hole.id, kind: hole.pattern.kind } as const;
      await setAll(server, true);
      await server.mesh!.setHole(hole.id, false);
      const before = await capturePattern(
        hole,
        (found) =>
          found
            .filter((f) => costOf(f.findings, hole.findingKind) > 0)
            .sort((a, b) => costOf(b.findings, hole.findingKind) - costOf(a.findings, hole.findingKind))[0]?.trace,
      );
      await keep(describe(`${hole.id}-before`, before, meta), before);
      await server.mesh!.setHole(hole.id, true);
      const after = await capturePattern(
        hole,
        (found) => found.map((f) => f.trace).sort((a, b) => traceDurationMs(a) - traceDurationMs(b))[found.length >> 1],
      );
      await keep(describe(`${hole.id}-after`, after, { ...meta, role: 'after' }), after);
    }
    await setAll(server, false);
    const open = await captureBurst('slow');
    await keep(describe('all-open', open, { role: 'before', holeId: null, holeTitle: 'Every hole open', pair: 'all', kind: 'slow' }), open);
    await setAll(server, true);
    const plugged = await captureBurst('slow');
    await keep(
      describe('all-plugged', plugged, { role: 'after', holeId: null, holeTitle: 'Every hole plugged', pair: 'all', kind: 'slow' }),
      plugged,
    );
    await setAll(server, false);
    const example = await captureBurst('normal');
    await keep(
      describe('realistic', example, {
        role: 'example',
        holeId: null,
        holeTitle: 'A normal request, holes open',
        pair: 'realistic',
        kind: 'normal',
      }),
      example,
    );
  } finally {
    await server.close();
  }

  const manifest: RecordingManifest = { recordedAt, seed: server.config.meshSeed, recordings };
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  const files = await readdir(tracesDir);
  log.info(`wrote ${files.length} traces and manifest.json to ${path.relative(projectRoot, outDir)}`);
}

/** The findings of the recordings already on disk, recomputed by today's hole finder. */
async function findingsOnly(): Promise<void> {
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as RecordingManifest;
  for (const rec of manifest.recordings) {
    const trace = tracesFromJaegerFile(JSON.parse(await readFile(path.join(outDir, rec.file), 'utf8')))[0];
    if (!trace) throw new Error(`${rec.file} holds no trace`);
    rec.findings = analyzeTrace(trace);
    console.log(`${rec.id}: ${rec.findings.map((f) => f.title).join(' | ') || 'no findings'}`);
  }
  await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}

(process.argv.includes('--findings-only') ? findingsOnly() : record()).catch((e: unknown) => {
  console.error(`record failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
