// Reads a Jaeger JSON file's bytes straight into span columns, without an object per span: the fast path for big files.
// Anything unexpected (bad JSON, odd shapes) makes it give up with ScanGaveUp; the caller then parses the
// file the ordinary way, which either works or names the problem. So this reader only has to be right, not complete.
// Longer than most files here: the envelope's reader, whose helpers are closures over the read position (cold code: the spans, the hot part, are read by spanReader.ts).
import type { JaegerProcess } from '../../model/index.ts';
import type { SpanColumns } from '../model/spanColumns.ts';
import { sameBytes } from './byteColumns.ts';
import { CLOSE_ARR, CLOSE_OBJ, isBlank, OPEN_ARR, OPEN_OBJ, QUOTE, readSpan } from './spanReader.ts';
import { StopAt } from './stopAt.ts';
import { refTargets, ScanGaveUp, SpanRun } from './spanRun.ts';

export { ScanGaveUp };

export interface ScannedTrace {
  columns: SpanColumns;
  /** Byte range [start, end) of each span's object in the file, as pairs. */
  ranges: Float64Array;
}

const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;

const enc = new TextEncoder();
const K = {
  data: enc.encode('data'),
  traceID: enc.encode('traceID'),
  spans: enc.encode('spans'),
  processes: enc.encode('processes'),
};

/** Bytes arriving over time (a download), or all at once (a file). */
export interface ByteFeed {
  /** What has arrived so far. */
  bytes(): Uint8Array;
  complete(): boolean;
  /** Resolves when more bytes have arrived (or the feed is complete). */
  more(): Promise<void>;
  /** Resolves when every byte has arrived. */
  all(): Promise<void>;
}

/** Bytes to have in before reading starts: enough for the envelope and the first spans of any ordinary file. */
const FIRST_BYTES = 64 << 10;

/** Resolves after the tasks already queued (a download's incoming chunks) have run. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(0);
  });
}

/** Thrown when the reader needs bytes that have not arrived yet. */
class OutOfData extends Error {}

export function completeFeed(bytes: Uint8Array): ByteFeed {
  return { bytes: () => bytes, complete: () => true, more: () => Promise.resolve(), all: () => Promise.resolve() };
}

/**
 * Reads the file while it downloads: spans are read as they arrive, each one whole or not at all
 * (a span cut by the end of the bytes so far is read again once more have come). Anything
 * outside the spans lists is read once the file is complete.
 */
export async function scanJaegerFile(feed: ByteFeed): Promise<ScannedTrace[]> {
  // The envelope up to the first span is read in one go: wait for a first helping of bytes, not just the first.
  while (!feed.complete() && feed.bytes().length < FIRST_BYTES) await feed.more();
  try {
    return await scanOnce(feed);
  } catch (e) {
    if (!(e instanceof OutOfData)) throw e;
    // Bytes ran out outside a spans list (a bare trace read twice, an odd key order): start over, complete.
    await feed.all();
    return scanOnce(feed);
  }
}

async function scanOnce(feed: ByteFeed): Promise<ScannedTrace[]> {
  let b = feed.bytes();
  const utf8 = new TextDecoder();
  let p = 0;
  // The key just read: bytes [ks, ke).
  let ks = 0;
  let ke = 0;

  // Typed on the name, not only the arrow, so a call narrows like a throw (`if (c === undefined) fail()`).
  const fail: () => never = () => {
    if (p >= b.length && !feed.complete()) throw new OutOfData();
    throw new ScanGaveUp(`unexpected input at byte ${p}`);
  };
  const ws = () => {
    for (;;) {
      if (isBlank(b[p])) p++;
      else return;
    }
  };
  const skipString = () => {
    p++;
    for (;;) {
      const c = b[p++];
      if (c === QUOTE) return;
      if (c === BACKSLASH) p++;
      else if (c === undefined) fail();
    }
  };
  /** Reads the string at p; escapes and non-ASCII go through the ordinary decoders. */
  const str = (): string => {
    if (b[p] !== QUOTE) fail();
    const s = ++p;
    let high = 0;
    for (;;) {
      const c = b[p];
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        p = s - 1;
        skipString();
        return JSON.parse(utf8.decode(b.subarray(s - 1, p))) as string;
      }
      if (c === undefined) fail();
      high |= c;
      p++;
    }
    const e = p++;
    if (high < 128 && e - s < 256) return String.fromCharCode.apply(null, b.subarray(s, e) as unknown as number[]);
    return utf8.decode(b.subarray(s, e));
  };
  /** Skips any value, containers included, minding strings. */
  const skip = () => {
    ws();
    const c = b[p];
    if (c === QUOTE) return skipString();
    if (c === OPEN_OBJ || c === OPEN_ARR) {
      let depth = 0;
      for (;;) {
        const d = b[p];
        if (d === QUOTE) {
          skipString();
          continue;
        }
        p++;
        if (d === OPEN_OBJ || d === OPEN_ARR) depth++;
        else if (d === CLOSE_OBJ || d === CLOSE_ARR) {
          if (--depth === 0) return;
        } else if (d === undefined) fail();
      }
    }
    const from = p;
    for (;;) {
      const d = b[p];
      if (d === COMMA || d === CLOSE_OBJ || d === CLOSE_ARR || d === undefined || isBlank(d)) break;
      p++;
    }
    if (p === from) fail();
  };
  const is = (k: Uint8Array) => sameBytes(b, ks, ke, k, 0, k.length);
  const open = (c: number): boolean => {
    ws();
    if (b[p] !== c) fail();
    p++;
    ws();
    if (b[p] === c + 2) {
      p++;
      return false;
    }
    return true;
  };
  const key = () => {
    ws();
    if (b[p] !== QUOTE) fail();
    ks = p + 1;
    skipString();
    ke = p - 1;
    ws();
    if (b[p] !== COLON) fail();
    p++;
    ws();
  };
  const more = (close: number): boolean => {
    ws();
    const c = b[p++];
    if (c === COMMA) return true;
    if (c !== close) fail();
    return false;
  };
  const trace = async (): Promise<ScannedTrace | undefined> => {
    let traceID: string | undefined;
    let sawSpans = false;
    const run = new SpanRun();
    let processes: Record<string, JaegerProcess> = {};

    if (open(OPEN_OBJ)) {
      do {
        key();
        if (is(K.traceID)) traceID = b[p] === QUOTE ? str() : (skip(), undefined);
        else if (is(K.spans)) {
          ws();
          if (b[p] !== OPEN_ARR) return void skip();
          sawSpans = true;
          if (open(OPEN_ARR)) {
            for (;;) {
              // Where to come back to if this span is cut short by the end of the bytes so far.
              const at = p;
              const refs = run.refs.n;
              const words = run.search.len;
              let to: number;
              let after: number;
              try {
                while (isBlank(b[p])) p++;
                to = readSpan(b, p, run.sink);
                after = to;
                while (isBlank(b[after])) after++;
                if (b[after] !== COMMA && b[after] !== CLOSE_ARR) throw new StopAt(after);
              } catch (e) {
                if (!(e instanceof StopAt)) throw e;
                if (e.at < b.length || feed.complete()) throw new ScanGaveUp(e.message);
                p = at;
                run.rollBack(refs, words);
                await feed.more();
                b = feed.bytes();
                continue;
              }
              run.keep(b, p, to);
              p = after + 1;
              if (b[after] === CLOSE_ARR) break;
              // While bytes are still coming, let the download move them in now and then, rather than only when
              // this reader has run out: otherwise it holds the download back to its own pace.
              if ((run.count & 511) === 0 && !feed.complete()) {
                await nextTask();
                b = feed.bytes();
              }
            }
          }
          // The rest of the file is small: read it whole.
          if (!feed.complete()) {
            await feed.all();
            b = feed.bytes();
          }
        } else if (is(K.processes)) {
          const from = p;
          skip();
          const parsed = JSON.parse(utf8.decode(b.subarray(from, p))) as unknown;
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) processes = parsed as Record<string, JaegerProcess>;
        } else skip();
      } while (more(CLOSE_OBJ));
    }
    if (traceID === undefined || !sawSpans) return undefined;
    const { count: n, ids, refs, search } = run;
    const idOffset = run.idOffset.slice(0, n + 1);
    const refTarget = refTargets(
      b,
      ids.buf,
      idOffset,
      run.idHash.subarray(0, n),
      refs.from.subarray(0, refs.n),
      refs.to.subarray(0, refs.n),
      refs.hash.subarray(0, refs.n),
    );
    // Escapes inside values stay as written; the search only needs the words.
    const searchLines = utf8.decode(search.buf.subarray(0, search.len));
    const columns: SpanColumns = {
      traceID,
      count: n,
      idText: utf8.decode(ids.buf.subarray(0, ids.len)),
      idOffset,
      startTime: run.startTime.slice(0, n),
      duration: run.duration.slice(0, n),
      operation: run.operation.slice(0, n),
      operations: run.ops.list,
      process: run.process.slice(0, n),
      processIDs: run.procs.list,
      processes,
      error: run.error.slice(0, n),
      refOffset: run.refOffset.slice(0, n + 1),
      refTarget,
      refKind: refs.kind.slice(0, refs.n),
      searchLines,
    };
    return { columns, ranges: run.ranges.slice(0, 2 * n) };
  };

  // The top level: Jaeger's {data:[trace…]} envelope, or a bare trace. Keys come in any order,
  // so the object is read as both until its end says which it was.
  ws();
  if (b[p] !== OPEN_OBJ) fail();
  const start = p;
  let data: ScannedTrace[] | undefined;
  let sawTraceKeys = false;
  if (open(OPEN_OBJ)) {
    do {
      key();
      if (is(K.data)) {
        ws();
        if (b[p] !== OPEN_ARR) {
          skip();
          continue;
        }
        data = [];
        if (open(OPEN_ARR)) {
          do {
            ws();
            if (b[p] !== OPEN_OBJ) skip();
            else {
              const t = await trace();
              if (t) data.push(t);
            }
          } while (more(CLOSE_ARR));
        }
      } else {
        if (is(K.spans) || is(K.traceID)) sawTraceKeys = true;
        skip();
      }
    } while (more(CLOSE_OBJ));
  }
  ws();
  if (p !== b.length) fail();
  if (data) return data;
  if (!sawTraceKeys) fail();
  p = start;
  const bare = await trace();
  if (!bare) fail();
  return [bare!];
}
