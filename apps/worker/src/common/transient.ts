import { BerthError, ErrorCode } from '#domain';
import { isDatabaseUnavailable } from '#persistence';
import { sleep } from '#runtime';

/**
 * A failure that says "something we depend on is away" (the Docker engine or Postgres restarting,
 * a connection cut), as opposed to "this cannot work" (a script failed, an image is missing).
 * Transient failures are waited out; everything else fails the build with its reason.
 */
export function isTransient(error: unknown): boolean {
  return (error instanceof BerthError && error.code === ErrorCode.Unavailable) || isDatabaseUnavailable(error);
}

/** What is away, in words for a build log. */
export function describeTransient(error: unknown): string {
  if (error instanceof BerthError) return error.message;
  return 'the database is not reachable';
}

/** 0.5 s, 1 s, 2 s, 4 s, then every 5 s: quick for a blip, light on a long outage. */
export const backoffMs = (attempt: number): number => Math.min(5000, 500 * 2 ** Math.max(0, attempt - 1));

export interface RetryOptions {
  /** Give up (rethrow) once this moment has passed. */
  until: number;
  signal?: AbortSignal;
  onRetry?: (error: unknown, waitMs: number) => void;
}

/** Runs `work` until it succeeds, fails for a non-transient reason, or `until` has passed. */
export async function retryTransient<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      const waitMs = backoffMs(attempt);
      if (!isTransient(error) || Date.now() + waitMs > options.until || options.signal?.aborted) throw error;
      options.onRetry?.(error, waitMs);
      await sleep(waitMs, options.signal);
    }
  }
}
