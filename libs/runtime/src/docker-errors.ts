/** dockerode errors carry the engine's HTTP status in `statusCode`. */
export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Socket-level failures: the engine is stopped, restarting, or its socket is gone. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EPIPE',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTCONN',
]);

export function isEngineUnreachable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || statusCodeOf(error) !== undefined) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (
    (typeof code === 'string' && UNREACHABLE_CODES.has(code)) ||
    (typeof message === 'string' && /socket hang up/.test(message))
  );
}
