// Runs the jaeger-client emitter in its own Node process and returns what it says it reported.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface EmitterReport {
  finished: number;
  reported: number;
  failed: number;
  errors: string[];
  traces: { traceID: string; spans: number }[];
}

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'clientEmitter.ts');

export function runEmitter(opts: Record<string, unknown>): Promise<EmitterReport> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', script, JSON.stringify(opts)],
      { timeout: 60_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`emitter failed: ${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout) as EmitterReport);
      },
    );
  });
}
