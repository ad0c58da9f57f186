// `npm run analyze -- <file>... [--format text|json|sarif] [--fail-on kinds|any] [--min-cost ms] [--ack file]`, `--diff before after`, `--aggregate [--slow op]`: the hole finder on trace files (Jaeger, OTLP or Zipkin JSON).
import { readFileSync } from 'node:fs';
import {
  aggregateFindings,
  analyzeTraces,
  compareSlowTraces,
  diffTraces,
  failing,
  parseAcknowledgements,
  parseKinds,
  toSarif,
  TraceInputError,
  tracesFromText,
  type GateOptions,
} from '../analysis/index.ts';
import type { Finding, FindingsResponse, JaegerTrace, TraceFindings } from '../model/index.ts';

const USAGE =
  'usage: npm run analyze -- <file.json>... [--format text|json|sarif] [--fail-on <kind,…|any>] [--min-cost <ms>] [--ack <file>] [--aggregate [--slow <operation>]] | --diff <before.json> <after.json>';

class InputError extends Error {}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

function readTraces(file: string): JaegerTrace[] {
  try {
    return tracesFromText(readText(file)).traces;
  } catch (e) {
    if (e instanceof TraceInputError) throw new InputError(`${file}: ${e.message}`);
    throw e;
  }
}

function findingLines(f: Finding, k: number, ack: string | undefined): string[] {
  const out = [`  ${k + 1}. [${f.kind}] ${f.title}${ack !== undefined ? ` (acknowledged${ack ? `: ${ack}` : ''})` : ''}`];
  out.push(`     where: ${f.service}: ${f.operation} · spans ${f.spanIDs.slice(0, 6).join(', ')}${f.spanIDs.length > 6 ? ', …' : ''}`);
  for (const e of f.evidence) out.push(`     - ${e}`);
  out.push(`     fix: ${f.fix}`);
  out.push(`     fingerprint: ${f.fingerprint}`);
  return out;
}

interface Options extends GateOptions {
  format: 'text' | 'json' | 'sarif';
  files: string[];
  diff: boolean;
  aggregate: boolean;
  slow?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { format: 'text', files: [], diff: false, aggregate: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new InputError(`${a} needs a value (${USAGE})`);
      return v;
    };
    if (a === '--json') o.format = 'json';
    else if (a === '--format') {
      const f = value();
      if (f !== 'text' && f !== 'json' && f !== 'sarif')
        throw new InputError(`--format: expected text, json or sarif, got ${JSON.stringify(f)}`);
      o.format = f;
    } else if (a === '--fail-on') {
      try {
        o.failOn = parseKinds(value());
      } catch (e) {
        throw new InputError((e as Error).message);
      }
    } else if (a === '--min-cost') {
      const v = value();
      const ms = Number(v);
      if (v.trim() === '' || !Number.isFinite(ms) || ms < 0)
        throw new InputError(`--min-cost: expected a number of ms, got ${JSON.stringify(v)}`);
      o.minCostMs = ms;
    } else if (a === '--ack') {
      const file = value();
      try {
        o.acknowledged = parseAcknowledgements(readText(file));
      } catch (e) {
        throw new InputError(`${file}: ${(e as Error).message}`);
      }
    } else if (a === '--diff') o.diff = true;
    else if (a === '--aggregate') o.aggregate = true;
    else if (a === '--slow') o.slow = value();
    else if (a.startsWith('--')) throw new InputError(`unknown option ${a} (${USAGE})`);
    else o.files.push(a);
  }
  if (o.files.length === 0) throw new InputError(USAGE);
  if (o.diff && o.files.length !== 2) throw new InputError(`--diff takes two files, before and after (${USAGE})`);
  if (o.slow !== undefined) o.aggregate = true;
  return o;
}

function main(argv: string[]): number {
  const o = parseArgs(argv);
  if (o.diff) {
    const [before, after] = o.files.map((f) => {
      const traces = readTraces(f);
      if (traces.length !== 1) throw new InputError(`${f}: --diff compares one trace with one trace; this file holds ${traces.length}`);
      return traces[0]!;
    });
    const d = diffTraces(before!, after!);
    process.stdout.write(o.format === 'json' ? `${JSON.stringify(d, null, 2)}\n` : `${d.lines.join('\n')}\n`);
    return 0;
  }
  const perTrace: (TraceFindings & { artifact: number; spans: number })[] = [];
  o.files.forEach((file, artifact) => {
    const traces = readTraces(file);
    for (const [i, r] of analyzeTraces(traces).entries()) perTrace.push({ ...r, artifact, spans: traces[i]!.spans.length });
  });
  const all = perTrace.flatMap((t) => t.findings);
  const failed = failing(all, o);

  if (o.aggregate) {
    const groups = aggregateFindings(perTrace);
    const slow = o.slow !== undefined ? compareSlowTraces(o.files.flatMap(readTraces), o.slow) : undefined;
    if (o.format === 'json') process.stdout.write(`${JSON.stringify({ data: groups, ofTraces: perTrace.length, slow }, null, 2)}\n`);
    else {
      const lines = [`${perTrace.length} traces, ${groups.length} distinct ${groups.length === 1 ? 'hole' : 'holes'}`];
      for (const g of groups)
        lines.push(`  ${g.title} · p50 ${g.costPercentilesMs.p50} ms, p90 ${g.costPercentilesMs.p90} ms · ${g.fingerprint}`);
      if (slow) lines.push('', ...slow.lines);
      process.stdout.write(`${lines.join('\n')}\n`);
    }
  } else if (o.format === 'sarif') {
    process.stdout.write(`${JSON.stringify(toSarif({ artifacts: o.files, perTrace, acknowledged: o.acknowledged }), null, 2)}\n`);
  } else if (o.format === 'json') {
    const response: FindingsResponse = { data: perTrace.map(({ traceID, findings }) => ({ traceID, findings })) };
    process.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
  } else {
    const text = perTrace.map((r) => {
      const head = `${o.files[r.artifact]} · trace ${r.traceID} (${r.spans} spans): ${r.findings.length === 0 ? 'no holes found' : `${r.findings.length} ${r.findings.length === 1 ? 'hole' : 'holes'}`}`;
      return [head, ...r.findings.flatMap((f, k) => findingLines(f, k, o.acknowledged?.get(f.fingerprint)))].join('\n');
    });
    process.stdout.write(`${text.join('\n\n')}\n`);
  }
  if (failed.length > 0) {
    const kinds = [...new Set(failed.map((f) => f.kind))].join(', ');
    process.stderr.write(
      `analyze: ${failed.length} ${failed.length === 1 ? 'finding fails' : 'findings fail'} the build (${kinds}); acknowledge a known one by its fingerprint in --ack\n`,
    );
    return 1;
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof InputError)) throw e;
  process.stderr.write(`analyze: ${e.message.replace(/\s+/g, ' ')}\n`);
  process.exitCode = 2;
}
