import { createHash, randomBytes } from 'node:crypto';

/** API tokens look like `berth_<43 url-safe chars>`; only their sha256 is stored. */
export const TOKEN_PREFIX = 'berth_';

export function newTokenSecret(): { token: string; hash: string; prefix: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
