import { BerthError, ErrorCode } from '#domain';

/** dockerode errors carry the engine's HTTP status in `statusCode`. */
export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Socket-level failures: the engine is stopped, restarting, or its socket is gone. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOENT', 'EPIPE', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTCONN']);

export function isEngineUnreachable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || statusCodeOf(error) !== undefined) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (typeof code === 'string' && UNREACHABLE_CODES.has(code)) || (typeof message === 'string' && /socket hang up/.test(message));
}

/** Rejects with a RuntimeFailure naming the operation when it outlives its deadline. */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BerthError(ErrorCode.RuntimeFailure, `timed out after ${Math.round(ms / 1000)} s ${what}`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
