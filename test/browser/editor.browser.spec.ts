import { type Page } from 'playwright-core';
import { type ApiClient, signIn, testAdmin, uniqueName, waitFor } from '#testing';
import {
  browserSuite,
  createBusyboxTemplate,
  createDeveloperAccount,
  screenshot,
  signInUi,
  waitForVersionReady,
} from './browser.js';

/** The debootstrap image (glibc) that scripts/images.sh builds: what VS Code in the browser runs in. */
const DEBIAN_SPEC = {
  image: 'berth/debian:bookworm',
  user: '1000:1000',
  homePath: '/home/dev',
  resources: { cpus: 1, memoryMb: 2048, pidsLimit: 1024 },
};

/**
 * VS Code in the browser, in real Chromium against the real engine: the owner opens it from the
 * portal, it runs inside a glibc workspace on its own port origin, and a file made in it lands in
 * the home volume. Another developer cannot open it; a busybox workspace shows why it has none.
 */
describe('Open in VS Code (real Chromium, real code-server)', () => {
  const suite = browserSuite();
  let owner: { id: string; email: string; password: string };
  let other: { id: string; email: string; password: string };
  let ownerApi: ApiClient;
  let otherApi: ApiClient;
  let debianId: string;
  let busyboxId: string;

  beforeAll(async () => {
    const admin = await signIn(testAdmin.email, testAdmin.password);
    const debian = await admin.post('/templates', { name: uniqueName('tpl'), spec: DEBIAN_SPEC });
    if (debian.status !== 201) throw new Error(`creating the Debian template: ${JSON.stringify(debian.body)}`);
    const debianTemplate = (debian.body as { id: string }).id;
    await waitForVersionReady(admin, debianTemplate, 1);
    const busybox = await createBusyboxTemplate(admin);
    owner = await createDeveloperAccount(admin);
    other = await createDeveloperAccount(admin);
    ownerApi = await signIn(owner.email, owner.password);
    otherApi = await signIn(other.email, other.password);
    debianId = (
      (await ownerApi.post('/workspaces', { name: 'code', templateId: debianTemplate })).body as { id: string }
    ).id;
    busyboxId = ((await ownerApi.post('/workspaces', { name: 'tiny', templateId: busybox.id })).body as { id: string })
      .id;
    await ownerApi.waitForStatus(debianId, 'running', 120_000);
    await ownerApi.waitForStatus(busyboxId, 'running', 120_000);
  }, 300_000);

  afterAll(async () => {
    for (const id of [debianId, busyboxId]) if (id) await ownerApi.delete(`/workspaces/${id}?purge=true`);
  });

  const homeFile = async (name: string): Promise<string> => {
    const res = await ownerApi.post(`/workspaces/${debianId}/exec`, { command: ['cat', `/home/dev/${name}`] });
    const body = res.body as { exitCode: number; stdout: string };
    return body.exitCode === 0 ? body.stdout : '';
  };

  /**
   * The workbench's explorer (the home folder is open): its own "New File..." action, which shows
   * while the pane is hovered, then the name in the tree's input box. The file exists from then on.
   */
  const newFileInExplorer = async (editor: Page, name: string): Promise<void> => {
    const explorer = editor.locator('.explorer-viewlet');
    await explorer.locator('.explorer-folders-view').waitFor({ timeout: 120_000 });
    await explorer.hover();
    await explorer.getByRole('button', { name: /^New File/ }).click();
    const input = explorer.locator('.explorer-item-edited input, .monaco-inputbox input').first();
    await input.waitFor();
    await input.fill(name);
    await input.press('Enter');
  };

  it('the owner opens VS Code from the portal and a file made there is in the home volume', async () => {
    const { page, context } = suite.tracked;
    // The workbench would also look up the extension gallery and the like: tests send traffic only
    // to this machine (loopback and *.localhost), so anything else is cut off in the browser.
    await context.route(
      (url) => url.hostname !== '127.0.0.1' && url.hostname !== 'localhost' && !url.hostname.endsWith('.localhost'),
      (route) => route.abort(),
    );
    await signInUi(page, owner.email, owner.password);
    await page.goto(`/workspaces/${debianId}`);
    const button = page.getByRole('button', { name: 'Open in VS Code' });
    await button.waitFor({ timeout: 30_000 });
    const [editor] = await Promise.all([context.waitForEvent('page', { timeout: 30_000 }), button.click()]);
    await editor.waitForURL(/^http:\/\/13337--code--[a-z0-9-]+\.apps\.localhost:\d+\//, { timeout: 150_000 });
    await editor.locator('.monaco-workbench').waitFor({ timeout: 120_000 });

    try {
      await newFileInExplorer(editor, 'from-vscode.txt');
      await waitFor(
        async () =>
          (
            (
              await ownerApi.post(`/workspaces/${debianId}/exec`, {
                command: ['test', '-e', '/home/dev/from-vscode.txt'],
              })
            ).body as { exitCode: number }
          ).exitCode,
        (code) => code === 0,
        'the file made in the explorer to exist in the home volume',
        30_000,
      );
      // The new file opens in an editor with the focus: type into it and save.
      await editor
        .locator('.monaco-editor.focused textarea, .editor-instance .monaco-editor textarea')
        .first()
        .waitFor();
      await editor.keyboard.type('made in VS Code');
      await editor.keyboard.press('Control+S');
    } catch (error) {
      await screenshot(editor, 'editor-failure');
      throw error;
    }
    const content = await waitFor(
      () => homeFile('from-vscode.txt'),
      (text) => text.includes('made in VS Code'),
      'the file saved in VS Code to reach the home volume',
      60_000,
    );
    expect(content.trim()).toBe('made in VS Code');
    // The editor ran as the template's user, so the file is theirs.
    const owned = await ownerApi.post(`/workspaces/${debianId}/exec`, {
      command: ['stat', '-c', '%u', '/home/dev/from-vscode.txt'],
    });
    expect((owned.body as { stdout: string }).stdout.trim()).toBe('1000');
    await screenshot(editor, 'editor-vscode');
  });

  it('another developer cannot open it: not found, in the API and in the browser', async () => {
    expect((await otherApi.post(`/workspaces/${debianId}/editor`)).status).toBe(404);
    expect((await otherApi.get(`/workspaces/${debianId}/editor`)).status).toBe(404);

    const { page } = suite.tracked;
    suite.tracked.expect(/status of 404/);
    await signInUi(page, other.email, other.password);
    const ticket = await page.goto(`/api/v1/workspaces/${debianId}/ports/13337/open`);
    expect(ticket?.status()).toBe(404);
    // Straight to the owner's editor origin: no app cookie there, so off to the portal, whose
    // ticket route refuses the same way; the workbench never loads.
    const origin = (await ownerApi.post(`/workspaces/${debianId}/editor`)).body as { url: string };
    const editorHost = new URL(origin.url).host;
    await page.goto(new URL('/?folder=/home/dev', origin.url).toString());
    await page.waitForLoadState('networkidle');
    expect(new URL(page.url()).host).not.toBe(editorHost);
    expect(await page.locator('.monaco-workbench').count()).toBe(0);
  });

  it('a busybox workspace shows the reason instead of the button', async () => {
    const { page } = suite.tracked;
    await signInUi(page, owner.email, owner.password);
    await page.goto(`/workspaces/${busyboxId}`);
    const reason = page.getByTestId('editor-unavailable');
    await reason.waitFor({ timeout: 30_000 });
    expect(await reason.innerText()).toMatch(/no glibc/);
    expect(await page.getByRole('button', { name: 'Open in VS Code' }).count()).toBe(0);
    const status = (await ownerApi.get(`/workspaces/${busyboxId}/editor`)).body as { available: boolean };
    expect(status.available).toBe(false);
    expect((await ownerApi.post(`/workspaces/${busyboxId}/editor`)).status).toBe(409);
  });
});
