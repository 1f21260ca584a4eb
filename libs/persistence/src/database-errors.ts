/**
 * Tells "the database is away" (down, restarting, connection cut) from every other database error,
 * so callers can answer 503 or try again instead of failing for good. Observed with Prisma 6 and
 * @prisma/adapter-pg: a stopped server gives P1001 / `DatabaseNotReachable`; a restart cuts pooled
 * connections with SQLSTATE 57P01 (`terminating connection due to administrator command`), which
 * surfaces once per pooled connection even after the server is back.
 */

/** SQLSTATE classes and codes meaning the connection, not the statement, failed. */
const UNAVAILABLE_SQLSTATES = /^(08|57P0[1-3]$|53300$)/;
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1017', 'P2024']);
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
const UNAVAILABLE_SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTCONN',
]);

interface ErrorShape {
  code?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const e = error as ErrorShape;
  const code = typeof e.code === 'string' ? e.code : '';
  if (UNAVAILABLE_PRISMA_CODES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)) return true;
  if (typeof e.kind === 'string') {
    if (UNAVAILABLE_ADAPTER_KINDS.has(e.kind)) return true;
    if (e.kind === 'postgres' && UNAVAILABLE_SQLSTATES.test(code)) return true;
  }
  // Every pooled connection busy past the transaction's maxWait: an overload that passes, not a bad request.
  if (code === 'P2028' && typeof e.message === 'string' && /Unable to start a transaction/.test(e.message)) return true;
  // node-postgres reports a connection cut mid-query by message only.
  if (
    typeof e.message === 'string' &&
    /Connection terminated unexpectedly|Client has encountered a connection error/.test(e.message)
  )
    return true;
  return isDatabaseUnavailable(e.cause, depth + 1) || isDatabaseUnavailable(e.meta?.driverAdapterError, depth + 1);
}
