// Timeouts and retries for a flaky dependency (hole 3): each attempt gets its own AbortController deadline.
export class AttemptTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

export interface RetryPolicy {
  attempts: number;
  timeoutMs: number;
  backoffMs: number;
}

/**
 * Calls `attempt` until one succeeds or the attempts run out. The attempt's signal aborts at the
 * deadline, so a stalled dependency costs exactly one timeout per try, never a hang.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (n: number, signal: AbortSignal) => Promise<T>,
  onRetry: (n: number, error: unknown) => void,
): Promise<T> {
  let last: unknown;
  for (let n = 1; n <= policy.attempts; n++) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new AttemptTimeout(policy.timeoutMs)), policy.timeoutMs);
    try {
      return await attempt(n, controller.signal);
    } catch (e) {
      last = controller.signal.aborted ? controller.signal.reason : e;
      if (n < policy.attempts) {
        onRetry(n, last);
        await new Promise((r) => setTimeout(r, policy.backoffMs * n));
      }
    } finally {
      clearTimeout(timer);
    }
  }
  throw last;
}
