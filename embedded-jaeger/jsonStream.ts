// JSON answers written as they are made: the same bytes as JSON.stringify, sent in slices with backpressure so a big answer never holds the event loop.
import type { Response } from 'express';

/** An array or object whose members are written one at a time (everything else is stringified whole). */
export class Chunked {
  private constructor(
    readonly items: readonly unknown[] | null,
    readonly entries: Record<string, unknown> | null,
    readonly render: ((item: unknown) => unknown) | null,
    readonly steps: ((item: unknown) => Generator<undefined, unknown[]>) | null = null,
    /** Called once the member is written or given up (what its rendering held can go). */
    readonly release: (() => void) | null = null,
  ) {}

  /** `render` (when given) turns each item into its JSON value only when its turn comes, so the whole answer never exists at once. */
  static array<T>(items: readonly T[], render?: (item: T) => unknown): Chunked {
    return new Chunked(items, null, (render as ((item: unknown) => unknown) | undefined) ?? null);
  }

  /**
   * An array whose items each become zero or more members through a renderer that works in steps (yielding
   * undefined between them), for items too big to render in one go: a stored trace of 100k spans. A member's
   * `release` is called once it is written, or when the writing stops before.
   */
  static steps<T>(items: readonly T[], steps: (item: T) => Generator<undefined, unknown[]>): Chunked {
    return new Chunked(items, null, null, steps as (item: unknown) => Generator<undefined, unknown[]>);
  }

  /** An object holding a Chunked member somewhere below it; `release` as a stepwise renderer's member (see steps). */
  static object(entries: Record<string, unknown>, release?: () => void): Chunked {
    return new Chunked(null, entries, null, null, release ?? null);
  }
}

function leaf(value: unknown, indent: string, pad: string): string {
  const text = JSON.stringify(value, null, indent);
  if (text === undefined) return 'null';
  return indent && pad ? text.replace(/\n/g, `\n${pad}`) : text;
}

/**
 * The text of `value` in pieces; joined they are exactly JSON.stringify(plain, null, indent), where plain is
 * `value` with every Chunked replaced by its array or object. `depth` is how deep `value` sits (for the indent).
 * An undefined piece is only a point where the writer may pause (a stepwise renderer is at work).
 */
export function* jsonPieces(value: unknown, indent: string, depth = 0): Generator<string | undefined> {
  if (!(value instanceof Chunked)) {
    yield leaf(value, indent, indent.repeat(depth));
    return;
  }
  const inner = indent ? `\n${indent.repeat(depth + 1)}` : '';
  const close = indent ? `\n${indent.repeat(depth)}` : '';
  if (value.items) {
    let first = true;
    for (const item of value.items) {
      const members = value.steps ? yield* value.steps(item) : [value.render ? value.render(item) : item];
      try {
        for (const v of members) {
          yield `${first ? '[' : ','}${inner}`;
          first = false;
          // As JSON.stringify: an array member that has no JSON form is written null.
          if (v === undefined || typeof v === 'function' || typeof v === 'symbol') yield 'null';
          else yield* jsonPieces(v, indent, depth + 1);
        }
      } finally {
        for (const v of members) if (v instanceof Chunked) v.release?.();
      }
    }
    yield first ? '[]' : `${close}]`;
    return;
  }
  let first = true;
  for (const [key, v] of Object.entries(value.entries!)) {
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    yield `${first ? '{' : ','}${inner}${JSON.stringify(key)}${indent ? ': ' : ':'}`;
    first = false;
    yield* jsonPieces(v, indent, depth + 1);
  }
  yield first ? '{}' : `${close}}`;
}

/** Text gathered before one write: big enough that a write is worth its cost, small enough that little waits in memory. */
const WRITE_BYTES = 64 * 1024;

export interface StreamPacing {
  /** Work between two pauses, in ms. */
  sliceMs: number;
  /** Notes how long the slice that began at `start` ran, then yields to the event loop. */
  pause(start: number): Promise<void>;
}

function gone(res: Response): boolean {
  return res.destroyed || res.writableEnded || !res.socket || res.socket.destroyed;
}

/** Resolves when the socket wants more, or when it is gone. */
export function drained(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/** Where pieces go: a response, or a shared answer (liveAnswer.ts) its requests read at their own pace. */
export interface PieceSink {
  /** False when the receiver wants a pause (backpressure). */
  write(text: string): boolean;
  drained(): Promise<void>;
  gone(): boolean;
  end(text: string): void;
}

/** Gathers pieces into 64 KiB writes, pausing every `pacing.sliceMs` and whenever the sink asks to. */
export async function writePieces(pieces: Iterable<string | undefined>, pacing: StreamPacing, sink: PieceSink): Promise<void> {
  let buffered: string[] = [];
  let size = 0;
  let sliceStart = performance.now();
  for (const piece of pieces) {
    if (piece !== undefined) {
      buffered.push(piece);
      size += piece.length;
    }
    if (size >= WRITE_BYTES) {
      const more = sink.write(buffered.join(''));
      buffered = [];
      size = 0;
      if (!more) {
        await pacing.pause(sliceStart);
        await sink.drained();
        sliceStart = performance.now();
      }
    }
    if (performance.now() - sliceStart >= pacing.sliceMs) {
      await pacing.pause(sliceStart);
      sliceStart = performance.now();
    }
    if (sink.gone()) return;
  }
  sink.end(buffered.join(''));
}

/**
 * Sends `pieces` as one JSON answer: written in 64 KiB pieces as they are made, paced by the client (a
 * slow reader makes the writer wait, so it never holds more than a piece or two) and by `pacing.sliceMs`.
 */
export function streamPieces(res: Response, pieces: Iterable<string | undefined>, pacing: StreamPacing): Promise<void> {
  res.status(200).type('application/json');
  return writePieces(pieces, pacing, {
    write: (text) => res.write(text),
    drained: () => (res.writableNeedDrain ? drained(res) : Promise.resolve()),
    gone: () => gone(res),
    end: (text) => res.end(text),
  });
}
