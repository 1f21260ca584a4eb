import { BerthError, ErrorCode } from '#domain';
import { isDatabaseUnavailable } from '#persistence';
import { retryWhile, type RetryOptions } from '#common';

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

export { backoffMs, type RetryOptions } from '#common';

/** Runs `work` until it succeeds, fails for a non-transient reason, or `until` has passed. */
export function retryTransient<T>(work: () => Promise<T>, options: RetryOptions): Promise<T> {
  return retryWhile(isTransient, work, options);
}
