// `npm run analyze`: findings in words or as POST /api/analyze's JSON; bad input is one line on stderr and exit code 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FindingsResponse } from '../../model/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/analyze.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
const recording = 'slides/recordings/traces/flaky-dependency-before.json';

test('prints each trace\'s findings in words, and --json the API\'s answer', () => {
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
  for (const [file, reason] of [['bad.json', /not JSON/], ['other.json', /not a Jaeger trace/], ['missing.json', /cannot read/]] as const) {
    const r = run(path.join(dir, file));
    assert.equal(r.status, 2, `${file}: exit ${r.status}`);
    assert.match(r.stderr, reason);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.equal(r.stdout, '');
  }
});
