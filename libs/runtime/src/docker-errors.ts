import { BerthError, ErrorCode } from '#domain';

/** dockerode errors carry the engine's HTTP status in `statusCode`. */
export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
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
