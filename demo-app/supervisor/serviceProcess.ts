// One service's child process: spawned with tsx, port reported over IPC, output forwarded to the mesh log.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Log } from '../../pkg/index.ts';
import type { ServiceMessage } from '../instrumentation/serviceMain.ts';

export interface ServiceProcessOptions {
  name: string;
  entry: string;
  cwd: string;
  env: () => NodeJS.ProcessEnv;
  log: Log;
  onReady(port: number): void;
  onExit(reason: string): void;
}

export function createServiceProcess(opts: ServiceProcessOptions) {
  let child: ChildProcess | undefined;

  const forward = (stream: NodeJS.ReadableStream | null, asError: boolean) => {
    if (!stream) return;
    createInterface({ input: stream }).on('line', (line) => {
      // The child logs "[name] LEVEL: msg"; the mesh log already names the service, so keep level and message only.
      const m = /^\[[^\]]*\] (?:(ERROR|WARN): )?(.*)$/.exec(line);
      const level = m?.[1] ?? (asError ? 'WARN' : '');
      const text = m?.[2] ?? line;
      if (level === 'ERROR') opts.log.error(text);
      else if (level === 'WARN') opts.log.warn(text);
      else opts.log.info(text);
    });
  };

  const exited = (c: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (c.exitCode !== null || c.signalCode !== null) return resolve();
      c.once('exit', () => resolve());
    });

  return {
    get pid() {
      return child?.pid;
    },
    spawn() {
      const c = spawn(process.execPath, ['--import', 'tsx', opts.entry], {
        cwd: opts.cwd,
        env: opts.env(),
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      child = c;
      forward(c.stdout, false);
      forward(c.stderr, true);
      let failure = '';
      c.on('message', (m: ServiceMessage) => {
        if (child !== c) return;
        if (m?.type === 'listening' && typeof m.port === 'number') opts.onReady(m.port);
        if (m?.type === 'failed') failure = `: ${m.reason}`;
      });
      c.on('error', (e) => {
        if (child === c) opts.onExit(`could not start: ${e.message}`);
      });
      c.once('exit', (code, signal) => {
        // Only the current child speaks for the service; an old one dying late is not news.
        if (child === c) opts.onExit(signal ? `killed by ${signal}` : `exited with code ${code}${failure}`);
      });
    },
    /** Immediate and synchronous: for crashes and for the parent's own exit. */
    kill() {
      const c = child;
      child = undefined;
      if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    },
    /** SIGTERM so the service flushes its spans; SIGKILL if it takes too long. */
    async stop(graceMs = 3_000) {
      const c = child;
      child = undefined;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), graceMs);
      await exited(c);
      clearTimeout(timer);
    },
  };
}
export type ServiceProcess = ReturnType<typeof createServiceProcess>;
