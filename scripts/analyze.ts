// `npm run analyze -- <file.json>... [--json]`: names the performance holes in Jaeger JSON files, in words or as POST /api/analyze's JSON.
import { readFileSync } from 'node:fs';
import { analyzeTraces } from '../analysis/index.ts';
import { tracesFromJaegerFile, type FindingsResponse, type JaegerTrace, type TraceFindings } from '../model/index.ts';

class InputError extends Error {}

function readTraces(file: string): JaegerTrace[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not JSON (${(e as Error).message.replace(/\s+/g, ' ')})`);
  }
  let traces: JaegerTrace[];
  try {
    traces = tracesFromJaegerFile(json);
  } catch (e) {
    throw new InputError(`${file}: ${(e as Error).message}`);
  }
  if (traces.length === 0) throw new InputError(`${file}: the {"data":[…]} envelope holds no trace`);
  return traces;
}

function inWords(file: string, results: TraceFindings[], spans: number[]): string {
  const out: string[] = [];
  results.forEach((r, i) => {
    out.push(`${file} · trace ${r.traceID} (${spans[i]} spans): ${r.findings.length === 0 ? 'no holes found' : `${r.findings.length} ${r.findings.length === 1 ? 'hole' : 'holes'}`}`);
    r.findings.forEach((f, k) => {
      out.push(`  ${k + 1}. [${f.kind}] ${f.title}`);
      out.push(`     where: ${f.service}: ${f.operation} · spans ${f.spanIDs.slice(0, 6).join(', ')}${f.spanIDs.length > 6 ? ', …' : ''}`);
      for (const e of f.evidence) out.push(`     - ${e}`);
      out.push(`     fix: ${f.fix}`);
    });
  });
  return out.join('\n');
}

function main(argv: string[]): number {
  const json = argv.includes('--json');
  const files = argv.filter((a) => a !== '--json');
  const unknown = files.find((f) => f.startsWith('--'));
  if (unknown) throw new InputError(`unknown option ${unknown} (usage: npm run analyze -- <file.json>... [--json])`);
  if (files.length === 0) throw new InputError('usage: npm run analyze -- <file.json>... [--json]');
  const all: TraceFindings[] = [];
  const text: string[] = [];
  for (const file of files) {
    const traces = readTraces(file);
    const results = analyzeTraces(traces);
    all.push(...results);
    text.push(inWords(file, results, traces.map((t) => t.spans.length)));
  }
  const response: FindingsResponse = { data: all };
  process.stdout.write(json ? `${JSON.stringify(response, null, 2)}\n` : `${text.join('\n\n')}\n`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof InputError)) throw e;
  process.stderr.write(`analyze: ${e.message.replace(/\s+/g, ' ')}\n`);
  process.exitCode = 2;
}
