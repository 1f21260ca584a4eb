import { randomBytes } from 'node:crypto';
import { type Request, type Response } from 'express';
import { CSRF_COOKIE } from '#auth';

export type SessionRequest = Request & { session: Request['session'] & { csrf?: string } };

/**
 * A fresh double-submit CSRF token for a new session: kept in the session and sent in the
 * script-readable `berth_csrf` cookie; cookie-authenticated changes must echo it in a header.
 */
export function issueCsrfToken(req: SessionRequest, res: Response): void {
  const csrf = randomBytes(24).toString('base64url');
  req.session.csrf = csrf;
  res.cookie(CSRF_COOKIE, csrf, { sameSite: 'lax', secure: req.secure, httpOnly: false });
}
