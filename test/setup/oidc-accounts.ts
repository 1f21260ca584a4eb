/**
 * The test IdP's users, keyed by the login name typed at its sign-in step. `sub` is the IdP's
 * stable id (what Berth links by); the other fields are the claims the IdP releases. Each account
 * exists for one case of test/e2e/oidc.e2e.spec.ts.
 */
export interface IdpAccount {
  sub: string;
  email: string;
  /** `unknown` on purpose: one account sends the string "true", which must not count. */
  email_verified: unknown;
  groups: string[];
  name: string;
}

export const IDP_CLIENT = { id: 'berth-e2e', secret: 'berth-e2e-client-secret-0123456789' };

export const IDP_ACCOUNTS = {
  /** A developer; logs in twice. */
  alice: {
    sub: 'idp-0001-alice',
    email: 'alice@example.com',
    email_verified: true,
    groups: ['staff'],
    name: 'Alice Example',
  },
  /** In the admin group; mixed-case email (domains compare case-insensitively). */
  ada: {
    sub: 'idp-0002-ada',
    email: 'Ada@Example.COM',
    email_verified: true,
    groups: ['staff', 'berth-admins'],
    name: 'Ada Admin',
  },
  /** Coder's failure: a look-alike domain that ends with the allowed one. */
  eve: {
    sub: 'idp-0003-eve',
    email: 'eve@evil-example.com',
    email_verified: true,
    groups: ['berth-admins'],
    name: 'Eve',
  },
  /** Right domain, email not verified by the IdP. */
  ursula: {
    sub: 'idp-0004-ursula',
    email: 'ursula@example.com',
    email_verified: false,
    groups: [],
    name: 'Ursula Unverified',
  },
  /** email_verified as the STRING "true": not a boolean, so not verified. */
  sam: { sub: 'idp-0005-sam', email: 'sam@example.com', email_verified: 'true', groups: [], name: 'Sam String' },
  /** A different IdP account claiming alice's (verified) email: must not get alice's Berth account. */
  mallory: {
    sub: 'idp-0006-mallory',
    email: 'alice@example.com',
    email_verified: true,
    groups: ['berth-admins'],
    name: 'Mallory',
  },
  /** Has a password account in Berth (created by the test) with this email, never linked. */
  pat: { sub: 'idp-0007-pat', email: 'pat@example.com', email_verified: true, groups: [], name: 'Pat Password' },
  /** Signs in once, is deactivated by an admin, then is refused. */
  dora: { sub: 'idp-0008-dora', email: 'dora@example.com', email_verified: true, groups: [], name: 'Dora Deactivated' },
} satisfies Record<string, IdpAccount>;

export type IdpLogin = keyof typeof IDP_ACCOUNTS;
