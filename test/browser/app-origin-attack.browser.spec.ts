import { type ApiClient, signIn, testAdmin, testBaseUrl } from '#testing';
import { browserSuite, createBusyboxTemplate, createDeveloperAccount } from './browser.js';

interface AttackResults {
  cookies: string;
  readMe: string;
  patch: string;
  noCors: string;
  cookiesAfter: string;
  ws: string;
}

/** What a developer's app page tries against whoever opens it (here: an admin). */
const attackPage = (api: string, developerId: string, workspaceId: string): string => `<!doctype html>
<html><body><h1>innocent app</h1><script>
(async () => {
  const API = ${JSON.stringify(api)};
  const r = {};
  r.cookies = document.cookie;
  try {
    const x = await fetch(API + '/api/v1/users/me', { credentials: 'include' });
    r.readMe = 'status ' + x.status + ' ' + (await x.text()).slice(0, 80);
  } catch (e) { r.readMe = 'blocked'; }
  try {
    const x = await fetch(API + '/api/v1/users/${developerId}', {
      method: 'PATCH', credentials: 'include',
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'admin' }),
    });
    r.patch = 'status ' + x.status;
  } catch (e) { r.patch = 'blocked'; }
  try {
    await fetch(API + '/api/v1/users/${developerId}', {
      method: 'PATCH', mode: 'no-cors', credentials: 'include',
      headers: { 'content-type': 'text/plain' }, body: '{"role":"admin"}',
    });
    r.noCors = 'sent';
  } catch (e) { r.noCors = 'blocked'; }
  document.cookie = 'berth_session=evil; domain=localhost; path=/';
  document.cookie = 'berth_csrf=evil; domain=apps.localhost; path=/';
  document.cookie = 'berth_session=evil2; path=/';
  r.cookiesAfter = document.cookie;
  r.ws = await new Promise((resolve) => {
    try {
      const s = new WebSocket(API.replace('http', 'ws') + '/api/v1/workspaces/${workspaceId}/terminal');
      s.onopen = () => { s.close(); resolve('opened'); };
      s.onerror = () => resolve('refused');
    } catch (e) { resolve('refused'); }
  });
  const sink = document.createElement('iframe');
  sink.name = 'sink';
  document.body.appendChild(sink);
  const form = document.createElement('form');
  form.method = 'POST'; form.action = API + '/api/v1/users'; form.target = 'sink'; form.enctype = 'text/plain';
  const field = document.createElement('input');
  field.name = '{"email":"evil@attack.test","name":"e","password":"evil-password-123","role":"admin","x":"';
  field.value = '"}';
  form.appendChild(field);
  document.body.appendChild(form);
  await new Promise((resolve) => { sink.onload = resolve; form.submit(); setTimeout(resolve, 5000); });
  window.__results = r;
  document.title = 'done';
})();
</script></body></html>`;

/**
 * The attack of issue 12, in real Chromium: a developer's app page, opened by a signed-in admin,
 * tries to act as the admin. On its own origin it cannot read Berth's cookies, call the API with
 * them, post a form that counts, plant a Berth cookie, or open the terminal.
 */
describe('app origins: a workspace app cannot act as the admin who opens it (real Chromium)', () => {
  const suite = browserSuite();
  let admin: ApiClient;
  let developer: { id: string; email: string; password: string };
  let dev: ApiClient;
  let workspaceId: string;

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    const template = await createBusyboxTemplate(admin, {
      ports: [{ port: 8000, name: 'web' }],
      command: ['sh', '-c', 'mkdir -p ~/www && exec httpd -f -p 8000 -h ~/www'],
    });
    developer = await createDeveloperAccount(admin);
    dev = await signIn(developer.email, developer.password);
    workspaceId = ((await dev.post('/workspaces', { name: 'bait', templateId: template.id })).body as { id: string })
      .id;
    await dev.waitForStatus(workspaceId, 'running', 120_000);
    const page = Buffer.from(attackPage(testBaseUrl(), developer.id, workspaceId)).toString('base64');
    const written = await dev.post(`/workspaces/${workspaceId}/exec`, {
      command: ['sh', '-c', `echo ${page} | base64 -d > ~/www/index.html`],
    });
    expect(written.body).toMatchObject({ exitCode: 0 });
  });

  /** Every user with their role, page after page (200 is the largest page). */
  const users = async (): Promise<string[]> => {
    const all: string[] = [];
    let cursor = '';
    do {
      const res = await admin.get(`/users?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(res.status).toBe(200);
      const page = res.body as { items: { id: string; role: string }[]; nextCursor: string | null };
      all.push(...page.items.map((u) => `${u.id}:${u.role}`));
      cursor = page.nextCursor ?? '';
    } while (cursor);
    return all.sort();
  };

  afterAll(async () => {
    if (workspaceId) await dev.delete(`/workspaces/${workspaceId}`);
  });

  it('reads no cookie, calls nothing, plants nothing, opens no terminal; the admin and users are unchanged', async () => {
    const { page } = suite.tracked;
    suite.tracked.expect(/./); // the page's failed attempts are logged by the browser: that is the point
    const usersBefore = await users();

    // The admin signs in to the portal and opens the developer's port from it.
    await page.goto('/');
    await page.getByLabel('Email').fill(testAdmin.email);
    await page.getByLabel('Password').fill(testAdmin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ state: 'attached' });
    await page.goto(`/api/v1/workspaces/${workspaceId}/ports/8000/open`);
    expect(new URL(page.url()).hostname).toMatch(/^8000--bait--[a-z0-9-]+\.apps\.localhost$/);
    await page.waitForFunction("document.title === 'done'", undefined, { timeout: 30_000 });
    const results = await page.evaluate<AttackResults>('window.__results');

    expect(results.cookies).not.toMatch(/berth/); // the app cookie is HttpOnly; the portal's are host-only elsewhere
    expect(results.readMe).toMatch(/^(blocked|status 403)/);
    expect(results.patch).toMatch(/^(blocked|status 403)/);
    expect(results.ws).toBe('refused');

    // Afterwards: the developer is still a developer, no user was added, and the admin's portal
    // session still works (no cookie of theirs was overwritten).
    const usersAfter = await users();
    // Other suites add developers meanwhile: every earlier user keeps their role, no admin is new,
    // and the form's account does not exist.
    expect(usersAfter).toEqual(expect.arrayContaining(usersBefore));
    const admins = (list: string[]) => list.filter((u) => u.endsWith(':admin'));
    expect(admins(usersAfter)).toEqual(admins(usersBefore));
    expect(usersAfter.join()).not.toContain('evil@attack.test');
    expect(usersAfter).toContain(`${developer.id}:developer`);
    await page.goto(testBaseUrl() + '/');
    const me = await page.evaluate(async () => {
      const res = await fetch('/api/v1/users/me');
      return { status: res.status, role: ((await res.json()) as { role?: string }).role };
    });
    expect(me).toEqual({ status: 200, role: 'admin' });
    const portalCookies = await page.context().cookies(testBaseUrl());
    expect(portalCookies.map((c) => `${c.name}=${c.value}`).join('; ')).not.toMatch(/evil/);
  });
});
