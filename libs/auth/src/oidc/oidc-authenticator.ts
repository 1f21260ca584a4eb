import { Inject, Injectable, Logger } from '@nestjs/common';
import { type Request, type RequestHandler, type Response } from 'express';
import passport from 'passport';
import * as client from 'openid-client';
import { BerthError, ErrorCode } from '#domain';
import { type OidcIdentity } from './oidc-rules.js';
import { OIDC_LOGIN_PATH, OIDC_SETTINGS, type EnabledOidcSettings, type OidcSettings } from './oidc-settings.js';
import { BerthOidcStrategy, OIDC_STRATEGY, type OidcPhaseOptions } from './oidc.strategy.js';

/** Why the protocol part of a login failed (before any Berth rule was applied). */
export type OidcProtocolFailure = 'no_login_in_progress' | 'idp_error' | 'invalid_response';

export type OidcCallbackResult =
  { ok: true; identity: OidcIdentity } | { ok: false; reason: OidcProtocolFailure; detail: string; error: string };

/**
 * The protocol half of single sign-on, as two promises a controller can await: send the browser
 * to the IdP, and turn the IdP's answer into a verified identity. It deliberately stops there:
 * deciding who may sign in, linking accounts and starting the session belong to the API, which
 * also audits every outcome. (Nest's AuthGuard would leave the redirect's promise pending forever
 * and turn every failure into an exception before the audit could see it.)
 */
@Injectable()
export class OidcAuthenticator {
  private readonly logger = new Logger(OidcAuthenticator.name);

  constructor(@Inject(OIDC_SETTINGS) readonly settings: OidcSettings) {
    if (settings.enabled) passport.use(OIDC_STRATEGY, new BerthOidcStrategy(settings));
  }

  /** What the portal needs to offer the button (`GET /auth/providers`). */
  describe(): { enabled: boolean; loginUrl?: string } {
    return this.settings.enabled ? { enabled: true, loginUrl: OIDC_LOGIN_PATH } : { enabled: false };
  }

  /** Answers 302 to the IdP's authorization endpoint; PKCE verifier, state and nonce go to the session. */
  redirectToIdp(req: Request, res: Response): Promise<void> {
    this.enabledSettings();
    return new Promise<void>((resolve, reject) => {
      // The strategy ends the response itself (302); express-session saves the session first.
      res.once('finish', () => resolve()).once('close', () => resolve());
      const fail = (error: unknown): void => reject(toError(error));
      const options: OidcPhaseOptions = { berthPhase: 'start' };
      (passport.authenticate(OIDC_STRATEGY, options, fail) as RequestHandler)(req, res, fail);
    });
  }

  /** Exchanges the code (with the session's PKCE verifier), verifies the ID token and reads the claims. */
  completeLogin(req: Request, res: Response): Promise<OidcCallbackResult> {
    const settings = this.enabledSettings();
    return new Promise<OidcCallbackResult>((resolve) => {
      const done = (error: unknown, identity?: OidcIdentity | false, info?: unknown): void =>
        resolve(this.toResult(settings, error, identity, info));
      const options: OidcPhaseOptions = { berthPhase: 'callback' };
      (passport.authenticate(OIDC_STRATEGY, options, done) as RequestHandler)(req, res, (error?: unknown) =>
        done(error ?? new Error('passport gave up')),
      );
    });
  }

  private enabledSettings(): EnabledOidcSettings {
    if (!this.settings.enabled)
      throw new BerthError(ErrorCode.NotFound, 'single sign-on is not configured on this server');
    return this.settings;
  }

  private toResult(
    settings: EnabledOidcSettings,
    error: unknown,
    identity: OidcIdentity | false | undefined,
    info: unknown,
  ): OidcCallbackResult {
    if (!error && identity) return { ok: true, identity };
    const message = error ? toError(error).message : infoMessage(info);
    if (!error && /authorization request state/i.test(message)) {
      return {
        ok: false,
        reason: 'no_login_in_progress',
        detail:
          'no single sign-on was started in this browser session (or it expired); start again from the login page',
        error: message,
      };
    }
    // access_denied arrives as a passport "fail", other IdP error answers as errors.
    if (!error || error instanceof client.AuthorizationResponseError) {
      return {
        ok: false,
        reason: 'idp_error',
        detail: `the identity provider did not sign you in: ${message}`,
        error: message,
      };
    }
    // Details of a rejected token or answer go to the log, not to the browser.
    this.logger.warn(`single sign-on answer from ${settings.issuer} rejected: ${message}`);
    return {
      ok: false,
      reason: 'invalid_response',
      detail: 'the answer from the identity provider could not be verified; start again from the login page',
      error: message,
    };
  }
}

function infoMessage(info: unknown): string {
  if (typeof info === 'string') return info;
  const message = (info as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : 'authentication failed';
}

const toError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));
