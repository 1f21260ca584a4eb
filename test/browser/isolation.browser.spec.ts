import { type ApiClient, signIn, testAdmin, testBaseUrl } from '#testing';
import { type Page } from 'playwright-core';
import { browserSuite, createBusyboxTemplate, createDeveloperAccount, openPage, signInUi } from './browser.js';

/**
 * Journey (c): a second developer, signed in to the portal, cannot reach the first one's
 * workspace: not its page, not its terminal WebSocket, not its port proxy.
 */
describe('portal: one developer cannot reach another one’s workspace (real Chromium)', () => {
  const suite = browserSuite();
  let owner: ApiClient;
  let workspaceId: string;
  let intruder: { email: string; password: string };
  let first: { email: string; password: string };

  beforeAll(async () => {
    const admin = await signIn(testAdmin.email, testAdmin.password);
    // The port serves a page, so the owner's positive control can read it.
    const template = await createBusyboxTemplate(admin, {
      ports: [{ port: 8000, name: 'web' }],
      command: ['sh', '-c', 'mkdir -p ~/www && echo owner-page > ~/www/index.html && exec httpd -f -p 8000 -h ~/www'],
    });
    first = await createDeveloperAccount(admin);
    intruder = await createDeveloperAccount(admin);
    owner = await signIn(first.email, first.password);
    const res = await owner.post('/workspaces', { name: 'private', templateId: template.id });
    expect(res.status).toBe(202);
    workspaceId = (res.body as { id: string }).id;
    await owner.waitForStatus(workspaceId, 'running', 120_000);
  });

  afterAll(async () => {
    if (workspaceId) await owner.delete(`/workspaces/${workspaceId}`);
  });

  /**
   * Opens the terminal WebSocket in the page. `ended` says how it ended: closed by the server (or
   * refused), or still hanging when the test gave up, which must never count as a refusal.
   */
  const tryTerminal = (page: Page): Promise<{ opened: boolean; output: string; ended: 'closed' | 'hung' }> =>
    page.evaluate(
      ({ id, base }) =>
        new Promise<{ opened: boolean; output: string; ended: 'closed' | 'hung' }>((resolve) => {
          const socket = new WebSocket(`${base}/api/v1/workspaces/${id}/terminal?cols=80&rows=24`);
          socket.binaryType = 'arraybuffer';
          let opened = false;
          let output = '';
          socket.onopen = () => {
            opened = true;
            socket.send(JSON.stringify({ type: 'input', data: 'echo owner-$((6*7))\n' }));
          };
          socket.onmessage = (m: { data: ArrayBuffer }) => {
            output += new TextDecoder().decode(m.data);
            if (output.includes('owner-42')) socket.close();
          };
          socket.onclose = () => resolve({ opened, output, ended: 'closed' });
          setTimeout(() => {
            resolve({ opened, output, ended: 'hung' });
            socket.close();
          }, 30_000);
        }),
      { id: workspaceId, base: testBaseUrl().replace(/^http/, 'ws') },
    );

  it('the owner opens the terminal and the port (the controls for the refusals below)', async () => {
    const owner = await openPage(suite.browser);
    await signInUi(owner.page, first.email, first.password);
    const ws = await tryTerminal(owner.page);
    expect(ws).toMatchObject({ opened: true, ended: 'closed' });
    expect(ws.output).toContain('owner-42');
    // The app's own origin asks for a favicon the workspace's server does not have: not our error.
    owner.expect(/favicon\.ico/);
    const port = await owner.page.goto(`/w/${workspaceId}/ports/8000/`);
    expect(port?.status()).toBe(200);
    expect(await port?.text()).toBe('owner-page\n');
    expect(owner.errors).toEqual([]);
    await owner.context.close();
  });

  it('refuses the terminal WebSocket, the port URL and the page', async () => {
    const { page } = suite.tracked;
    await signInUi(page, intruder.email, intruder.password);
    // The refusals below are the point of the test; the browser logs them.
    suite.tracked.expect(/WebSocket connection to .* failed|status of 404/);

    // Refused at the upgrade (closed, never opened): a socket left hanging would fail here.
    expect(await tryTerminal(page)).toEqual({ opened: false, output: '', ended: 'closed' });

    const port = await page.goto(`/w/${workspaceId}/ports/8000/`);
    expect(port?.status()).toBe(404);
    expect(await port?.text()).not.toContain('owner-page');

    const api = await page.evaluate(async (id) => (await fetch(`/api/v1/workspaces/${id}`)).status, workspaceId);
    expect(api).toBe(404);

    await page.goto(`/workspaces/${workspaceId}`);
    await page.getByText('This workspace no longer exists (or is not yours).').waitFor();
    expect(suite.tracked.errors).toEqual([]);
  });
});
