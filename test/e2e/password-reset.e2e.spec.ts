import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import request from 'supertest';
import { ApiClient, createDeveloper, signIn, testAdmin, testBaseUrl, uniqueName, waitFor } from '#testing';
import { testEnv } from '../setup/test-env.js';

interface Reset {
  code: string;
  url: string;
  expiresAt: string;
}

const api = () => request(testBaseUrl());
const redeem = (code: string, password: string) => api().post('/api/v1/auth/password-reset').send({ code, password });
const login = (email: string, password: string) => api().post('/api/v1/auth/login').send({ email, password });

/**
 * Admin-made password resets: a one-time code (and a portal link carrying it), redeemed without
 * signing in. It works once, not after its time, not for developers to make, and it ends the
 * user's sessions and the old password.
 */
describe('password reset by an admin', () => {
  let admin: ApiClient;
  let redis: Redis;

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    redis = new Redis(testEnv().REDIS_URL!);
  });
  afterAll(async () => {
    await redis.quit();
  });

  async function newUser(): Promise<{ id: string; email: string; password: string }> {
    const email = `${uniqueName('reset')}@berth.test`;
    const password = 'original-password-1';
    const res = await admin.post('/users', { email, name: 'Reset', password, role: 'developer' });
    expect(res.status).toBe(201);
    return { id: (res.body as { id: string }).id, email, password };
  }

  it('works once: new password in, old password and every session out, audited', async () => {
    const user = await newUser();
    const agent = request.agent(testBaseUrl());
    expect((await agent.post('/api/v1/auth/login').send({ email: user.email, password: user.password })).status).toBe(
      200,
    );
    const token = await signIn(user.email, user.password);
    const created = await admin.post(`/users/${user.id}/password-reset`, {});
    expect(created.status).toBe(201);
    const reset = created.body as Reset;
    expect(reset.code.length).toBeGreaterThanOrEqual(32);
    expect(reset.url).toContain(`/reset-password#code=${reset.code}`);
    expect(Date.parse(reset.expiresAt)).toBeGreaterThan(Date.now());
    // Stored hashed: the code itself is nowhere in Redis.
    const keys = await redis.keys(`berth-${testEnv().BERTH_INSTANCE}:password-reset:*`);
    for (const key of keys) {
      expect(key).not.toContain(reset.code);
      expect(await redis.type(key)).toBe('string');
      expect(await redis.get(key)).not.toContain(reset.code);
    }

    expect((await redeem(reset.code, 'short')).status).toBe(400); // too short: the code is not spent
    expect((await redeem(reset.code, 'brand-new-password-1')).status).toBe(204);
    expect((await agent.get('/api/v1/users/me')).status).toBe(401); // the session ended
    expect((await token.get('/users/me')).status).toBe(200); // tokens are not sessions: they stay
    expect((await login(user.email, user.password)).status).toBe(401);
    expect((await login(user.email, 'brand-new-password-1')).status).toBe(200);

    const second = await redeem(reset.code, 'another-password-12');
    expect(second.status).toBe(400);
    expect(second.headers['content-type']).toContain('application/problem+json');
    expect((await login(user.email, 'another-password-12')).status).toBe(401);

    const audit = await admin.get(`/audit?targetId=${user.id}&limit=50`);
    const actions = ((audit.body as { events?: { action: string }[] }).events ?? []).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['users.createPasswordReset', 'auth.password-reset.redeemed']));
  });

  it('an expired code is refused', async () => {
    const user = await newUser();
    const reset = (await admin.post(`/users/${user.id}/password-reset`, {})).body as Reset;
    const key = `berth-${testEnv().BERTH_INSTANCE}:password-reset:code:${createHash('sha256').update(reset.code).digest('hex')}`;
    // Time passes: Redis expires the code as its TTL would (no waiting out the real hour).
    expect(await redis.pexpire(key, 1)).toBe(1);
    await waitFor(
      () => redis.exists(key),
      (n) => n === 0,
      'the code to expire',
    );
    const res = await redeem(reset.code, 'brand-new-password-1');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((await login(user.email, user.password)).status).toBe(200);
  });

  it('a newer reset voids the older code', async () => {
    const user = await newUser();
    const first = (await admin.post(`/users/${user.id}/password-reset`, {})).body as Reset;
    const second = (await admin.post(`/users/${user.id}/password-reset`, {})).body as Reset;
    expect((await redeem(first.code, 'brand-new-password-1')).status).toBe(400);
    expect((await redeem(second.code, 'brand-new-password-1')).status).toBe(204);
  });

  it('developers cannot make resets, for others or themselves; unknown users are 404', async () => {
    const { client: dev, id } = await createDeveloper(admin);
    const other = await newUser();
    expect((await dev.post(`/users/${other.id}/password-reset`, {})).status).toBe(403);
    expect((await dev.post(`/users/${id}/password-reset`, {})).status).toBe(403);
    expect((await admin.post(`/users/00000000-0000-4000-8000-000000000000/password-reset`, {})).status).toBe(404);
  });
});
