// `npm start` is one process tree that stops whole on SIGTERM or SIGINT, and a server out of file descriptors keeps answering and recovers.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { call, openIdleSocket, type IdleSocket } from '../../scripts/wire.ts';
import { waitFor } from '../../devkit/waitFor.ts';

/** A built-looking deck newer than every source, so `npm start` does not build one (that is the deck tests' job). */
function freshDist(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pph-dist-'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><html><head></head><body>deck</body></html>');
  return dir;
}

const baseEnv = (dist: string): NodeJS.ProcessEnv => ({
  ...process.env,
  PORT: '0',
  HOST: '127.0.0.1',
  COLLECTOR_UDP_COMPACT_PORT: '0',
  COLLECTOR_UDP_BINARY_PORT: '0',
  COLLECTOR_HTTP_PORT: '0',
  COLLECTOR_OTLP_HTTP_PORT: '0',
  PRESENTER_TOKEN: 'tree-token',
  DIST_DIR: dist,
  LOG_LEVEL: 'warn',
});

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const list = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (list) out.push(...list.split(' ').map(Number));
    }
  } catch {
    // Gone already.
  }
  return out;
}

function tree(root: number): number[] {
  const all = [root];
  for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]!));
  return all;
}

const alive = (pid: number) => {
  try {
    // Zombies are dead for our purpose: they hold no port and do no work.
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** Resolves with the server's URL once the printed banner names it. */
function serverUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /Viewer:\s+(http:\/\/[^/\s]+)\//.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before listening: ${out.slice(-500)}`)));
  });
}

test('SIGTERM to the process `npm start` started stops the server and every mesh service: no orphans', { timeout: 120_000 }, async () => {
  const dist = freshDist();
  const npm = spawn('npm', ['start', '--silent'], { env: baseEnv(dist), stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    await serverUrl(npm);
    const started = childrenOf(npm.pid!);
    assert.equal(started.length, 1, 'npm starts one process');
    const server = started[0]!;
    // The process npm started is the server itself (node --import tsx), not a wrapper around it.
    assert.match(readFileSync(`/proc/${server}/cmdline`, 'utf8').replace(/\0/g, ' '), /^(\S*\/)?node --import tsx server\/main\.ts/);
    // The mesh is up before the banner prints: the server and its six services (and tsx's esbuild helpers).
    const everyone = tree(server);
    assert.ok(everyone.length >= 7, `the server and its six services: ${everyone.length} processes`);

    process.kill(server, 'SIGTERM');
    await waitFor('every process of the tree to end', () => everyone.every((pid) => !alive(pid)), { timeoutMs: 20_000 });
    await waitFor('npm to exit', () => npm.exitCode !== null || npm.signalCode !== null, { timeoutMs: 5000 });
  } finally {
    if (npm.exitCode === null) npm.kill('SIGKILL');
    rmSync(dist, { recursive: true, force: true });
  }
});

test('with 256 file descriptors, 600 idle connections from 20 devices neither crash the server nor lock the presenter out; SIGINT then stops it', {
  timeout: 60_000,
}, async () => {
  const dist = freshDist();
  const child = spawn('bash', ['-c', 'ulimit -n 256 && exec node --import tsx server/main.ts'], {
    env: { ...baseEnv(dist), MESH: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const sockets: IdleSocket[] = [];
  try {
    const url = new URL(await serverUrl(child));
    const port = Number(url.port);
    for (let d = 0; d < 20; d++) {
      const from = `127.0.1.${d + 1}`;
      sockets.push(...(await Promise.all(Array.from({ length: 30 }, () => openIdleSocket(port, '127.0.0.1', '', from)))));
    }
    // The presenter's machine still gets answers while the room holds every slot it may have.
    for (let i = 0; i < 5; i++) assert.equal((await call(new URL('/healthz', url), { timeoutMs: 5000 })).status, 200);
    const refused = sockets.filter((s) => s.closedByServer).length;
    assert.ok(refused >= 500, `connections past the cap below the fd limit are dropped (${refused} of 600)`);
    assert.equal(child.exitCode, null, `still running; stderr: ${stderr.slice(-400)}`);

    // When the room lets go, a new device gets in again.
    for (const s of sockets) s.close();
    await waitFor(
      'a new device to be served',
      async () =>
        (await call(new URL('/healthz', url), { timeoutMs: 3000, localAddress: '127.0.1.99' }).catch(() => undefined))?.status === 200,
      {
        timeoutMs: 10_000,
      },
    );
    assert.doesNotMatch(stderr, /EMFILE.*\n.*at |uncaught/i);

    const everyone = tree(child.pid!);
    child.kill('SIGINT');
    await waitFor('the server to stop on SIGINT', () => everyone.every((pid) => !alive(pid)), { timeoutMs: 15_000 });
  } finally {
    for (const s of sockets) s.close();
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dist, { recursive: true, force: true });
  }
});
