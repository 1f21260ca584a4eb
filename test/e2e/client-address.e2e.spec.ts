import http from 'node:http';
import { ApiClient, signIn, testAdmin, testBaseUrl, uniqueName } from '#testing';

/**
 * Whose X-Forwarded-For counts: the test server trusts 127.0.0.2 only (BERTH_TRUSTED_PROXIES in
 * test/setup/test-env.ts). Linux routes all of 127/8 to loopback, so a request can come from
 * 127.0.0.3 (a direct client with a budget of its own) or from 127.0.0.2 (the reverse proxy).
 */
describe('client addresses: X-Forwarded-For only from trusted proxies', () => {
  const base = new URL(testBaseUrl());
  let admin: ApiClient;
  const limit = 100; // BERTH_LOGIN_ADDRESS_LIMIT in the test environment

  const login = (from: string, email: string, forwardedFor?: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ email, password: 'not-the-password' });
      const req = http.request(
        {
          host: base.hostname,
          port: base.port,
          localAddress: from,
          method: 'POST',
          path: '/api/v1/auth/login',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const auditedAddress = async (email: string): Promise<string | null | undefined> => {
    const audit = (await admin.get(`/audit?action=auth.login&outcome=failure&limit=500`)).body as {
      events: { actorEmail: string | null; ip: string | null }[];
    };
    return audit.events.find((e) => e.actorEmail === email)?.ip;
  };

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
  });

  it('ignores a forged X-Forwarded-For from a direct client: same budget, real address audited', async () => {
    const statuses: number[] = [];
    // Every attempt claims a fresh address and tries a fresh account: neither buys a new budget.
    for (let i = 0; i <= limit; i++)
      statuses.push(await login('127.0.0.3', `${uniqueName('spray')}@berth.test`, `203.0.113.${i % 250}`));
    expect(statuses.slice(0, limit).every((s) => s === 401)).toBe(true);
    expect(statuses[limit]).toBe(429);
    const email = `${uniqueName('forged')}@berth.test`;
    expect(await login('127.0.0.3', email, '198.51.100.99')).toBe(429);
    expect(await auditedAddress(email)).toMatch(/127\.0\.0\.3$/);
  });

  it("counts the client a trusted proxy names, and audits that client's address", async () => {
    const email = `${uniqueName('proxied')}@berth.test`;
    expect(await login('127.0.0.2', email, '198.51.100.7')).toBe(401);
    expect(await auditedAddress(email)).toBe('198.51.100.7');
    // Clients behind the proxy have budgets of their own: spending one leaves the next untouched.
    for (let i = 0; i < limit; i++) await login('127.0.0.2', `${uniqueName('p')}@berth.test`, '198.51.100.8');
    expect(await login('127.0.0.2', `${uniqueName('p')}@berth.test`, '198.51.100.8')).toBe(429);
    expect(await login('127.0.0.2', `${uniqueName('p')}@berth.test`, '198.51.100.9')).toBe(401);
  });

  it('limits each account on its own, from any address', async () => {
    const email = `${uniqueName('target')}@berth.test`;
    const statuses: number[] = [];
    for (let i = 0; i <= 30; i++) statuses.push(await login('127.0.0.2', email, `192.0.2.${i + 1}`));
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses[30]).toBe(429); // BERTH_LOGIN_LIMIT (30) per account, whatever address tries
  });
});
