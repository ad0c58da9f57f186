// Simulated backing stores (a SQL database behind a connection pool, a cache) whose every round trip is a span.
import { Tags } from 'opentracing';
import type { ConnectionPool } from '../holes/connectionPool.ts';
import { inSpan, logOnSpan } from './activeSpan.ts';
import { sleep, type Jitter } from './seededJitter.ts';

export interface Database {
  /** One statement on a pooled connection; only its base time is simulated (a seeded, jittered sleep). */
  query<T>(statement: string, baseMs: number, result: () => T): Promise<T>;
  /** Holds one pooled connection for everything `work` does, as a transaction does. */
  transaction<T>(name: string, work: (query: Database['query']) => Promise<T>): Promise<T>;
}

export function createDatabase(opts: { peer: string; instance: string; pool: ConnectionPool; jitter: Jitter }): Database {
  const tags = (statement: string) => ({
    [Tags.SPAN_KIND]: Tags.SPAN_KIND_RPC_CLIENT,
    [Tags.PEER_SERVICE]: opts.peer,
    [Tags.DB_TYPE]: 'sql',
    [Tags.DB_INSTANCE]: opts.instance,
    [Tags.DB_STATEMENT]: statement,
  });

  const runQuery = <T>(statement: string, baseMs: number, result: () => T) =>
    inSpan(`${opts.peer} ${statement.split(' ')[0]}`, tags(statement), async () => {
      await sleep(opts.jitter.ms(baseMs));
      return result();
    });

  const acquire = () =>
    inSpan(`${opts.peer} acquire connection`, { ...tags('-- wait for a pooled connection'), 'pool.size': opts.pool.size }, async (span) => {
      const got = await opts.pool.acquire();
      span.setTag('pool.waited_behind', got.waitedBehind);
      if (got.waitedBehind > 0) {
        logOnSpan(span, { event: 'waited', message: `waiting behind ${got.waitedBehind}`, 'waited.ms': Math.round(got.waitedMs) });
      }
      return got.connection;
    });

  return {
    // A lone statement waits for its connection inside its own span and says so in a log when it had to.
    query: (statement, baseMs, result) =>
      inSpan(`${opts.peer} ${statement.split(' ')[0]}`, tags(statement), async (span) => {
        const got = await opts.pool.acquire();
        try {
          if (got.waitedBehind > 0) logOnSpan(span, { event: 'waited', message: `waiting behind ${got.waitedBehind}` });
          await sleep(opts.jitter.ms(baseMs));
          return result();
        } finally {
          got.connection.release();
        }
      }),
    async transaction(name, work) {
      const connection = await acquire();
      try {
        return await inSpan(`${opts.peer} transaction`, { ...tags(`BEGIN -- ${name}`) }, () => work(runQuery));
      } finally {
        connection.release();
      }
    },
  };
}

export interface CacheStore<V> {
  get(key: string): Promise<V | undefined>;
  set(key: string, value: V): Promise<void>;
}

/** A cache round trip (Redis-like) as a span around a real in-process map. */
export function tracedCache<V>(opts: {
  peer: string;
  jitter: Jitter;
  peek(key: string): V | undefined;
  put(key: string, v: V): void;
}): CacheStore<V> {
  const tags = (statement: string) => ({
    [Tags.SPAN_KIND]: Tags.SPAN_KIND_RPC_CLIENT,
    [Tags.PEER_SERVICE]: opts.peer,
    [Tags.DB_TYPE]: 'redis',
    [Tags.DB_STATEMENT]: statement,
  });
  return {
    get: (key) =>
      inSpan(`${opts.peer} GET`, tags(`GET ${key}`), async (span) => {
        await sleep(opts.jitter.ms(0.6));
        const v = opts.peek(key);
        span.setTag('cache.hit', v !== undefined);
        return v;
      }),
    set: (key, value) =>
      inSpan(`${opts.peer} SET`, tags(`SET ${key}`), async () => {
        await sleep(opts.jitter.ms(0.6));
        opts.put(key, value);
      }),
  };
}
