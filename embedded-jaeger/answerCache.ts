// Big trace answers: rendered once for every request that wants the same one at the same time, and their bytes kept so the next request (same spans, same options) is a plain byte stream: no rendering, no gate.
import type { Response } from 'express';
import { drained, type StreamPacing, writePieces } from './jsonStream.ts';
import { LiveAnswer } from './liveAnswer.ts';
import type { TraceRecord } from './traceStore.ts';

interface Entry {
  spans: number;
  parts: Buffer[];
  bytes: number;
}

/** Big answers since start: renderings begun and ended, and requests sent a rendering under way or kept bytes (tests and the bench read them). */
export const answerStats = { rendered: 0, ended: 0, joined: 0, kept: 0 };

export class AnswerCache {
  private readonly entries = new Map<string, Entry>();
  /** Answers being rendered now, which a request for the same answer joins instead of rendering it again. */
  private readonly rendering = new Map<string, LiveAnswer>();
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

  /** The same answer being rendered now, for the trace as it is, which a new request can be sent whole. */
  live(trace: TraceRecord, variant: string): LiveAnswer | undefined {
    const a = this.rendering.get(`${trace.key}\u0000${variant}`);
    return a?.joinable && a.spans === trace.spans.length ? a : undefined;
  }

  /**
   * Renders `pieces` (the answer for `trace` as it is now) into a shared answer, in slices paced by `pacing`,
   * for as long as someone reads it (or, `ahead`, until it is done); kept once done if it fits. `ended`
   * resolves when the rendering stops, whatever the outcome.
   */
  render(
    trace: TraceRecord,
    variant: string,
    pieces: Iterable<string | undefined>,
    pacing: StreamPacing,
    ahead = false,
  ): { answer: LiveAnswer; ended: Promise<void> } {
    const key = `${trace.key}\u0000${variant}`;
    const answer = new LiveAnswer(trace.spans.length, ahead, this.maxBytes);
    answerStats.rendered++;
    this.rendering.set(key, answer);
    const ended = writePieces(pieces, pacing, {
      write: (text) => answer.push(Buffer.from(text, 'utf8')),
      drained: () => answer.readersCaughtUp(),
      gone: () => !answer.wanted,
      end: (text) => {
        answer.push(Buffer.from(text, 'utf8'));
        answer.finish('done');
      },
    })
      .catch(() => answer.finish('failed'))
      .finally(() => {
        // Left by everyone before the end: nothing more will come.
        answer.finish('failed');
        answerStats.ended++;
        if (this.rendering.get(key) === answer) this.rendering.delete(key);
        const parts = answer.keptParts();
        if (parts) this.keep(key, { spans: answer.spans, parts, bytes: answer.bytes });
      });
    return { answer, ended };
  }

  private keep(key: string, entry: Entry): void {
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    this.entries.set(key, entry);
    this.held += entry.bytes;
    for (const [k, e] of this.entries) {
      if (this.held <= this.maxBytes) break;
      this.drop(k, e);
    }
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
