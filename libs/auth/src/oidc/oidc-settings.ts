import { isIP } from 'node:net';
import * as client from 'openid-client';
import { type BerthConfig } from '#config';
import { parseAllowedDomains } from './oidc-rules.js';

/** Injection token for the single sign-on settings, resolved (with discovery) once at API start. */
export const OIDC_SETTINGS = Symbol('OIDC_SETTINGS');

/** Routes under the API's global prefix; the callback is the redirect URI admins register at the IdP. */
export const OIDC_LOGIN_PATH = '/api/v1/auth/oidc/login';
export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';

export interface EnabledOidcSettings {
  enabled: true;
  /** The discovered issuer metadata and client credentials (openid-client). */
  configuration: client.Configuration;
  issuer: string;
  callbackUrl: string;
  scope: string;
  allowedDomains: string[];
  adminGroup: string | undefined;
  groupsClaim: string;
}

export type OidcSettings = { enabled: false } | EnabledOidcSettings;

type Discover = typeof client.discovery;

/**
 * Resolves the settings at start-up. With BERTH_OIDC_ISSUER unset, single sign-on is off. With it
 * set, a missing companion variable or an issuer that cannot be discovered stops the API with one
 * line saying why (as Coder does): failing at the first login instead would hide a
 * misconfiguration until someone needs it.
 */
export async function loadOidcSettings(
  config: BerthConfig,
  discover: Discover = client.discovery,
): Promise<OidcSettings> {
  if (!config.BERTH_OIDC_ISSUER) return { enabled: false };
  const missing = (['BERTH_OIDC_CLIENT_ID', 'BERTH_OIDC_CLIENT_SECRET', 'BERTH_PUBLIC_URL'] as const).filter(
    (k) => !config[k],
  );
  if (missing.length > 0)
    throw new Error(
      `single sign-on: BERTH_OIDC_ISSUER is set but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not`,
    );
  const allowedDomains = parseAllowedDomains(config.BERTH_OIDC_ALLOWED_DOMAINS);

  const issuer = new URL(config.BERTH_OIDC_ISSUER);
  if (issuer.protocol !== 'https:' && !isLoopbackHttp(issuer)) {
    throw new Error(
      `single sign-on: BERTH_OIDC_ISSUER must use https (plain http is accepted only on a loopback address such as 127.0.0.1)`,
    );
  }
  // http is tolerated only when the IdP is on this very machine (tests, local development):
  // nothing crosses a network unencrypted. `localhost` is a name that could resolve elsewhere,
  // so only literal loopback addresses qualify (as RFC 8252 §8.3 recommends).
  const execute = isLoopbackHttp(issuer) ? [client.allowInsecureRequests] : [];
  let configuration: client.Configuration;
  try {
    configuration = await discover(
      issuer,
      config.BERTH_OIDC_CLIENT_ID ?? '',
      undefined,
      client.ClientSecretBasic(config.BERTH_OIDC_CLIENT_SECRET),
      { execute, timeout: 15 },
    );
  } catch (error) {
    throw new Error(`single sign-on: cannot discover the issuer ${issuer.href}: ${describe(error)}`);
  }

  const adminGroup = config.BERTH_OIDC_ADMIN_GROUP || undefined;
  return {
    enabled: true,
    configuration,
    issuer: configuration.serverMetadata().issuer,
    callbackUrl: `${(config.BERTH_PUBLIC_URL ?? '').replace(/\/+$/, '')}${OIDC_CALLBACK_PATH}`,
    // `groups` is asked for only when it matters: some IdPs refuse scopes they do not know.
    scope: adminGroup ? 'openid email profile groups' : 'openid email profile',
    allowedDomains,
    adminGroup,
    groupsClaim: config.BERTH_OIDC_GROUPS_CLAIM,
  };
}

/** http on a literal loopback address (127.0.0.0/8 or ::1). */
export function isLoopbackHttp(url: URL): boolean {
  if (url.protocol !== 'http:') return false;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) return host === '::1';
  return false;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
