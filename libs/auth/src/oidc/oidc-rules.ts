/**
 * The single sign-on rules, as pure functions so each one is unit-tested on its own. They exist
 * because of the anchors' failures: Coder's OIDC accepted `evil-example.com` for `example.com`
 * (a suffix match) and linked accounts by an email nobody had verified.
 */

/** What Berth keeps from a verified ID token (and userinfo): enough to link and to decide. */
export interface OidcIdentity {
  /** The `iss` of the ID token, already checked against the configured issuer by openid-client. */
  issuer: string;
  /** The IdP's stable user id: accounts are linked by (issuer, subject), never by email. */
  subject: string;
  email: string | null;
  emailVerified: boolean;
  groups: string[];
  name: string | null;
}

export type OidcRefusalReason = 'email_missing' | 'email_not_verified' | 'domain_not_allowed';

export type OidcDecision =
  { allowed: true; email: string } | { allowed: false; reason: OidcRefusalReason; detail: string };

// A DNS name in ASCII (IDNs arrive as punycode `xn--…`), labels of letters, digits and inner hyphens.
const DOMAIN = /^(?!-)[a-z0-9-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

/**
 * BERTH_OIDC_ALLOWED_DOMAINS → a list of lower-case domains. A leading `@` is tolerated; anything
 * else that is not a plain domain (a wildcard, a space, an email) is refused at start-up, because
 * a pattern that silently never matches (or matches too much) is worse than no start.
 */
export function parseAllowedDomains(list: string): string[] {
  const domains = list
    .split(',')
    .map((d) => d.trim().replace(/^@/, '').toLowerCase())
    .filter((d) => d.length > 0);
  const bad = domains.find((d) => !DOMAIN.test(d));
  if (bad !== undefined)
    throw new Error(
      `BERTH_OIDC_ALLOWED_DOMAINS: "${bad}" is not a domain (exact domains only, comma-separated, no wildcards)`,
    );
  return domains;
}

/**
 * EXACT domain match, case-insensitive: `a@example.com` and `a@EXAMPLE.COM` pass for `example.com`;
 * `evil-example.com`, `example.com.evil.io`, `sub.example.com` and `example.com.` do not. The
 * domain is what follows the LAST `@` (a quoted local part may contain `@`). Only ASCII is
 * compared, so a Unicode look-alike (the Kelvin sign lower-cases to `k`) cannot pass for a domain.
 * An empty list allows every domain (the verified-email rule still applies).
 */
export function emailDomainAllowed(email: string, allowedDomains: readonly string[]): boolean {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return false;
  const domain = email.slice(at + 1);
  if (!/^[\x21-\x7e]+$/.test(domain)) return false;
  if (allowedDomains.length === 0) return true;
  const lower = domain.toLowerCase();
  return allowedDomains.some((allowed) => allowed === lower);
}

/**
 * `email_verified` must be the JSON boolean `true` (OIDC Core §5.1 defines it as a boolean). A
 * string "true", a number or a missing claim all count as NOT verified: accepting look-alike
 * values is how an unverified email ends up trusted.
 */
export const isEmailVerified = (claim: unknown): boolean => claim === true;

/** The groups claim as a list of strings: some IdPs send a single string when there is one group. */
export function groupsFromClaim(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string');
  return [];
}

/** Role for a FIRST login only: admin when the (exact, case-sensitive) admin group is present. */
export function roleFromGroups(groups: readonly string[], adminGroup: string | undefined): 'admin' | 'developer' {
  return adminGroup !== undefined && adminGroup !== '' && groups.includes(adminGroup) ? 'admin' : 'developer';
}

type Claims = Readonly<Record<string, unknown>>;

/**
 * Builds the identity from the verified ID token and, when the IdP has a userinfo endpoint, its
 * answer (openid-client has checked that userinfo's `sub` equals the ID token's). `email` and
 * `email_verified` are always taken as a PAIR from one source — the userinfo answer when it
 * carries an email, else the ID token — so a verified flag can never be borrowed for another email.
 */
export function identityFromClaims(idToken: Claims, userinfo: Claims | undefined, groupsClaim: string): OidcIdentity {
  const emailSource = typeof userinfo?.email === 'string' ? userinfo : idToken;
  const groupsSource = userinfo && groupsClaim in userinfo ? userinfo : idToken;
  const name = firstString(userinfo?.name, idToken.name, userinfo?.preferred_username, idToken.preferred_username);
  return {
    issuer: String(idToken.iss),
    subject: String(idToken.sub),
    email: typeof emailSource.email === 'string' ? emailSource.email : null,
    emailVerified: isEmailVerified(emailSource.email_verified),
    groups: groupsFromClaim(groupsSource[groupsClaim]),
    name,
  };
}

/** Every rule a login must pass before any account is looked up or created, in a fixed order. */
export function checkIdentity(identity: OidcIdentity, allowedDomains: readonly string[]): OidcDecision {
  if (!identity.email)
    return {
      allowed: false,
      reason: 'email_missing',
      detail: 'the identity provider sent no email address for this account',
    };
  if (!identity.emailVerified) {
    return {
      allowed: false,
      reason: 'email_not_verified',
      detail: `the identity provider has not verified the email address ${identity.email}`,
    };
  }
  if (!emailDomainAllowed(identity.email, allowedDomains)) {
    return {
      allowed: false,
      reason: 'domain_not_allowed',
      detail: `email addresses at this domain may not sign in to Berth (allowed: ${allowedDomains.join(', ')})`,
    };
  }
  return { allowed: true, email: identity.email.toLowerCase() };
}

function firstString(...values: unknown[]): string | null {
  const found = values.find((v): v is string => typeof v === 'string' && v.trim().length > 0);
  return found === undefined ? null : found.trim();
}
