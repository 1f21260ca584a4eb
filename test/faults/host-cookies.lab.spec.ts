import request from 'supertest';
import { testAdmin } from '#testing';
import { startLab, type Lab } from '../setup/fault-lab.js';

/**
 * Served over https (BERTH_PUBLIC_URL), the portal's session and CSRF cookies carry the `__Host-`
 * prefix (Secure, Path=/, no Domain), so no sibling subdomain can set or overwrite them. The TLS
 * proxy is played by the X-Forwarded-Proto header on a loopback connection.
 */
describe('portal cookies over https', () => {
  let lab: Lab;

  beforeAll(async () => {
    lab = await startLab({ name: 'host-cookies', env: { BERTH_PUBLIC_URL: 'https://berth.localhost' } });
    await lab.berth.startApi();
    await lab.berth.startWorker();
    await lab.berth.waitReady();
  });

  afterAll(async () => {
    await lab.teardown();
  });

  it('names them __Host-berth_session and __Host-berth_csrf, and they work', async () => {
    const agent = request.agent(lab.berth.baseUrl);
    const login = await agent
      .post('/api/v1/auth/login')
      .set('X-Forwarded-Proto', 'https')
      .send({ email: testAdmin.email, password: testAdmin.password });
    expect(login.status).toBe(200);
    const cookies = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]!.split('=')[0]);
    expect(cookies.sort()).toEqual(['__Host-berth_csrf', '__Host-berth_session']);
    for (const cookie of login.headers['set-cookie'] as unknown as string[]) {
      expect(cookie).toMatch(/; Path=\//);
      expect(cookie).toMatch(/; Secure/);
      expect(cookie).not.toMatch(/Domain=/i);
    }
    const csrf = /__Host-berth_csrf=([^;]+)/.exec(String(login.headers['set-cookie']))![1]!;
    // supertest's agent keeps Secure cookies only for https URLs: send them by hand.
    const jar = (login.headers['set-cookie'] as unknown as string[]).map((c) => c.split(';')[0]).join('; ');
    const me = await request(lab.berth.baseUrl).get('/api/v1/users/me').set('Cookie', jar);
    expect(me.status).toBe(200);
    const token = await request(lab.berth.baseUrl)
      .post('/api/v1/tokens')
      .set('Cookie', jar)
      .set('x-csrf-token', csrf)
      .send({ name: 'host-cookies' });
    expect(token.status).toBe(201);
    const logout = await request(lab.berth.baseUrl)
      .post('/api/v1/auth/logout')
      .set('Cookie', jar)
      .set('x-csrf-token', csrf);
    expect(logout.status).toBe(204);
    expect(String(logout.headers['set-cookie'])).toMatch(/__Host-berth_session=;.*Secure/);
  });
});
