// Builds big Jaeger traces of any size for the analyzer's tests and bench: every hole shape repeated, in a tree of several services.
import type { JaegerKeyValue, JaegerSpan, JaegerTrace } from '../model/index.ts';

const str = (key: string, value: string): JaegerKeyValue => ({ key, type: 'string', value });
const bool = (key: string, value: boolean): JaegerKeyValue => ({ key, type: 'bool', value });

/** A seeded generator so sizes and timings repeat run to run. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

/**
 * About `spanCount` spans: a root fanning out to handlers, each handler holding one block of
 * six shapes (an N+1 loop, a retried call, a staircase of pool tasks, repeated reads, a lock
 * wait, parallel calls), so every detector has work across the whole trace.
 */
export function holeShapedTrace(spanCount: number, seed = 1): JaegerTrace {
  const rand = rng(seed);
  const traceID = (0x1000 + seed).toString(16).padStart(16, '0');
  const spans: JaegerSpan[] = [];
  const t0 = 1_700_000_000_000_000;
  let nextId = 1;
  const add = (
    parent: string | undefined,
    op: string,
    proc: string,
    start: number,
    duration: number,
    tags: JaegerKeyValue[] = [],
    logs: JaegerSpan['logs'] = [],
  ) => {
    const spanID = (nextId++).toString(16).padStart(16, '0');
    spans.push({
      traceID,
      spanID,
      operationName: op,
      references: parent ? [{ refType: 'CHILD_OF', traceID, spanID: parent }] : [],
      startTime: t0 + Math.round(start),
      duration: Math.round(duration),
      tags,
      logs,
      processID: proc,
      warnings: null,
    });
    return spanID;
  };
  const handlers = Math.max(1, Math.ceil(spanCount / 40));
  const root = add(undefined, 'GET /dashboard', 'p1', 0, 0, [str('span.kind', 'server')]);
  let cursor = 0;
  for (let h = 0; h < handlers && spans.length < spanCount; h++) {
    const hs = cursor;
    const handler = add(root, 'render widget', 'p1', hs, 0);
    const handlerSpan = spans[spans.length - 1]!;
    let t = hs + 100;
    // N+1: eight sequential selects, one per id.
    for (let i = 0; i < 8; i++) {
      const d = 800 + rand() * 400;
      add(handler, 'SELECT', 'p1', t, d, [
        str('span.kind', 'client'),
        str('db.system', 'postgresql'),
        str('db.statement', `SELECT * FROM widget WHERE id = ${h * 100 + i}`),
      ]);
      t += d + 20;
    }
    // A failed try then a good one.
    for (let i = 0; i < 2; i++) {
      const d = i === 0 ? 3000 : 500;
      const c = add(handler, 'GET /quotes', 'p1', t, d, [
        str('span.kind', 'client'),
        str('http.url', 'http://quotes/quotes?w=1'),
        ...(i === 0 ? [bool('error', true)] : []),
      ]);
      add(c, 'GET /quotes', 'p2', t + 50, d - 100, [str('span.kind', 'server')]);
      t += d + 200;
    }
    // Six tasks on a pool of two: a staircase.
    const pool = add(handler, 'resize images', 'p1', t, 0);
    for (let i = 0; i < 6; i++) add(pool, `resize ${i}`, 'p1', t + Math.floor(i / 2) * 1000, 1000);
    spans[spans.length - 7]!.duration = 3000;
    t += 3000;
    // The same read three times.
    for (let i = 0; i < 3; i++) {
      add(handler, 'GET', 'p1', t, 600, [str('span.kind', 'client'), str('db.system', 'redis'), str('db.statement', 'GET settings:theme')]);
      t += 620;
    }
    // A wait for a lock, then the work on the same resource.
    add(
      handler,
      'acquire lock',
      'p1',
      t,
      1500,
      [str('peer.service', 'ledger-db')],
      [{ timestamp: t0 + t, fields: [str('event', 'waiting for lock')] }],
    );
    t += 1500;
    add(handler, 'UPDATE', 'p1', t, 400, [str('peer.service', 'ledger-db'), str('db.statement', 'UPDATE ledger SET n = n + 1')]);
    t += 400;
    // Parallel calls: no finding.
    for (let i = 0; i < 3; i++) add(handler, `GET /part${i}`, 'p1', t, 700, [str('span.kind', 'client'), str('peer.service', `part${i}`)]);
    t += 700;
    handlerSpan.duration = t - hs;
    cursor = t;
  }
  spans[0]!.duration = cursor;
  return {
    traceID,
    spans: spans.slice(0, Math.max(spanCount, 1)),
    processes: { p1: { serviceName: 'web', tags: [] }, p2: { serviceName: 'quotes', tags: [] } },
    warnings: null,
  };
}
