// One big answer being rendered, shared: its bytes so far, sent to every request for it at each request's own pace, so four GETs of a 100k-span trace cost one rendering.
import type { Response } from 'express';
import { drained } from './jsonStream.ts';

/** How far (in 64 KiB parts) the slowest reader may lag before the renderer waits, once the parts are no longer all kept. */
const LAG_PARTS = 4;

interface Reader {
  /** Index of the next part this reader sends. */
  at: number;
}

export type LiveState = 'rendering' | 'done' | 'failed';

/**
 * The parts of an answer as it is rendered. While the whole answer fits its byte bound every part is kept
 * (it becomes the kept answer), readers join at any time and the renderer never waits for them. Past the
 * bound, parts every reader has sent are freed, nobody new may join, and the renderer waits for the slowest
 * reader (backpressure), so memory stays a few parts a reader.
 */
export class LiveAnswer {
  private readonly parts: (Buffer | undefined)[] = [];
  private readonly readers = new Set<Reader>();
  private wakeReaders: (() => void)[] = [];
  private wakeRenderer: (() => void) | undefined;
  bytes = 0;
  /** Every part so far is still held (the answer may be kept whole). */
  keeping = true;
  state: LiveState = 'rendering';

  constructor(
    /** Spans of the trace when rendering began: a later request for a grown trace does not join. */
    readonly spans: number,
    /** Rendered before anyone asked: worth finishing with no reader. */
    readonly ahead: boolean,
    private readonly maxBytes: number,
  ) {}

  /** A reader has come (the request that started the rendering comes a moment after it). */
  private read = false;

  /** The renderer still has someone to render for. */
  get wanted(): boolean {
    return this.state === 'rendering' && (this.readers.size > 0 || !this.read || (this.ahead && this.keeping));
  }

  /** A new request can be sent the whole answer from its first byte. */
  get joinable(): boolean {
    return this.state !== 'failed' && this.keeping;
  }

  /** The parts in order, once the answer is done and was kept whole. */
  keptParts(): Buffer[] | undefined {
    return this.state === 'done' && this.keeping ? (this.parts as Buffer[]) : undefined;
  }

  /** Adds a rendered part; false when the renderer should wait (readersCaughtUp) before the next. */
  push(part: Buffer): boolean {
    this.parts.push(part);
    this.bytes += part.length;
    if (this.keeping && this.bytes > this.maxBytes) this.keeping = false;
    this.trim();
    this.wake();
    return this.keeping || this.lag() <= LAG_PARTS;
  }

  finish(state: 'done' | 'failed'): void {
    if (this.state !== 'rendering') return;
    this.state = state;
    this.wake();
  }

  /** Resolves when the slowest reader is close enough behind (or gone). */
  readersCaughtUp(): Promise<void> {
    if (this.keeping || this.lag() <= LAG_PARTS) return Promise.resolve();
    return new Promise((resolve) => (this.wakeRenderer = resolve));
  }

  /**
   * Sends the answer to `res` from its first byte as it is rendered, paced by the client; `failed` answers the
   * request when the rendering fails before anything was sent (after that the stream is cut).
   */
  async send(res: Response, failed: (res: Response) => void): Promise<void> {
    const reader: Reader = { at: 0 };
    this.readers.add(reader);
    this.read = true;
    let closed = false;
    const leave = () => {
      closed = true;
      this.wake();
    };
    res.once('close', leave);
    try {
      for (;;) {
        while (reader.at < this.parts.length) {
          const part = this.parts[reader.at]!;
          if (!res.headersSent) res.status(200).type('application/json');
          reader.at++;
          this.trim();
          this.wakeRenderer?.();
          if (!res.write(part)) await drained(res);
          if (closed || res.destroyed) return;
        }
        if (this.state === 'done') {
          if (!res.headersSent) res.status(200).type('application/json');
          res.end();
          return;
        }
        if (this.state === 'failed') {
          if (res.headersSent) res.destroy();
          else failed(res);
          return;
        }
        await new Promise<void>((resolve) => this.wakeReaders.push(resolve));
        if (closed || res.destroyed) return;
      }
    } finally {
      res.off('close', leave);
      this.readers.delete(reader);
      this.trim();
      this.wake();
    }
  }

  /** The first part some reader has still to send (all of them sent: the end). */
  private slowestAt(): number {
    let slowest = this.parts.length;
    for (const r of this.readers) if (r.at < slowest) slowest = r.at;
    return slowest;
  }

  private lag(): number {
    return this.parts.length - this.slowestAt();
  }

  /** Frees the parts every reader has sent, once the answer is not kept whole. */
  private trim(): void {
    if (this.keeping) return;
    for (let i = this.slowestAt() - 1; i >= 0 && this.parts[i] !== undefined; i--) this.parts[i] = undefined;
  }

  private wake(): void {
    const waiting = this.wakeReaders;
    this.wakeReaders = [];
    for (const w of waiting) w();
    const renderer = this.wakeRenderer;
    this.wakeRenderer = undefined;
    renderer?.();
  }
}
