import { sleep } from './abort.js';

/** 0.5 s, 1 s, 2 s, 4 s, then every 5 s: quick for a blip, light on a long outage. */
export const backoffMs = (attempt: number): number => Math.min(5000, 500 * 2 ** Math.max(0, attempt - 1));

export interface RetryOptions {
  /** Give up (rethrow) once this moment has passed. */
  until: number;
  signal?: AbortSignal;
  onRetry?: (error: unknown, waitMs: number) => void;
}

/**
 * Runs `work` until it succeeds, fails with an error `retryable` refuses, or `until` has passed,
 * waiting `backoffMs` between attempts (less if the signal aborts: the wait rejects with its reason).
 */
export async function retryWhile<T>(
  retryable: (error: unknown) => boolean,
  work: () => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const waitMs = backoffMs(attempt);
      if (!retryable(error) || Date.now() + waitMs > options.until || options.signal?.aborted) throw error;
      options.onRetry?.(error, waitMs);
      await sleep(waitMs, options.signal);
    }
  }
}
