// The bytes of the latest big trace answers, kept so the next request for the same trace (same spans, same options) is a plain byte stream: no rendering, no gate.
import type { Response } from 'express';
import { drained } from './jsonStream.ts';
import type { TraceRecord } from './traceStore.ts';

interface Entry {
  spans: number;
  parts: Buffer[];
  bytes: number;
}

/** What records one answer as it is written: `add` each piece of text sent, `done` once it was all sent; `release` in any case after. */
export interface AnswerRecorder {
  add(text: string): void;
  done(): void;
  release(): void;
}

const NOT_RECORDING: AnswerRecorder = { add() {}, done() {}, release() {} };

export class AnswerCache {
  private readonly entries = new Map<string, Entry>();
  /** Answers being recorded; those rendered ahead (nobody waiting on the wire) with a promise a request can wait on. */
  private readonly recording = new Map<string, { ahead: Promise<void> | null; finished: () => void }>();
  private held = 0;

  /** `maxBytes` bounds the answers kept (default 128 MiB: one answer of 300k spans, or three of 100k), oldest use dropped first. */
  constructor(private readonly maxBytes = 128 * 1024 * 1024) {}

  /** The answer's bytes when the trace has not grown since they were made. */
  get(trace: TraceRecord, variant: string): Entry | undefined {
    const key = `${trace.key}\u0000${variant}`;
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.spans !== trace.spans.length) {
      this.drop(key, e);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, e);
    return e;
  }

  /**
   * Records the answer being written, unless the same one is already being recorded; kept only if it fits.
   * `ahead`: rendered before anyone asked, so a request for it may wait (whenRenderedAhead) instead of rendering it too.
   */
  recorder(trace: TraceRecord, variant: string, ahead = false): AnswerRecorder {
    const key = `${trace.key}\u0000${variant}`;
    if (this.recording.has(key)) return NOT_RECORDING;
    let finished = () => {};
    const promise = ahead ? new Promise<void>((resolve) => (finished = resolve)) : null;
    this.recording.set(key, { ahead: promise, finished });
    const spans = trace.spans.length;
    let parts: Buffer[] | null = [];
    let open = true;
    const close = () => {
      if (open) this.recording.delete(key);
      open = false;
      finished();
    };
    let bytes = 0;
    return {
      add: (text) => {
        if (!parts) return;
        const b = Buffer.from(text, 'utf8');
        bytes += b.length;
        if (bytes > this.maxBytes) parts = null;
        else parts.push(b);
      },
      release: close,
      done: () => {
        if (!open || !parts) return close();
        close();
        const old = this.entries.get(key);
        if (old) this.drop(key, old);
        this.entries.set(key, { spans, parts, bytes });
        this.held += bytes;
        for (const [k, e] of this.entries) {
          if (this.held <= this.maxBytes) break;
          this.drop(k, e);
        }
        parts = null;
      },
    };
  }

  /** Resolves once the answer being rendered ahead for this trace is recorded (or given up); undefined when none is. */
  whenRenderedAhead(trace: TraceRecord, variant: string): Promise<void> | undefined {
    return this.recording.get(`${trace.key}\u0000${variant}`)?.ahead ?? undefined;
  }

  private drop(key: string, e: Entry): void {
    this.entries.delete(key);
    this.held -= e.bytes;
  }
}

/** Sends kept answer bytes with their length, paced by the client. */
export async function sendKept(res: Response, kept: Entry): Promise<void> {
  res.status(200).type('application/json').set('Content-Length', String(kept.bytes));
  for (const part of kept.parts) {
    if (res.destroyed) return;
    if (!res.write(part)) await drained(res);
  }
  res.end();
}
