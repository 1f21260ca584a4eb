import { randomBytes } from 'node:crypto';
import { type Request, type Response } from 'express';
import { berthCookies } from '#auth';
import { type BerthConfig } from '#config';

export type SessionRequest = Request & { session: Request['session'] & { csrf?: string } };

/**
 * A fresh double-submit CSRF token for a new session: kept in the session and sent in the
 * script-readable `berth_csrf` cookie; cookie-authenticated changes must echo it in a header.
 */
export function issueCsrfToken(req: SessionRequest, res: Response, config: BerthConfig): void {
  const csrf = randomBytes(24).toString('base64url');
  req.session.csrf = csrf;
  const { csrf: name, hostPrefixed } = berthCookies(config);
  res.cookie(name, csrf, { sameSite: 'lax', secure: hostPrefixed || req.secure, httpOnly: false, path: '/' });
}
