import {
  checkIdentity,
  emailDomainAllowed,
  groupsFromClaim,
  identityFromClaims,
  isEmailVerified,
  parseAllowedDomains,
  roleFromGroups,
  type OidcIdentity,
} from './oidc-rules.js';
import { isLoopbackHttp } from './oidc-settings.js';

describe('emailDomainAllowed: exact domain match', () => {
  const allowed = ['example.com'];

  it.each(['alice@example.com', 'alice@EXAMPLE.COM', 'Alice@Example.Com', '"a@b"@example.com'])(
    'allows %s for example.com',
    (email) => {
      expect(emailDomainAllowed(email, allowed)).toBe(true);
    },
  );

  it.each([
    ["a look-alike that ends with the domain (Coder's bug)", 'eve@evil-example.com'],
    ['the domain as a prefix of another', 'eve@example.com.evil.io'],
    ['a subdomain', 'eve@sub.example.com'],
    ['a trailing dot', 'eve@example.com.'],
    ['another domain after a second @', 'eve@example.com@evil.io'],
    ['a Unicode look-alike (Kelvin sign lower-cases to k)', 'eve@example.co\u212A'],
    ['a leading space in the domain', 'eve@ example.com'],
    ['no domain at all', 'eve@'],
    ['no local part', '@example.com'],
    ['no @', 'example.com'],
  ])('refuses %s', (_, email) => {
    expect(emailDomainAllowed(email, allowed)).toBe(false);
  });

  it('with several domains, each is matched exactly', () => {
    expect(emailDomainAllowed('a@corp.example.org', ['example.com', 'corp.example.org'])).toBe(true);
    expect(emailDomainAllowed('a@example.org', ['example.com', 'corp.example.org'])).toBe(false);
  });

  it('an empty list allows any well-formed domain (verification is still required elsewhere)', () => {
    expect(emailDomainAllowed('a@anything.test', [])).toBe(true);
    expect(emailDomainAllowed('a@', [])).toBe(false);
  });
});

describe('parseAllowedDomains', () => {
  it('splits, trims, lower-cases, tolerates a leading @ and ignores empty entries', () => {
    expect(parseAllowedDomains(' Example.COM, @corp.example.org ,, ')).toEqual(['example.com', 'corp.example.org']);
    expect(parseAllowedDomains('')).toEqual([]);
  });

  it.each(['*.example.com', 'example', 'a b.com', 'alice@example.com', '-bad.com', 'exämple.com'])(
    'refuses "%s" at start-up',
    (entry) => {
      expect(() => parseAllowedDomains(entry)).toThrow(/BERTH_OIDC_ALLOWED_DOMAINS/);
    },
  );
});

describe('isEmailVerified: only the boolean true counts', () => {
  it.each([
    [true, true],
    [false, false],
    ['true', false],
    [1, false],
    [undefined, false],
    [null, false],
    ['yes', false],
  ])('%p → %p', (claim, expected) => {
    expect(isEmailVerified(claim)).toBe(expected);
  });
});

describe('groups and role', () => {
  it('reads a list, a single string, or nothing', () => {
    expect(groupsFromClaim(['a', 'b', 3, null])).toEqual(['a', 'b']);
    expect(groupsFromClaim('admins')).toEqual(['admins']);
    expect(groupsFromClaim(undefined)).toEqual([]);
    expect(groupsFromClaim({ admins: true })).toEqual([]);
  });

  it('admin only with the exact admin group, and only when one is configured', () => {
    expect(roleFromGroups(['staff', 'berth-admins'], 'berth-admins')).toBe('admin');
    expect(roleFromGroups(['staff', 'Berth-Admins', 'berth-admins-old'], 'berth-admins')).toBe('developer');
    expect(roleFromGroups(['berth-admins'], undefined)).toBe('developer');
    expect(roleFromGroups([''], '')).toBe('developer');
  });
});

describe('identityFromClaims', () => {
  const idToken = {
    iss: 'https://idp.test',
    sub: 'abc',
    aud: 'berth',
    email: 'id@example.com',
    email_verified: true,
    groups: ['from-id-token'],
  };

  it('takes email and email_verified as a pair from userinfo when it has an email', () => {
    const identity = identityFromClaims(
      idToken,
      { sub: 'abc', email: 'info@example.com', groups: ['from-userinfo'], name: 'Info' },
      'groups',
    );
    // userinfo's email without a verified flag must not borrow the ID token's `true`.
    expect(identity).toEqual({
      issuer: 'https://idp.test',
      subject: 'abc',
      email: 'info@example.com',
      emailVerified: false,
      groups: ['from-userinfo'],
      name: 'Info',
    });
  });

  it('falls back to the ID token when userinfo is absent or has no email', () => {
    expect(identityFromClaims(idToken, undefined, 'groups')).toMatchObject({
      email: 'id@example.com',
      emailVerified: true,
      groups: ['from-id-token'],
      name: null,
    });
    expect(identityFromClaims(idToken, { sub: 'abc' }, 'groups')).toMatchObject({
      email: 'id@example.com',
      emailVerified: true,
      groups: ['from-id-token'],
    });
  });

  it('reads groups from the configured claim and a name from preferred_username when there is no name', () => {
    expect(
      identityFromClaims({ ...idToken, roles: ['r1'], preferred_username: ' jdoe ' }, undefined, 'roles'),
    ).toMatchObject({ groups: ['r1'], name: 'jdoe' });
  });
});

describe('checkIdentity', () => {
  const base: OidcIdentity = {
    issuer: 'https://idp.test',
    subject: 's',
    email: 'Alice@Example.com',
    emailVerified: true,
    groups: [],
    name: null,
  };

  it('allows a verified email at an allowed domain, lower-cased', () => {
    expect(checkIdentity(base, ['example.com'])).toEqual({ allowed: true, email: 'alice@example.com' });
  });

  it.each([
    [{ email: null }, 'email_missing'],
    [{ emailVerified: false }, 'email_not_verified'],
    [{ email: 'eve@evil-example.com' }, 'domain_not_allowed'],
    // Unverified is reported even when the domain is wrong too: the first failed rule wins.
    [{ email: 'eve@evil-example.com', emailVerified: false }, 'email_not_verified'],
  ] as const)('refuses %p with %s', (change, reason) => {
    expect(checkIdentity({ ...base, ...change }, ['example.com'])).toMatchObject({ allowed: false, reason });
  });
});

describe('isLoopbackHttp: when plain http is tolerated for the issuer', () => {
  it.each([
    ['http://127.0.0.1:9000', true],
    ['http://127.8.9.10/', true],
    ['http://[::1]:9000', true],
    ['http://localhost:9000', false],
    ['http://10.0.0.5', false],
    ['http://127.0.0.1.evil.io', false],
    ['https://127.0.0.1', false],
  ])('%s → %p', (url, expected) => {
    expect(isLoopbackHttp(new URL(url))).toBe(expected);
  });
});
