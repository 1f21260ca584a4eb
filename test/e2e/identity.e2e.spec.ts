import { createHash } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import {
  ApiClient,
  containersOf,
  createDeveloper,
  dockerExec,
  readFromVolume,
  signIn,
  testAdmin,
  testBaseUrl,
  typedBody,
  typedList,
  uniqueName,
  volumesOf,
  waitFor,
} from '#testing';
import { testEnv } from '../setup/test-env.js';

/** Identity and access over real HTTP and the real database: tokens, sessions, deactivation, audit. */
describe('identity and access', () => {
  let admin: ApiClient;
  let db: pg.Client;
  let templateId: string;

  const sessionCookie = (res: request.Response): string =>
    /berth_session=[^;]+/.exec(String(res.headers['set-cookie']))?.[0] ?? '';

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    db = new pg.Client({ connectionString: testEnv().DATABASE_URL });
    await db.connect();
    templateId = typedBody(
      await admin.post('/templates', { name: uniqueName('idt'), spec: { image: 'berth/busybox:test' } }),
      'Template',
    ).id;
  });
  afterAll(() => db.end());

  describe('tokens', () => {
    it('are shown once, prefixed berth_, and only their sha256 is stored', async () => {
      const created = await admin.post('/tokens', { name: 'hash-check' });
      expect(created.status).toBe(201);
      const { token, id } = typedBody(created, 'CreatedToken');
      expect(token).toMatch(/^berth_[A-Za-z0-9_-]{43}$/);
      const rows = await db.query<{ tokenHash: string; row: string }>(
        'SELECT "tokenHash", row_to_json(t)::text AS row FROM "ApiToken" t WHERE id = $1',
        [id],
      );
      expect(rows.rows[0]?.tokenHash).toBe(createHash('sha256').update(token).digest('hex'));
      expect(rows.rows[0]?.row).not.toContain(token.slice(6));
      const listed = typedList(await admin.get('/tokens'), 'Token');
      expect(JSON.stringify(listed)).not.toContain(token.slice(6));
      expect(listed.find((t) => t.id === id)).toMatchObject({
        name: 'hash-check',
        prefix: token.slice(0, 12),
        scopes: ['all'],
      });
    });

    it('stop working at once when revoked, and when expired', async () => {
      const { token, id } = typedBody(
        await admin.post('/tokens', { name: 'short-lived', expiresInDays: 1 }),
        'CreatedToken',
      );
      const client = new ApiClient(token);
      expect((await client.get('/users/me')).status).toBe(200);
      expect((await admin.get('/tokens')).body).toEqual(
        expect.arrayContaining([expect.objectContaining({ id, lastUsedAt: expect.any(String) as string })]),
      );
      await db.query(`UPDATE "ApiToken" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [id]);
      // A real expiry is checked on every request, from the cached verdict's own expiresAt. This
      // one is written behind Berth's back (no request can move an expiry), so it is seen once the
      // verdict cache lets go of the token (BERTH_TOKEN_CACHE_TTL_MS, 10 s by default).
      await waitFor(
        async () => (await client.get('/users/me')).status,
        (status) => status === 401,
        'the expired token to be refused',
        30_000,
      );

      const other = typedBody(await admin.post('/tokens', { name: 'revoked' }), 'CreatedToken');
      expect((await new ApiClient(other.token).get('/users/me')).status).toBe(200);
      expect((await admin.delete(`/tokens/${other.id}`)).status).toBe(204);
      expect((await new ApiClient(other.token).get('/users/me')).status).toBe(401);
    });

    it('are limited to their scopes: workspaces:read cannot start a workspace', async () => {
      const { client: dev } = await createDeveloper(admin);
      const ws = typedBody(await dev.post('/workspaces', { name: uniqueName('scoped'), templateId }), 'Workspace');
      await dev.waitForStatus(ws.id, 'running');
      const readOnly = new ApiClient(
        typedBody(await dev.post('/tokens', { name: 'ro', scopes: ['workspaces:read'] }), 'CreatedToken').token,
      );
      expect((await readOnly.get(`/workspaces/${ws.id}`)).status).toBe(200);
      const refused = await readOnly.post(`/workspaces/${ws.id}/stop`);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ requiredScope: 'workspaces:write' });
      expect((await readOnly.post('/tokens', { name: 'escalate' })).status).toBe(403); // token management needs `all`
      const writer = new ApiClient(
        typedBody(await dev.post('/tokens', { name: 'rw', scopes: ['workspaces:write'] }), 'CreatedToken').token,
      );
      expect((await writer.post(`/workspaces/${ws.id}/stop`)).status).toBe(202);
      expect((await dev.post('/tokens', { name: 'bad', scopes: ['root'] })).status).toBe(400);
      await dev.waitForStatus(ws.id, 'stopped');
      await dev.delete(`/workspaces/${ws.id}`);
    });

    it('can be created by an admin on behalf of a user, which is audited', async () => {
      const email = `${uniqueName('onboard')}@berth.test`;
      const user = typedBody(await admin.post('/users', { email, name: 'New Hire', role: 'developer' }), 'User');
      const res = await admin.post(`/users/${user.id}/tokens`, {
        name: 'onboarding',
        scopes: ['workspaces:write'],
        expiresInDays: 7,
      });
      expect(res.status).toBe(201);
      const asUser = new ApiClient(typedBody(res, 'CreatedToken').token);
      expect((await asUser.get('/users/me')).body).toMatchObject({ id: user.id, email });
      const ws = await asUser.post('/workspaces', { name: 'first', templateId });
      expect(ws.status).toBe(202);
      const audit = typedBody(await admin.get(`/audit?action=users.createToken&targetId=${user.id}`), 'AuditPage');
      expect(audit.events[0]).toMatchObject({
        action: 'users.createToken',
        actorEmail: testAdmin.email,
        targetId: user.id,
        outcome: 'success',
        ip: expect.any(String) as string,
      });
      await asUser.delete(`/workspaces/${typedBody(ws, 'Workspace').id}`);
    });
  });

  describe('sessions', () => {
    it('get a new id at every login, and logout ends the session', async () => {
      const agent = request.agent(testBaseUrl());
      const first = sessionCookie(await agent.post('/api/v1/auth/login').send(testAdmin));
      const second = sessionCookie(await agent.post('/api/v1/auth/login').send(testAdmin));
      expect(first).not.toBe('');
      expect(second).not.toBe(first);
      // The replaced session is gone server-side, not just forgotten by this client.
      expect((await request(testBaseUrl()).get('/api/v1/users/me').set('Cookie', first)).status).toBe(401);
      expect((await request(testBaseUrl()).get('/api/v1/users/me').set('Cookie', second)).status).toBe(200);
      const res = await agent.post('/api/v1/auth/login').send(testAdmin);
      const csrf = /berth_csrf=([^;]+)/.exec(String(res.headers['set-cookie']))?.[1] ?? '';
      const third = sessionCookie(res);
      expect(String(res.headers['set-cookie'])).toMatch(/berth_session=[^;]+;.*HttpOnly.*SameSite=Lax/i);
      expect((await agent.post('/api/v1/auth/logout').set('x-csrf-token', csrf)).status).toBe(204);
      expect((await request(testBaseUrl()).get('/api/v1/users/me').set('Cookie', third)).status).toBe(401);
    });

    it('deactivation ends sessions and tokens at once and stops running workspaces', async () => {
      const email = `${uniqueName('leaver')}@berth.test`;
      const password = 'a-long-enough-password';
      const user = typedBody(
        await admin.post('/users', { email, name: 'Leaver', password, role: 'developer' }),
        'User',
      );
      const cookie = sessionCookie(await request(testBaseUrl()).post('/api/v1/auth/login').send({ email, password }));
      const tokenClient = await signIn(email, password);
      const ws = typedBody(await tokenClient.post('/workspaces', { name: 'busy', templateId }), 'Workspace');
      await tokenClient.waitForStatus(ws.id, 'running');
      await dockerExec((await containersOf(ws.id))[0]!.Id, ['sh', '-c', 'echo kept > ~/kept']);

      expect((await admin.delete(`/users/${user.id}`)).status).toBe(204);
      expect((await request(testBaseUrl()).get('/api/v1/users/me').set('Cookie', cookie)).status).toBe(401);
      expect((await tokenClient.get('/users/me')).status).toBe(401);
      expect((await request(testBaseUrl()).post('/api/v1/auth/login').send({ email, password })).status).toBe(401);
      await admin.waitForStatus(ws.id, 'stopped');
      // Stopped, not deleted: the home volume and what was in it stay (an admin may hand it over).
      expect(await containersOf(ws.id)).toHaveLength(0);
      expect(await volumesOf(ws.id)).toHaveLength(1);
      expect(await readFromVolume(ws.id, 'kept')).toBe('kept\n');
      await admin.delete(`/workspaces/${ws.id}`);
    });

    it('refuses passwords shorter than the configured minimum', async () => {
      const res = await admin.post('/users', {
        email: `${uniqueName('short')}@berth.test`,
        name: 'S',
        password: 'short',
        role: 'developer',
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ field: 'password', detail: 'password must be at least 12 characters' });
    });
  });

  it(`throttles sign-in: 429 after ${testEnv().BERTH_LOGIN_LIMIT} attempts, and failed attempts are audited`, async () => {
    const email = `${uniqueName('guess')}@berth.test`;
    const limit = Number(testEnv().BERTH_LOGIN_LIMIT);
    const statuses: number[] = [];
    for (let i = 0; i <= limit; i++)
      statuses.push(
        (
          await request(testBaseUrl())
            .post('/api/v1/auth/login')
            .send({ email, password: `guess-${i}` })
        ).status,
      );
    expect(statuses.slice(0, limit).every((s) => s === 401)).toBe(true);
    expect(statuses[limit]).toBe(429);
    const audit = typedBody(await admin.get(`/audit?action=auth.login&outcome=failure&limit=500`), 'AuditPage');
    // Every wrong password, and the refusal (429) after them.
    expect(audit.events.filter((e) => e.actorEmail === email)).toHaveLength(limit + 1);
    expect(audit.events.find((e) => e.actorEmail === email)?.ip).toMatch(/127\.0\.0\.1/);
  });

  it('audit log: admins only, filtered, paginated', async () => {
    const { client: dev } = await createDeveloper(admin);
    expect((await dev.get('/audit')).status).toBe(403);
    const first = typedBody(await admin.get('/audit?limit=2'), 'AuditPage');
    expect(first.events).toHaveLength(2);
    const next = typedBody(await admin.get(`/audit?limit=2&before=${first.nextBefore ?? ''}`), 'AuditPage');
    expect(BigInt(next.events[0]!.id)).toBeLessThan(BigInt(first.events[1]!.id));
    expect((await admin.get('/audit?outcome=maybe')).status).toBe(400);
  });

  it('sends security headers (helmet)', async () => {
    const res = await request(testBaseUrl()).get('/healthz');
    expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN' });
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});
