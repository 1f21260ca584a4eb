import { type ApiClient, signIn, testAdmin, testBaseUrl } from '#testing';
import { browserSuite, createBusyboxTemplate, createDeveloperAccount, signInUi } from './browser.js';

/**
 * Journey (c): a second developer, signed in to the portal, cannot reach the first one's
 * workspace: not its page, not its terminal WebSocket, not its port proxy.
 */
describe('portal: one developer cannot reach another one’s workspace (real Chromium)', () => {
  const suite = browserSuite();
  let owner: ApiClient;
  let workspaceId: string;
  let intruder: { email: string; password: string };

  beforeAll(async () => {
    const admin = await signIn(testAdmin.email, testAdmin.password);
    const template = await createBusyboxTemplate(admin, { ports: [{ port: 8000, name: 'web' }] });
    const first = await createDeveloperAccount(admin);
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

  it('refuses the terminal WebSocket, the port URL and the page', async () => {
    const { page } = suite.tracked;
    await signInUi(page, intruder.email, intruder.password);
    // The refusals below are the point of the test; the browser logs them.
    suite.tracked.expect(/WebSocket connection to .* failed|status of 404/);

    const ws = await page.evaluate(
      ({ id, base }) =>
        new Promise<{ opened: boolean; output: number }>((resolve) => {
          const socket = new WebSocket(`${base}/api/v1/workspaces/${id}/terminal?cols=80&rows=24`);
          let opened = false;
          let output = 0;
          socket.onopen = () => {
            opened = true;
          };
          socket.onmessage = () => {
            output++;
          };
          socket.onclose = () => resolve({ opened, output });
          setTimeout(() => {
            socket.close();
            resolve({ opened, output });
          }, 10_000);
        }),
      { id: workspaceId, base: testBaseUrl().replace(/^http/, 'ws') },
    );
    expect(ws).toEqual({ opened: false, output: 0 });

    const port = await page.goto(`/w/${workspaceId}/ports/8000/`);
    expect(port?.status()).toBe(404);

    const api = await page.evaluate(async (id) => (await fetch(`/api/v1/workspaces/${id}`)).status, workspaceId);
    expect(api).toBe(404);

    await page.goto(`/workspaces/${workspaceId}`);
    await page.getByText('This workspace no longer exists (or is not yours).').waitFor();
    expect(suite.tracked.errors).toEqual([]);
  });
});
