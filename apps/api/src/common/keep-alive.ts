import { type Server } from 'node:http';

/**
 * How long an idle keep-alive connection stays open. A server must outlast its clients' idle
 * timeout, or it closes a socket just as a client sends on it and that client sees a reset
 * ("fetch failed"). Node's own default (5 s) is at the edge of undici's (4 s) and below the
 * usual reverse proxies' upstream idle time (nginx upstream `keepalive_timeout` 60 s, cloud load
 * balancers 60 s). 65 s outlasts them all; clients that read the `Keep-Alive: timeout=65` header
 * (undici, Node's agent) close their side first.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function applyKeepAlive(server: Server): void {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Node requires headersTimeout above keepAliveTimeout, or a reused socket can be cut mid-request.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
}
