// Traces from outside our mesh: Jaeger's own test traces stay silent, and a library made with a real OpenTelemetry SDK shows each hole once.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { analyzeTrace } from '../../analysis/index.ts';
import { tracesFromJaegerFile, type FindingKind } from '../../model/index.ts';

const fixtures = new URL('../fixtures/', import.meta.url);
const kindsIn = (folder: string, file: string) =>
  tracesFromJaegerFile(JSON.parse(readFileSync(new URL(`${folder}/${file}`, fixtures), 'utf8'))).map((t) =>
    analyzeTrace(t).map((f) => f.kind),
  );

test("the Jaeger project's traces (shared fixtures and Jaeger UI test data) hold no hole", () => {
  for (const folder of ['jaeger-json', 'jaeger-ui']) {
    const files = readdirSync(new URL(folder, fixtures)).filter((f) => f.endsWith('.json'));
    assert.ok(files.length >= 3, folder);
    for (const file of files) for (const kinds of kindsIn(folder, file)) assert.deepEqual(kinds, [], `${folder}/${file}`);
  }
});

test('an OpenTelemetry-instrumented library: each trace is named for its one hole, the two without one for nothing', () => {
  const expected: Record<string, FindingKind[]> = {
    'shelf-n-plus-one.json': ['n-plus-one'],
    'isbn-retries.json': ['retries'],
    'cover-thumbnails.json': ['pool-saturation'],
    'loan-ledger-lock.json': ['lock-contention'],
    'member-profile-repeats.json': ['repeated-work'],
    'home-sequential.json': ['sequential-calls'],
    'home-parallel.json': [],
    'reading-list-chatty.json': ['chatty-calls'],
    'branch-search-fan-out.json': ['fan-out'],
    'book-page-slow-query.json': ['slow-query'],
    'basket-mn-plus-one.json': ['repeated-sequence'],
    'checkout-error-no-retry.json': [],
  };
  const files = readdirSync(new URL('otel-library', fixtures)).filter((f) => f.endsWith('.json'));
  assert.deepEqual(files.sort(), Object.keys(expected).sort());
  for (const [file, kinds] of Object.entries(expected)) assert.deepEqual(kindsIn('otel-library', file), [kinds], file);
});

test('renaming every service and every word of every operation changes no finding: detection rests on structure and standard tags', () => {
  for (const file of readdirSync(new URL('../../slides/recordings/traces/', import.meta.url)).filter((f) => f.endsWith('.json'))) {
    const trace = tracesFromJaegerFile(
      JSON.parse(readFileSync(new URL(`../../slides/recordings/traces/${file}`, import.meta.url), 'utf8')),
    )[0]!;
    const names = new Map<string, string>();
    const token = (s: string) => names.get(s) ?? (names.set(s, `w${names.size}q`), `w${names.size - 1}q`);
    // Protocol verbs in capitals (GET, POST, SELECT…) are the standard's words, not ours: they stay.
    const renameOp = (op: string) =>
      op.replace(/[A-Za-z][a-z]*|[A-Z]+(?![a-z])/g, (w) => (/^[A-Z]{3,}$/.test(w) ? w : token(w.toLowerCase())));
    const renamed = {
      ...trace,
      spans: trace.spans.map((s) => ({ ...s, operationName: renameOp(s.operationName) })),
      processes: Object.fromEntries(
        Object.entries(trace.processes).map(([k, p]) => [k, { ...p, serviceName: token(`service ${p.serviceName}`) }]),
      ),
    };
    const plain = analyzeTrace(trace);
    assert.ok(file.includes('after') || file.includes('plugged') || plain.length > 0, `${file} has findings to compare`);
    assert.deepEqual(
      analyzeTrace(renamed).map((f) => [f.kind, f.costMs]),
      plain.map((f) => [f.kind, f.costMs]),
      file,
    );
  }
});
