import request from 'supertest';
import WebSocket from 'ws';
import { ApiClient, TestContext, testBaseUrl, uniqueName } from '#testing';

// A CGI app that echoes the request headers it receives and tries to set Berth's cookies.
const ECHO_APP = [
  'mkdir -p ~/www/cgi-bin',
  // CGI headers end in CRLF (Node's parser refuses bare LF); the script is written by printf, so \\r stays literal.
  `printf '#!/bin/sh\\nprintf "Content-Type: text/plain\\\\r\\nSet-Cookie: berth_session=evil; Path=/\\\\r\\n` +
    `Set-Cookie: __Host-berth_csrf=evil; Path=/; Secure\\\\r\\nSet-Cookie: app_pref=dark; Path=/\\\\r\\n\\\\r\\n"\\nenv\\n'` +
    ` > ~/www/cgi-bin/echo`,
  'chmod +x ~/www/cgi-bin/echo',
  'echo "hello from the app" > ~/www/index.html',
  'exec httpd -f -p 8000 -h ~/www',
].join(' && ');

/**
 * Forwarded ports on their own origins (BERTH_APPS_URL, `*.apps.localhost:<port>` here): Node
 * sends the Host header itself, as a browser would for `8000--<workspace>--<owner>.apps.localhost`.
 */
describe('app origins: each forwarded port on its own origin, behind a one-time ticket', () => {
  const base = testBaseUrl();
  const apiPort = new URL(base).port;
  let ctx: TestContext;
  let admin: ApiClient;
  let owner: ApiClient;
  let stranger: ApiClient;
  let workspaceId: string;
  let appHost: string;

  /** Follows the ticket route to the app origin and trades the ticket; answers the app cookie. */
  const signInToApp = async (client: ApiClient, path = '/'): Promise<string> => {
    const open = await client.get(`/workspaces/${workspaceId}/ports/8000/open?path=${encodeURIComponent(path)}`);
    expect(open.status).toBe(302);
    const location = new URL(String(open.headers.location));
    expect(location.host).toBe(appHost);
    const trade = await request(base).get(`${location.pathname}${location.search}`).set('Host', appHost);
    expect(trade.status).toBe(302);
    expect(trade.headers.location).toBe(path);
    const cookie = String(trade.headers['set-cookie']);
    expect(cookie).toMatch(/^berth_app=[^;]+; Path=\/; HttpOnly; SameSite=Lax$/); // host-only: no Domain
    // Single use: the same ticket does not work twice.
    expect((await request(base).get(`${location.pathname}${location.search}`).set('Host', appHost)).status).toBe(401);
    return cookie.split(';')[0]!;
  };

  beforeAll(async () => {
    ctx = await TestContext.create();
    admin = ctx.admin;
    ({ client: owner } = await ctx.newUser());
    ({ client: stranger } = await ctx.newUser());
    const { id: templateId } = await ctx.newTemplate(
      { maxPortShare: 'public', ports: [{ port: 8000, name: 'web' }], command: ['sh', '-c', ECHO_APP] },
      { prefix: 'apps' },
    );
    const name = uniqueName('app');
    ({ id: workspaceId } = await ctx.newWorkspace({ owner, templateId, name, status: 'running' }));
    const email = ((await owner.get('/users/me')).body as { email: string }).email;
    appHost = `8000--${name}--${email
      .split('@')[0]!
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 20)}.apps.localhost:${apiPort}`;
  });

  afterAll(() => ctx.cleanup());

  it('serves the app on its own host after a one-time ticket, for the owner only', async () => {
    const cookie = await signInToApp(owner, '/index.html');
    const page = await request(base).get('/index.html').set('Host', appHost).set('Cookie', cookie);
    expect(page.status).toBe(200);
    expect(page.text).toBe('hello from the app\n');
    // No cookie: not signed in on this origin. Another developer cannot even get a ticket.
    expect((await request(base).get('/index.html').set('Host', appHost)).status).toBe(401);
    expect((await stranger.get(`/workspaces/${workspaceId}/ports/8000/open`)).status).toBe(404);
    // The cookie is bound to its port: another port's host does not accept it.
    const otherPort = appHost.replace(/^8000--/, '8001--');
    expect((await request(base).get('/').set('Host', otherPort).set('Cookie', cookie)).status).toBe(401);
    // The first use per sign-in (the ticket trade) is audited.
    const audit = (await admin.get(`/audit?action=workspace.port.open&targetId=${workspaceId}`)).body as {
      events: { details: { port: number } }[];
    };
    expect(audit.events[0]?.details).toEqual({ port: 8000 });
  });

  it('sends an anonymous browser to the portal sign-in, which returns through the ticket route', async () => {
    const navigate = (path: string) =>
      request(base)
        .get(path)
        .set('Host', appHost)
        .set('Accept', 'text/html,application/xhtml+xml')
        .set('Sec-Fetch-Mode', 'navigate');
    for (const share of ['owner', 'authenticated'] as const) {
      expect((await owner.patch(`/workspaces/${workspaceId}/ports/8000`, { share })).status).toBe(204);
      const bounced = await navigate('/index.html?x=1');
      expect(bounced.status).toBe(302);
      const signInUrl = new URL(String(bounced.headers.location));
      expect(signInUrl.origin).toBe(new URL(base).origin); // BERTH_PUBLIC_URL
      expect(signInUrl.pathname).toBe('/');
      const back = signInUrl.searchParams.get('return')!;
      expect(back).toBe(`/api/v1/workspaces/${workspaceId}/ports/8000/open?path=%2Findex.html%3Fx%3D1`);
      // After signing in, the portal follows `return`: the ticket route, then the trade on the app origin.
      const open = await owner.get(back.replace(/^\/api\/v1/, ''));
      expect(open.status).toBe(302);
      const ticket = new URL(String(open.headers.location));
      expect(ticket.host).toBe(appHost);
      const trade = await request(base).get(`${ticket.pathname}${ticket.search}`).set('Host', appHost);
      expect(trade.status).toBe(302);
      expect(trade.headers.location).toBe('/index.html?x=1');
      // Scripts and fetches (no navigation) keep their plain 401.
      const fetched = await request(base).get('/index.html').set('Host', appHost).set('Sec-Fetch-Mode', 'cors');
      expect(fetched.status).toBe(401);
      expect((await request(base).get('/index.html').set('Host', appHost)).status).toBe(401);
    }
    // A public port is served to the anonymous browser directly.
    expect((await owner.patch(`/workspaces/${workspaceId}/ports/8000`, { share: 'public' })).status).toBe(204);
    expect((await navigate('/index.html')).status).toBe(200);
    expect((await owner.patch(`/workspaces/${workspaceId}/ports/8000`, { share: 'owner' })).status).toBe(204);
  });

  it('never lets a Berth cookie, the CSRF header or a token reach the app, nor the app set a Berth cookie', async () => {
    const cookie = await signInToApp(owner);
    const echo = await request(base)
      .get('/cgi-bin/echo')
      .set('Host', appHost)
      .set('Cookie', `${cookie}; berth_session=s%3Aportal; berth_csrf=abc; __Host-berth_csrf=def; theme=blue`)
      .set('X-CSRF-Token', 'abc');
    expect(echo.status).toBe(200);
    expect(echo.text).toContain('HTTP_COOKIE=theme=blue\n');
    expect(echo.text).not.toMatch(/berth_|HTTP_X_CSRF_TOKEN|HTTP_AUTHORIZATION/);
    const setCookies = (echo.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
    expect(setCookies).toEqual(['app_pref=dark; Path=/']);
    // A bearer token is a way in too, and is removed before the app sees the request.
    const withToken = await request(base)
      .get('/cgi-bin/echo')
      .set('Host', appHost)
      .set('Authorization', `Bearer ${owner.token}`);
    expect(withToken.status).toBe(200);
    expect(withToken.text).not.toMatch(/HTTP_AUTHORIZATION|berth_/);
  });

  it('refuses API calls coming from an app origin, and the portal keeps app origins out of frames', async () => {
    const fromApp = await request(base)
      .get('/api/v1/users/me')
      .set('Authorization', `Bearer ${owner.token}`)
      .set('Origin', `http://${appHost}`);
    expect(fromApp.status).toBe(403);
    expect(fromApp.headers['access-control-allow-origin']).toBeUndefined();
    const portal = await request(base).get('/');
    expect(String(portal.headers['content-security-policy'])).toContain("frame-ancestors 'self'");
  });

  it('carries WebSockets through the app origin, only from the app itself', async () => {
    const cookie = await signInToApp(owner);
    const status = (origin: string): Promise<number> =>
      new Promise((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${apiPort}/`, {
          headers: { Host: appHost, Cookie: cookie, Origin: origin },
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('error', () => resolve(-1));
      });
    // busybox httpd speaks no WebSocket: reaching it shows as its own refusal, not Berth's 401/403.
    const own = await status(`http://${appHost}`);
    expect([101, 200, 400, 404, 501]).toContain(own);
    expect(await status('http://evil.apps.localhost')).toBe(403);
  });

  it('the old path-based URLs redirect to the ticket route', async () => {
    const old = await request(base).get(`/w/${workspaceId}/ports/8000/docs/`);
    expect(old.status).toBe(302);
    expect(old.headers.location).toBe(`/api/v1/workspaces/${workspaceId}/ports/8000/open?path=%2Fdocs%2F`);
  });
});
