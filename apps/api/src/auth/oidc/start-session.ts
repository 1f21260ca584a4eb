import { type Response } from 'express';
import { type AuthenticatedUser } from '#auth';
import { type BerthConfig } from '#config';
import { issueCsrfToken, type SessionRequest } from '../csrf-token.js';

/**
 * Starts the cookie session for a user the IdP vouched for, exactly as a password login does:
 * passport 0.7 regenerates the session id (no fixation through the pre-login session that held
 * the PKCE verifier), then a fresh CSRF token.
 */
export async function startSession(
  req: SessionRequest,
  res: Response,
  user: AuthenticatedUser,
  config: BerthConfig,
): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    req.login(user, (error?: Error | null) => (error ? reject(error) : resolve())),
  );
  issueCsrfToken(req, res, config);
}
