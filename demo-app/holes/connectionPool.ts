// A real connection pool (hole 1): a fixed number of connections, everyone else waits in line, FIFO.
export interface PooledConnection {
  id: number;
  release(): void;
}

export interface Acquired {
  connection: PooledConnection;
  /** How many were ahead of this caller (holding a connection or queued) when it asked. */
  waitedBehind: number;
  waitedMs: number;
}

export function createConnectionPool(initialSize: number) {
  let size = Math.max(1, initialSize);
  let inUse = 0;
  let nextId = 1;
  const free: number[] = [];
  const waiting: ((c: PooledConnection) => void)[] = [];

  const hand = (): PooledConnection => {
    inUse++;
    const id = free.pop() ?? nextId++;
    let released = false;
    return {
      id,
      release() {
        if (released) return;
        released = true;
        inUse--;
        free.push(id);
        wakeNext();
      },
    };
  };
  const wakeNext = () => {
    // The connection is handed over synchronously so that a later waker cannot count it as free.
    while (inUse < size && waiting.length > 0) waiting.shift()!(hand());
  };

  return {
    get size() {
      return size;
    },
    get waiting() {
      return waiting.length;
    },
    /** Resizing is live: growing wakes waiters at once, shrinking takes effect as connections come back. */
    resize(n: number) {
      size = Math.max(1, n);
      wakeNext();
    },
    async acquire(): Promise<Acquired> {
      if (inUse < size && waiting.length === 0) return { connection: hand(), waitedBehind: 0, waitedMs: 0 };
      const started = performance.now();
      const waitedBehind = waiting.length + Math.max(1, inUse - size + 1);
      const connection = await new Promise<PooledConnection>((resolve) => waiting.push(resolve));
      return { connection, waitedBehind, waitedMs: performance.now() - started };
    },
  };
}
export type ConnectionPool = ReturnType<typeof createConnectionPool>;
