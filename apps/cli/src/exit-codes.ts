import { CommanderError } from 'commander';
import { ApiError, UnreachableError } from './api.js';

/** The documented exit codes (README "Scripts and CLI"); `ws exec` passes the command's own through. */
export const EXIT = {
  ok: 0,
  /** Bad usage or input the server refused as invalid (400, 422). */
  usage: 1,
  notFound: 2,
  /** 409: it exists already, or a transition is in flight. */
  conflict: 3,
  /** 401, 403: not signed in, wrong token, missing role or scope. */
  auth: 4,
  /** The server failed (5xx), asked to slow down (429), or did not answer. */
  server: 5,
} as const;

/** A mistake in how the command was used (exit 1), found before any request. */
export class UsageError extends Error {}

/** A failure the CLI itself detected, with the exit code it means. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof CliFailure) return error.exitCode;
  if (error instanceof UsageError) return EXIT.usage;
  if (error instanceof CommanderError) return EXIT.usage;
  if (error instanceof UnreachableError) return EXIT.server;
  if (error instanceof ApiError) {
    if (error.status === 401 || error.status === 403) return EXIT.auth;
    if (error.status === 404) return EXIT.notFound;
    if (error.status === 409) return EXIT.conflict;
    if (error.status === 429 || error.status >= 500) return EXIT.server;
    return EXIT.usage;
  }
  return EXIT.server;
}

const LABELS: Record<number, string> = {
  400: 'invalid request',
  401: 'not signed in (run `berth login` or set BERTH_TOKEN)',
  403: 'not allowed',
  404: 'not found',
  409: 'conflict',
  422: 'refused',
  429: 'too many requests, try again later',
};

/** One line, never a stack trace. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const label =
      LABELS[error.status] ?? (error.status >= 500 ? `server error ${error.status}` : `HTTP ${error.status}`);
    const detail = error.problem.detail ?? '';
    const retry =
      error.status === 429 && typeof error.problem.retryAfter === 'number'
        ? ` (retry in ${error.problem.retryAfter}s)`
        : '';
    return oneLine(detail && error.status !== 401 ? `${label}: ${detail}${retry}` : `${label}${retry}`);
  }
  return oneLine(error instanceof Error ? error.message : String(error));
}

const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ').trim();
