import { BerthError, ErrorCode } from '#domain';
import { observeEngineCall } from '#metrics';
import { abortable, reasonOf } from '#common';
import { isEngineUnreachable } from './docker-errors.js';

export interface EngineCallOptions {
  /** The caller's signal (a build stage): aborting it closes the request. */
  signal?: AbortSignal;
  /** Added to the usual deadline for calls that legitimately take long (stopping waits up to 10 s). */
  extraMs?: number;
  /** The metrics label when `what` names an object (an image, a volume): a fixed phrase. */
  operation?: string;
}

/**
 * Runs one Docker engine request with a deadline and the caller's signal, both passed to dockerode
 * as `abortSignal` so the HTTP request is really closed. Failures are told apart for the callers:
 * the caller's own abort → its reason (cancelled, stage timeout, shutdown); no answer in time or
 * no connection → `Unavailable` (503 at the API, "try again" in the worker); an answer from the
 * engine (404, 409, 500…) → the dockerode error as is, for the caller to judge.
 */
export async function engineCall<T>(
  what: string,
  timeoutMs: number,
  options: EngineCallOptions,
  call: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T> {
  const limitMs = timeoutMs + (options.extraMs ?? 0);
  const deadline = AbortSignal.timeout(limitMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const operation = options.operation ?? what;
  const started = performance.now();
  const took = (): number => (performance.now() - started) / 1000;
  try {
    // `abortable` too: a call that ignores its signal (or is stuck before sending) still ends.
    const result = await abortable(call(signal), signal);
    observeEngineCall(operation, took());
    return result;
  } catch (error) {
    if (options.signal?.aborted) {
      observeEngineCall(operation, took());
      throw reasonOf(options.signal);
    }
    const kind = deadline.aborted ? 'timeout' : isEngineUnreachable(error) ? 'unreachable' : 'error';
    observeEngineCall(operation, took(), kind);
    if (deadline.aborted)
      throw new BerthError(
        ErrorCode.Unavailable,
        `the Docker engine did not answer within ${seconds(limitMs)} (${what})`,
      );
    if (isEngineUnreachable(error))
      throw new BerthError(ErrorCode.Unavailable, `the Docker engine is not reachable (${codeOf(error)}; ${what})`);
    throw error;
  }
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
function codeOf(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? code : typeof message === 'string' ? message : 'no connection';
}
