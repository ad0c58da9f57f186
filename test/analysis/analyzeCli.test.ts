// `npm run analyze`: findings in words, JSON or SARIF from any trace format; the CI gate's exit codes, acknowledgements, the diff; bad input is one line and exit code 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { tracesFromJaegerFile, type FindingsResponse, type TraceDiff } from '../../model/index.ts';
import { toOtlpJson, toZipkinJson } from './support/otherFormats.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/analyze.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
const recording = 'slides/recordings/traces/flaky-dependency-before.json';

test("prints each trace's findings in words, and --json the API's answer", () => {
  const words = run(recording, 'test/fixtures/jaeger-json/overlapping-children-3-spans.json');
  assert.equal(words.status, 0, words.stderr);
  assert.match(words.stdout, /\[retries\] 2 failed calls to payments retried by storefront: \d+ ms, \d+% of the request/);
  assert.match(words.stdout, /overlapping-children-3-spans\.json · trace \w+ \(3 spans\): no holes found/);
  const json = run('--json', recording);
  assert.equal(json.status, 0, json.stderr);
  const body = JSON.parse(json.stdout) as FindingsResponse;
  assert.equal(body.data.length, 1);
  assert.equal(body.data[0]!.findings[0]!.kind, 'retries');
});

test('not JSON, not a trace, a missing file: one line on stderr, exit code 2', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'analyze-'));
  writeFileSync(path.join(dir, 'bad.json'), '{"data": [');
  writeFileSync(path.join(dir, 'other.json'), '{"name": "not a trace"}');
  for (const [file, reason] of [
    ['bad.json', /not JSON/],
    ['other.json', /not a trace: expected Jaeger JSON/],
    ['missing.json', /cannot read/],
  ] as const) {
    const r = run(path.join(dir, file));
    assert.equal(r.status, 2, `${file}: exit ${r.status}`);
    assert.match(r.stderr, reason);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
  }
});

const dir = mkdtempSync(path.join(tmpdir(), 'analyze-ci-'));
const retries = 'test/fixtures/otel-library/isbn-retries.json';
const plain = 'test/fixtures/otel-library/home-parallel.json';
const retriesFinding = () => (JSON.parse(run('--json', retries).stdout) as FindingsResponse).data[0]!.findings[0]!;

test('an OTLP JSON file and a Zipkin v2 file read like the Jaeger file they came from', () => {
  const trace = tracesFromJaegerFile(JSON.parse(readFileSync(path.join(root, retries), 'utf8')))[0]!;
  writeFileSync(path.join(dir, 'otlp.json'), JSON.stringify(toOtlpJson(trace)));
  writeFileSync(path.join(dir, 'zipkin.json'), JSON.stringify(toZipkinJson(trace)));
  const want = run('--json', retries);
  for (const file of ['otlp.json', 'zipkin.json']) {
    const got = run('--json', path.join(dir, file));
    assert.equal(got.status, 0, got.stderr);
    assert.deepEqual(JSON.parse(got.stdout), JSON.parse(want.stdout), file);
  }
});

test('--format sarif validates against the SARIF 2.1.0 schema: a rule per kind, a result per finding with its place, spans and cost', () => {
  const r = run('--format', 'sarif', retries, plain, recording);
  assert.equal(r.status, 0, r.stderr);
  const sarif = JSON.parse(r.stdout);
  const schema = JSON.parse(readFileSync(path.join(root, 'test/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));
  // ajv-draft-04 is CommonJS: its class is the module's default export, or that export's own default.
  const AjvClass = (Ajv as unknown as { default?: typeof Ajv }).default ?? Ajv;
  const ajv = new AjvClass({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  assert.ok(validate(JSON.parse(r.stdout)), JSON.stringify(validate.errors?.slice(0, 3)));
  const run0 = sarif.runs[0];
  assert.ok(run0.tool.driver.rules.some((rule: { id: string }) => rule.id === 'retries'));
  assert.equal(run0.results.length, 2);
  const result = run0.results[0];
  assert.equal(result.ruleId, 'retries');
  assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, retries);
  assert.equal(result.properties.service, 'catalog');
  assert.ok(result.properties.spanIDs.length >= 2 && result.properties.costMs > 100, JSON.stringify(result.properties));
  assert.match(result.partialFingerprints['holeFinder/v1'], /^retries:[0-9a-f]{16}$/);
  // The second file has no finding: it is an artifact without results.
  assert.equal(run0.artifacts.length, 3);
});

test('--fail-on and --min-cost: exit 1 when a finding passes both, 0 otherwise; an unknown kind is exit 2', () => {
  const cost = retriesFinding().costMs;
  const cases: [string[], number][] = [
    [[retries], 0],
    [['--fail-on', 'any', retries], 1],
    [['--fail-on', 'retries', retries], 1],
    [['--fail-on', 'n-plus-one,lock-contention', retries], 0],
    [['--fail-on', 'any', plain], 0],
    [['--min-cost', String(cost), retries], 1],
    [['--min-cost', String(cost + 0.1), retries], 0],
    [['--fail-on', 'retries', '--min-cost', String(cost + 50), retries], 0],
    [['--fail-on', 'nonsense', retries], 2],
    [['--min-cost', 'soon', retries], 2],
  ];
  for (const [args, status] of cases) {
    const r = run(...args);
    assert.equal(r.status, status, `${args.join(' ')}: exit ${r.status} ${r.stderr}`);
    if (status === 1) assert.match(r.stderr, /1 finding fails the build \(retries\)/);
    if (status === 2) assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});

test('an acknowledged fingerprint no longer fails the build and shows as suppressed in SARIF', () => {
  const f = retriesFinding();
  const ack = path.join(dir, 'holes.ack');
  writeFileSync(ack, `# known holes\n${f.fingerprint}  registry stalls, ticket LIB-7\n`);
  const gated = run('--fail-on', 'any', '--ack', ack, retries);
  assert.equal(gated.status, 0, gated.stderr);
  assert.match(gated.stdout, /\(acknowledged: registry stalls, ticket LIB-7\)/);
  const sarif = JSON.parse(run('--format', 'sarif', '--ack', ack, retries).stdout);
  assert.equal(sarif.runs[0].results[0].suppressions[0].justification, 'registry stalls, ticket LIB-7');
  writeFileSync(ack, 'retries-but-no-hash\n');
  const bad = run('--fail-on', 'any', '--ack', ack, retries);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /acknowledgements line 1/);
});

test('--diff of a recorded before/after pair names the gone finding and puts >= 90% of the change on critical-path steps', () => {
  for (const hole of ['flaky-dependency', 'n-plus-one', 'worker-pool', 'missing-cache', 'lock-contention']) {
    const r = run('--diff', '--json', `slides/recordings/traces/${hole}-before.json`, `slides/recordings/traces/${hole}-after.json`);
    assert.equal(r.status, 0, r.stderr);
    const d = JSON.parse(r.stdout) as TraceDiff;
    assert.ok(d.changeMs < 0, `${hole}: ${d.changeMs} ms`);
    assert.ok(d.gone.length >= 1, `${hole}: a finding gone`);
    assert.ok(d.explainedShare >= 0.9 && d.explainedShare <= 1.1, `${hole}: ${d.explainedShare} explained`);
    assert.match(d.headline, /^\u2212\d+ ms: .* gone/);
    console.log(`${hole}: ${d.headline}; ${Math.round(d.explainedShare * 100)}% explained by ${d.changes.length} steps`);
  }
  const words = run(
    '--diff',
    'slides/recordings/traces/flaky-dependency-before.json',
    'slides/recordings/traces/flaky-dependency-after.json',
  );
  assert.match(words.stdout, /payments POST \/charge ×3 → ×1/);
});

test('--aggregate over many files: each hole once with its count, share and percentiles; --slow names what the slow traces share', () => {
  const files = [
    'n-plus-one-before',
    'n-plus-one-after',
    'flaky-dependency-before',
    'flaky-dependency-after',
    'all-open',
    'all-plugged',
  ].map((f) => `slides/recordings/traces/${f}.json`);
  const r = run('--aggregate', '--json', '--slow', 'POST /order', ...files);
  assert.equal(r.status, 0, r.stderr);
  const body = JSON.parse(r.stdout) as {
    data: { fingerprint: string; traces: number; ofTraces: number; shareOfTraces: number; costPercentilesMs: { p90: number } }[];
    ofTraces: number;
    slow: { slow: number; factors: { what: string }[] };
  };
  assert.equal(body.ofTraces, 6);
  assert.equal(new Set(body.data.map((a) => a.fingerprint)).size, body.data.length);
  // The retries in flaky-dependency-before and in all-open are one hole.
  const retries = body.data.filter((a) => a.fingerprint.startsWith('retries:'));
  assert.equal(retries.length, 1);
  assert.deepEqual([retries[0]!.traces, retries[0]!.shareOfTraces], [2, 0.333]);
  assert.ok(body.slow.slow >= 1 && body.slow.factors.length > 0);
  const words = run('--aggregate', '--slow', 'POST /order', ...files);
  assert.match(words.stdout, /^6 traces, \d+ distinct holes/);
  assert.match(words.stdout, /slow POST \/order \(over .* its p90\)/);
});
