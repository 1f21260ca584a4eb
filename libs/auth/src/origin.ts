import { type BerthConfig } from '#config';
import { BerthError, ErrorCode } from '#domain';

/**
 * Long-lived channels (SSE now, the terminal's WebSocket later) are not covered by CORS or CSRF
 * tokens, so a foreign page could ride the user's cookie (cross-site WebSocket hijacking, as in
 * Gitpod's old API). A request that carries an Origin must come from Berth's own.
 */
export function allowedOrigins(config: BerthConfig): Set<string> {
  const origins = new Set([
    `http://127.0.0.1:${config.PORT}`,
    `http://localhost:${config.PORT}`,
    `http://${config.HOST}:${config.PORT}`,
  ]);
  if (config.BERTH_PUBLIC_URL) origins.add(new URL(config.BERTH_PUBLIC_URL).origin);
  return origins;
}

/** No Origin (curl, scripts with a token) is fine; a foreign one is refused with 403. */
export function assertAllowedOrigin(origin: string | undefined, config: BerthConfig): void {
  if (origin === undefined) return;
  if (!allowedOrigins(config).has(origin)) {
    throw new BerthError(ErrorCode.Forbidden, `origin ${origin} may not open this stream`, { refusal: 'origin' });
  }
}
