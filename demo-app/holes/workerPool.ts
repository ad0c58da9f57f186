// A real worker pool (hole 4): at most `size` tasks run at once; the rest queue, which a trace draws as steps.
export function createWorkerPool(initialSize: number) {
  let size = Math.max(1, initialSize);
  let running = 0;
  const queue: (() => void)[] = [];

  const startNext = () => {
    while (running < size && queue.length > 0) {
      running++;
      queue.shift()!();
    }
  };

  return {
    get size() {
      return size;
    },
    resize(n: number) {
      size = Math.max(1, n);
      startNext();
    },
    /** Runs `task` when a worker is free; `onQueued` hears how many tasks were ahead of it. */
    async run<T>(task: () => Promise<T>, onQueued?: (ahead: number) => void): Promise<T> {
      if (running < size && queue.length === 0) running++;
      else {
        onQueued?.(queue.length + 1);
        await new Promise<void>((resolve) => queue.push(resolve));
      }
      try {
        return await task();
      } finally {
        running--;
        startNext();
      }
    },
  };
}
export type WorkerPool = ReturnType<typeof createWorkerPool>;
