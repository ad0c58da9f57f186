// Searches and big answers in slices: a public query never holds the event loop for long, never builds its whole reply in memory, and only a few run at once.
import type { Request, Response } from 'express';
import type { JaegerEnvelope } from '../model/index.ts';
import { addressOf, isOwnMachine } from '../pkg/index.ts';
import { prettyIndent } from './queryParams.ts';
import type { TraceQuery, TraceRecord, TraceStore } from './traceStore.ts';

/** Work done between pauses: the rest of the server (the presenter's /healthz, the live stream) runs in between. With 10 ms slices and 2 searches per device the big-search attack gave the presenter healthz p50 153 ms; 5 ms and 1 per device, 84 ms (load average ~18 on 2 cores). */
const SLICE_MS = 5;
/** The most traces one search answers (the Jaeger UI's own largest "Limit Results" choice); larger limits are cut to it. */
const MAX_SEARCH_LIMIT = 1500;

/** The longest stretch of work between two pauses so far (tests and the attack report read it). */
export const sliceStats = { longestMs: 0, slices: 0 };

/** Notes how long the slice that began at `start` ran, then yields to the event loop. */
function pause(start: number): Promise<void> {
  const ran = performance.now() - start;
  sliceStats.slices++;
  if (ran > sliceStats.longestMs) sliceStats.longestMs = ran;
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * The store's search run in slices: the newest matches by trace start, at most q.limit and never more than
 * MAX_SEARCH_LIMIT whatever was asked; undefined when `gone()` says the client left.
 */
export async function searchInSlices(store: TraceStore, q: TraceQuery, gone: () => boolean): Promise<TraceRecord[] | undefined> {
  const hits: TraceRecord[] = [];
  const steps = store.scan(q);
  let sliceStart = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) break;
    if (next.value !== undefined) hits.push(next.value);
    if (performance.now() - sliceStart >= SLICE_MS) {
      await pause(sliceStart);
      if (gone()) return undefined;
      sliceStart = performance.now();
    }
  }
  hits.sort((a, b) => b.startTime - a.startTime);
  return hits.slice(0, Math.min(q.limit, MAX_SEARCH_LIMIT));
}

/** Drives a generator to its return value, pausing every SLICE_MS; undefined when `gone()` says the client left. */
export async function runInSlices<R>(steps: Generator<undefined, R>, gone: () => boolean): Promise<R | undefined> {
  let sliceStart = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - sliceStart >= SLICE_MS) {
      await pause(sliceStart);
      if (gone()) return undefined;
      sliceStart = performance.now();
    }
  }
}

/** Maps `items` with `fn`, pausing every SLICE_MS. */
export async function inSlices<T, R>(items: readonly T[], fn: (item: T) => R): Promise<R[]> {
  const out: R[] = [];
  let sliceStart = performance.now();
  for (const item of items) {
    out.push(fn(item));
    if (performance.now() - sliceStart >= SLICE_MS) {
      await pause(sliceStart);
      sliceStart = performance.now();
    }
  }
  return out;
}

function gone(res: Response): boolean {
  return res.destroyed || res.writableEnded || !res.socket || res.socket.destroyed;
}

/** Resolves when the socket wants more, or when it is gone. */
function drained(res: Response): Promise<void> {
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

/**
 * Writes `shell` (an envelope with an empty `data`) with `items` rendered into its data array one
 * at a time: the bytes are the same as JSON.stringify of the whole envelope, but the reply is
 * sent as it is made, paced by the client (backpressure) and by SLICE_MS (the event loop).
 */
export async function streamEnvelope<T>(req: Request, res: Response, shell: JaegerEnvelope<unknown[]>, items: readonly T[], render: (item: T) => unknown): Promise<void> {
  const indent = prettyIndent(req);
  const text = JSON.stringify({ ...shell, data: [] }, null, indent);
  const marker = indent ? '"data": []' : '"data":[]';
  const at = text.indexOf(marker) + marker.length - 1;
  let head = text.slice(0, at);
  let tail = text.slice(at);
  const sep = indent ? ',\n' : ',';
  if (indent && items.length > 0) {
    head += '\n';
    tail = `\n${indent}${tail}`;
  }
  const pad = indent + indent;

  res.status(200).type('application/json');
  res.write(head);
  let sliceStart = performance.now();
  for (let i = 0; i < items.length; i++) {
    let json = JSON.stringify(render(items[i]!), null, indent);
    if (indent) json = pad + json.replace(/\n/g, `\n${pad}`);
    const more = res.write(i === 0 ? json : sep + json);
    if (!more) {
      await pause(sliceStart);
      if (res.writableNeedDrain) await drained(res);
      sliceStart = performance.now();
    }
    if (performance.now() - sliceStart >= SLICE_MS) {
      await pause(sliceStart);
      sliceStart = performance.now();
    }
    if (gone(res)) return;
  }
  res.end(tail);
}

/**
 * At most `total` heavy answers at once for the room, and at most `perAddress` for one device: a
 * script that opens many searches waits its turn instead of taking every cycle of the presenter's
 * laptop. The server's own machine (the presenter) has its own `total`, so the room cannot use it up.
 */
export class HeavyQueries {
  private readonly running = { room: 0, own: 0 };
  private readonly byAddress = new Map<string, number>();

  constructor(
    private readonly total = 2,
    private readonly perAddress = 1,
    private readonly ownTotal = 4,
  ) {}

  /**
   * Lets the request's device start a heavy answer: a release function, or undefined when it must come back
   * later, after `refuse` has answered 503 with Retry-After in the API's own error shape.
   */
  admit(req: Request, res: Response, refuse: (res: Response, code: number, msg: string) => void): (() => void) | undefined {
    const address = addressOf(req.socket);
    const release = this.tryStart(address, isOwnMachine(address));
    if (release) return release;
    res.set('Retry-After', '2');
    refuse(res, 503, 'too many searches running at once: try again in a moment');
    return undefined;
  }

  private tryStart(address: string, ownMachine: boolean): (() => void) | undefined {
    const pool = ownMachine ? 'own' : 'room';
    const mine = this.byAddress.get(address) ?? 0;
    if (this.running[pool] >= (ownMachine ? this.ownTotal : this.total) || (!ownMachine && mine >= this.perAddress)) return undefined;
    this.running[pool]++;
    this.byAddress.set(address, mine + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.running[pool]--;
      const left = (this.byAddress.get(address) ?? 1) - 1;
      if (left <= 0) this.byAddress.delete(address);
      else this.byAddress.set(address, left);
    };
  }
}
