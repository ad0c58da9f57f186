// No orphans: a failed start stops every child it spawned, and children die with a parent that is SIGKILLed.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { createMesh } from '../../demo-app/index.ts';
import { createLog } from '../../pkg/index.ts';
import { waitFor } from '../../devkit/waitFor.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const childPids = (parent: number) =>
  execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(parent)], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([pid, comm]) => pid && comm !== 'ps')
    .map(([pid]) => Number(pid));

test('a start that fails stops every service it spawned and says why', async () => {
  const before = childPids(process.pid);
  // A misconfigured sampler makes jaeger-client refuse to start in every service.
  const mesh = createMesh({
    collectorEndpoint: 'http://127.0.0.1:9/api/traces',
    seed: 1,
    log: createLog('test', 'silent'),
    env: { JAEGER_SAMPLER_PARAM: 'not-a-number' },
  });
  await assert.rejects(mesh.start(), /mesh service \w+ failed to start: exited with code 1: Expecting sampler\.param to be a number/);
  assert.ok(mesh.services().every((s) => s.state === 'stopped'));
  await waitFor('no child processes left', () => childPids(process.pid).filter((p) => !before.includes(p)).length === 0);
});

test('services exit by themselves when their supervisor is SIGKILLed', async () => {
  const parent = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./support/meshParent.ts', import.meta.url))], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: parent.stdout! }).once('line', resolve);
      parent.once('exit', (code) => reject(new Error(`parent exited early with ${code}`)));
    });
    const pids = JSON.parse(line) as number[];
    assert.equal(pids.length, 6);
    assert.ok(pids.every(alive));
    parent.kill('SIGKILL');
    await waitFor('every service to exit', () => pids.every((p) => !alive(p)), { timeoutMs: 10_000 });
  } finally {
    parent.kill('SIGKILL');
  }
});
