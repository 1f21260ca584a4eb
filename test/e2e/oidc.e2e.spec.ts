import { signIn, testAdmin, testBaseUrl, type ApiClient } from '#testing';
import { IDP_ACCOUNTS, type IdpLogin } from '../setup/oidc-accounts.js';
import { Browser, signInWithIdp } from '../setup/oidc-browser.js';

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: string;
  active?: boolean;
}
interface AuditRow {
  actorId: string | null;
  actorEmail: string | null;
  via: string;
  targetId: string | null;
  outcome: string;
  details: Record<string, unknown>;
}

/**
 * Single sign-on end to end, against a real OpenID Provider on 127.0.0.1 (started by the global
 * setup before the API, which discovers it at boot): every login goes Berth → IdP → Berth over
 * real HTTP with PKCE, state, nonce, a signed ID token and userinfo. The refusals are the anchors'
 * failures: a look-alike domain, an unverified email, and linking by email alone.
 */
describe('single sign-on (OIDC)', () => {
  const base = testBaseUrl();
  let admin: ApiClient;

  const usersWithEmail = async (email: string): Promise<UserRow[]> =>
    ((await admin.get('/users')).body as UserRow[]).filter((u) => u.email === email.toLowerCase());
  const oidcAudit = async (outcome: 'success' | 'failure', subject?: string): Promise<AuditRow[]> => {
    const res = await admin.get(`/audit?action=auth.oidc.login&outcome=${outcome}&limit=500`);
    expect(res.status).toBe(200);
    return (res.body as { events: AuditRow[] }).events.filter(
      (e) => subject === undefined || e.details.subject === subject,
    );
  };
  const failuresFor = async (reason: string): Promise<number> =>
    (await oidcAudit('failure')).filter((e) => e.details.reason === reason).length;
  const login = async (who: IdpLogin): Promise<{ browser: Browser; res: Response }> => {
    const browser = new Browser();
    return { browser, res: await signInWithIdp(browser, base, who) };
  };
  const me = async (browser: Browser): Promise<UserRow> => {
    const res = await browser.request(`${base}/api/v1/users/me`);
    expect(res.status).toBe(200);
    return (await res.json()) as UserRow;
  };
  const expectRefusal = async (res: Response, status: number, reason: string, detail: RegExp): Promise<void> => {
    const text = await res.text();
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.parse(text)).toMatchObject({ status, reason, detail: expect.stringMatching(detail) as string });
    expect(text).not.toMatch(/at \w+ \(|node_modules|\.js:\d+/); // no stack traces
  };

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
  });

  it('tells the portal that single sign-on is available', async () => {
    const res = await fetch(`${base}/api/v1/auth/providers`);
    expect(await res.json()).toEqual({ password: true, oidc: { enabled: true, loginUrl: '/api/v1/auth/oidc/login' } });
  });

  it('the login route sends the browser to the IdP with PKCE (S256), state and nonce', async () => {
    const res = await new Browser().request(`${base}/api/v1/auth/oidc/login`);
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location') ?? '');
    expect(to.origin).toBe(process.env.BERTH_OIDC_ISSUER);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: process.env.BERTH_OIDC_CLIENT_ID,
      redirect_uri: `${base}/api/v1/auth/oidc/callback`,
      scope: 'openid email profile groups',
      code_challenge_method: 'S256',
    });
    for (const p of ['code_challenge', 'state', 'nonce']) expect(to.searchParams.get(p)).toMatch(/^[\w-]{20,}$/);
  });

  it('(a) a first login creates a developer and a session; a second login by the same subject is the same user', async () => {
    const first = await login('alice');
    expect(first.res.status).toBe(302);
    expect(first.res.headers.get('location')).toBe('/');
    const alice = await me(first.browser);
    expect(alice).toMatchObject({ email: 'alice@example.com', name: 'Alice Example', role: 'developer' });

    // The session behaves like a password one: a change needs the berth_csrf cookie's value echoed.
    const csrf = first.browser.cookies.get('berth_csrf') ?? '';
    expect(csrf).not.toBe('');
    const token = await first.browser.request(`${base}/api/v1/tokens`, {
      method: 'POST',
      headers: { 'x-csrf-token': csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'from-sso' }),
    });
    expect(token.status).toBe(201);

    const second = await login('alice');
    expect(second.res.status).toBe(302);
    expect((await me(second.browser)).id).toBe(alice.id);
    expect(await usersWithEmail('alice@example.com')).toHaveLength(1);

    const successes = await oidcAudit('success', IDP_ACCOUNTS.alice.sub);
    expect(successes.map((e) => e.details.created).sort()).toEqual([false, true]);
    expect(successes[0]).toMatchObject({ actorId: alice.id, via: 'oidc', targetId: alice.id });
  });

  it('the session id changes at login (no fixation through the pre-login session)', async () => {
    const browser = new Browser();
    await browser.request(`${base}/api/v1/auth/oidc/login`);
    const before = browser.cookies.get('berth_session');
    expect(before).toBeDefined();
    const res = await signInWithIdp(browser, base, 'alice');
    expect(res.status).toBe(302);
    expect(browser.cookies.get('berth_session')).not.toBe(before);
  });

  it('(b) a member of the admin group becomes an admin; the email is stored in lower case', async () => {
    const { browser, res } = await login('ada');
    expect(res.status).toBe(302);
    expect(await me(browser)).toMatchObject({ email: 'ada@example.com', name: 'Ada Admin', role: 'admin' });
  });

  it.each([
    [
      'eve',
      'a look-alike domain (evil-example.com when example.com is allowed)',
      'domain_not_allowed',
      /at this domain may not sign in/,
    ],
    ['ursula', 'email_verified: false', 'email_not_verified', /has not verified the email address ursula@example.com/],
    ['sam', 'email_verified: "true" (a string, not a boolean)', 'email_not_verified', /has not verified/],
  ] as const)('(c, d) %s with %s is refused: 403, no user, an audit failure', async (who, _, reason, detail) => {
    const { browser, res } = await login(who);
    expect(res.status).toBe(403);
    await expectRefusal(res, 403, reason, detail);
    expect(browser.cookies.has('berth_csrf')).toBe(false);
    expect((await browser.request(`${base}/api/v1/users/me`)).status).toBe(401);
    expect(await usersWithEmail(IDP_ACCOUNTS[who].email)).toEqual([]);
    const failures = await oidcAudit('failure', IDP_ACCOUNTS[who].sub);
    expect(failures.length).toBeGreaterThan(0);
    expect(failures[0]).toMatchObject({
      actorId: null,
      via: 'oidc',
      actorEmail: IDP_ACCOUNTS[who].email,
      details: { reason },
    });
  });

  it('(e) another IdP account with the email of an SSO user gets neither that account nor a new one', async () => {
    expect((await login('alice')).res.status).toBe(302); // alice exists, linked to her own subject
    const [alice] = await usersWithEmail('alice@example.com');

    const { browser, res } = await login('mallory');
    await expectRefusal(res, 403, 'email_in_use', /already exists and is not linked.*never links accounts by email/);
    expect((await browser.request(`${base}/api/v1/users/me`)).status).toBe(401);
    expect(await usersWithEmail('alice@example.com')).toEqual([alice]); // still one, still a developer

    const [failure] = await oidcAudit('failure', IDP_ACCOUNTS.mallory.sub);
    expect(failure).toMatchObject({
      actorId: null,
      actorEmail: 'alice@example.com',
      targetId: alice?.id,
      details: { reason: 'email_in_use' },
    });
  });

  it('(e) an existing password account is never taken over by a single sign-on with its email', async () => {
    const created = await admin.post('/users', {
      email: 'pat@example.com',
      name: 'Pat',
      password: 'pat-password-123',
      role: 'developer',
    });
    expect(created.status).toBe(201);
    const pat = created.body as UserRow;

    const { res } = await login('pat');
    await expectRefusal(res, 403, 'email_in_use', /pat@example.com already exists/);
    expect(await usersWithEmail('pat@example.com')).toHaveLength(1);
    expect((await oidcAudit('failure', IDP_ACCOUNTS.pat.sub))[0]).toMatchObject({
      targetId: pat.id,
      details: { reason: 'email_in_use' },
    });

    // Pat's own password still works, and still leads to the same account.
    const agent = new Browser();
    const byPassword = await agent.request(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'pat@example.com', password: 'pat-password-123' }),
    });
    expect(byPassword.status).toBe(200);
    expect((await me(agent)).id).toBe(pat.id);
  });

  it('a deactivated SSO user is refused, and their existing session ends', async () => {
    const first = await login('dora');
    expect(first.res.status).toBe(302);
    const dora = await me(first.browser);
    expect((await admin.delete(`/users/${dora.id}`)).status).toBe(204);

    const again = await login('dora');
    await expectRefusal(again.res, 403, 'deactivated', /deactivated/);
    expect((await first.browser.request(`${base}/api/v1/users/me`)).status).toBe(401);
    expect((await oidcAudit('failure', IDP_ACCOUNTS.dora.sub))[0]).toMatchObject({
      targetId: dora.id,
      details: { reason: 'deactivated' },
    });
  });

  it('a callback that no login started (forged or replayed) answers 401 and is audited', async () => {
    const before = await failuresFor('no_login_in_progress');
    const res = await new Browser().request(`${base}/api/v1/auth/oidc/callback?code=forged&state=forged`);
    await expectRefusal(res, 401, 'no_login_in_progress', /no single sign-on was started/);
    expect(await failuresFor('no_login_in_progress')).toBe(before + 1);
  });

  it('a callback whose state does not match the one this browser was given is refused and audited', async () => {
    const before = await failuresFor('invalid_response');
    const browser = new Browser();
    const start = await browser.request(`${base}/api/v1/auth/oidc/login`);
    const issued = new URL(start.headers.get('location') ?? '');
    const res = await browser.request(
      `${base}/api/v1/auth/oidc/callback?code=whatever&state=not-${issued.searchParams.get('state') ?? ''}&iss=${encodeURIComponent(issued.origin)}`,
    );
    await expectRefusal(res, 401, 'invalid_response', /could not be verified/);
    expect(await failuresFor('invalid_response')).toBe(before + 1);
  });
});
