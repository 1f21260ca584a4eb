/**
 * Domain errors carry a code; one exception filter in apps/api maps codes to HTTP statuses and
 * problem+json, so services never think in HTTP terms and workers can reuse the same errors.
 */
export enum ErrorCode {
  Validation = 'validation',
  Unauthenticated = 'unauthenticated',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  QuotaExceeded = 'quota_exceeded',
  Unavailable = 'unavailable',
  ImageUnavailable = 'image_unavailable',
  RuntimeFailure = 'runtime_failure',
  ScriptFailed = 'script_failed',
  Cancelled = 'cancelled',
  /** A build's worker stopped sending heartbeats (a build's error code only; never thrown). */
  WorkerLost = 'worker_lost',
  Internal = 'internal',
}

export class BerthError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra, client-safe fields for the problem document (e.g. the offending field). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'BerthError';
  }
}

export const notFound = (what: string): BerthError => new BerthError(ErrorCode.NotFound, `${what} not found`);
export const invalid = (message: string, field?: string): BerthError =>
  new BerthError(ErrorCode.Validation, message, field ? { field } : {});
export const conflict = (message: string, details: Record<string, unknown> = {}): BerthError =>
  new BerthError(ErrorCode.Conflict, message, details);
