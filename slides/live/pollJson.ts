// Polls one JSON route while a slide is shown: each answer to `show`, each failure to `fail` (then it tries again), stopped on leaving.

/**
 * GET `url` now and `everyMs` after each answer (never two at once); the returned function stops it,
 * cancelling a request in flight, and nothing is reported after that.
 */
export function pollJson<T>(url: string, everyMs: number, show: (body: T) => void, fail: (why: string) => void): () => void {
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const poll = async () => {
    try {
      const res = await fetch(url, { signal: abort.signal, cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as T;
      if (!abort.signal.aborted) show(body);
    } catch (e) {
      if (abort.signal.aborted) return;
      fail(e instanceof Error ? e.message : String(e));
    }
    if (!abort.signal.aborted) timer = setTimeout(() => void poll(), everyMs);
  };
  void poll();
  return () => {
    abort.abort();
    clearTimeout(timer);
  };
}
