import request from 'supertest';
import { EDITOR_PORT } from '#domain';
import { TestContext, testBaseUrl, uniqueName } from '#testing';

// A stand-in for code-server: a web server on the workspace's own loopback, published nowhere.
const LOOPBACK_APP = [
  'mkdir -p ~/www',
  'echo "editor stand-in" > ~/www/index.html',
  `exec httpd -f -p 127.0.0.1:${EDITOR_PORT} -h ~/www`,
].join(' && ');

/**
 * The editor's path without code-server (test/browser/editor.browser.spec.ts runs the real one):
 * its app origin reaches a port on the workspace's loopback through the runtime
 * (RuntimeDriver.connectToPort with reach `loopback`, Berth's relay in an exec) and pools those
 * relays, so many requests in a row keep working; a published-only dial would never reach it.
 */
describe('editor port: the loopback of a workspace through RuntimeDriver.connectToPort', () => {
  const base = testBaseUrl();
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await TestContext.create();
  });
  afterAll(() => ctx.cleanup());

  it('serves what listens on the workspace loopback at the editor port, request after request', async () => {
    const owner = await ctx.newUser();
    const { id: templateId } = await ctx.newTemplate({ command: ['sh', '-c', LOOPBACK_APP] }, { prefix: 'edp' });
    const name = uniqueName('edp');
    const { id } = await ctx.newWorkspace({ owner: owner.client, templateId, name, status: 'running' });

    const open = await owner.client.get(`/workspaces/${id}/ports/${EDITOR_PORT}/open`);
    expect(open.status).toBe(302);
    const location = new URL(String(open.headers.location));
    const host = location.host;
    const trade = await request(base).get(`${location.pathname}${location.search}`).set('Host', host);
    expect(trade.status).toBe(302);
    const cookie = String(trade.headers['set-cookie']).split(';')[0]!;

    for (let i = 0; i < 12; i++) {
      const page = await request(base).get('/index.html').set('Host', host).set('Cookie', cookie);
      expect(page.status).toBe(200);
      expect(page.text).toBe('editor stand-in\n');
    }
    // Without the app cookie the loopback stays closed.
    expect((await request(base).get('/index.html').set('Host', host)).status).toBe(401);
  });
});
