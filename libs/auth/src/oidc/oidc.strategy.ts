import { type Request } from 'express';
import * as client from 'openid-client';
import { Strategy, type AuthenticateOptions } from 'openid-client/passport';
import { identityFromClaims, type OidcIdentity } from './oidc-rules.js';
import { type EnabledOidcSettings } from './oidc-settings.js';

/** Name under which the strategy is registered with passport. */
export const OIDC_STRATEGY = 'berth-oidc';

/** Which half of the flow a route runs: the login route starts it, the callback route finishes it. */
export interface OidcPhaseOptions extends AuthenticateOptions {
  berthPhase: 'start' | 'callback';
}

/**
 * openid-client's passport strategy (authorization code + PKCE S256; the code verifier lives in
 * the session under `oidc` until the callback consumes it), with two Berth decisions on top:
 * - `state` and `nonce` on EVERY request, kept in the same session entry and checked by
 *   openid-client at the callback. PKCE alone would satisfy the library; state also binds the
 *   answer to this browser's session, nonce binds the ID token to this request.
 * - the route decides the phase, not the query string: a bare GET on the callback must not
 *   quietly start a new login, and the login route must never accept a `code`.
 */
export class BerthOidcStrategy extends Strategy {
  constructor(settings: EnabledOidcSettings) {
    super(
      {
        config: settings.configuration,
        name: OIDC_STRATEGY,
        sessionKey: 'oidc',
        callbackURL: settings.callbackUrl,
        scope: settings.scope,
      },
      (tokens, verified) => {
        identityFrom(settings, tokens).then(
          (identity) => {
            verified(null, identity);
          },
          (error: unknown) => {
            verified(error);
          },
        );
      },
    );
  }

  override authorizationRequestParams<TOptions extends AuthenticateOptions>(
    req: Request,
    options: TOptions,
  ): URLSearchParams {
    const params = new URLSearchParams(super.authorizationRequestParams(req, options));
    params.set('state', client.randomState());
    params.set('nonce', client.randomNonce());
    return params;
  }

  override shouldInitiateAuthRequest<TOptions extends AuthenticateOptions>(
    _req: Request,
    _currentUrl: URL,
    options: TOptions,
  ): boolean {
    return (options as Partial<OidcPhaseOptions>).berthPhase === 'start';
  }
}

/**
 * By now openid-client has checked the ID token (signature, issuer, audience, expiry, nonce)
 * and the PKCE verifier. Many IdPs put email and groups only in userinfo (OIDC Core lets them),
 * so it is asked too; openid-client refuses an answer whose `sub` differs from the ID token's.
 */
async function identityFrom(
  settings: EnabledOidcSettings,
  tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
): Promise<OidcIdentity> {
  const idToken = tokens.claims();
  if (!idToken) throw new Error('the token response carried no ID token');
  const { configuration, groupsClaim } = settings;
  const userinfo = configuration.serverMetadata().userinfo_endpoint
    ? await client.fetchUserInfo(configuration, tokens.access_token, idToken.sub)
    : undefined;
  return identityFromClaims(idToken, userinfo, groupsClaim);
}
