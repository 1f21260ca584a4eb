import { type ApiClient, signIn, testAdmin, uniqueName } from '#testing';
import {
  browserSuite,
  createBusyboxTemplate,
  createDeveloperAccount,
  PHONE,
  runInTerminal,
  screenshot,
  signInUi,
} from './browser.js';

/**
 * Journey (a): a developer signs in, creates a workspace from a template, watches the start
 * timeline reach running, uses the terminal, stops and starts it (the home volume keeps the
 * file), and deletes it. Also: an expired session lands on the sign-in page with a message.
 */
describe('portal: developer journey (real Chromium)', () => {
  const suite = browserSuite();
  let admin: ApiClient;
  let template: { id: string; name: string };
  let dev: { id: string; email: string; password: string };

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    template = await createBusyboxTemplate(admin);
    dev = await createDeveloperAccount(admin);
  });

  it('signs in, creates a workspace, uses the terminal across stop/start, and deletes it', async () => {
    const { page } = suite.tracked;
    await page.goto('/');
    await page.getByRole('heading', { name: 'Berth' }).waitFor();
    await screenshot(page, 'sign-in');
    await signInUi(page, dev.email, dev.password);
    await page.getByRole('heading', { name: 'Your workspaces' }).waitFor();
    // The user's home volumes together, as measured (per workspace on each card).
    expect(await page.getByTestId('home-total').innerText()).toMatch(/^Your home volumes use \d.* in total\.$/);
    await page.getByText('You have no workspaces yet.').waitFor();
    await screenshot(page, 'workspaces-empty');

    // Create: gallery, generated form, DNS-label check before anything is sent.
    await page.getByRole('link', { name: 'New workspace' }).first().click();
    await page.locator(`[data-template="${template.name}"]`).click();
    await page.getByLabel('CPUs').waitFor();
    const name = uniqueName('ws').slice(0, 40);
    await page.getByLabel('Name', { exact: true }).fill('Not_A_Label');
    await page.getByText('Use lowercase letters only.').waitFor();
    await page.getByLabel('Name', { exact: true }).fill(name);
    await screenshot(page, 'create-workspace');
    await page.getByRole('button', { name: 'Create workspace' }).click();

    // The start timeline reaches "ready" with durations, and the status is live.
    await page.waitForURL(/\/workspaces\/[0-9a-f-]{36}$/);
    const workspaceId = page.url().split('/').pop() ?? '';
    await page.locator('[data-stage="ready"][data-state="done"]').waitFor({ timeout: 120_000 });
    await page.locator('h1 [data-status="running"]').waitFor();
    for (const stage of ['queued', 'image', 'volume', 'container', 'scripts']) {
      await page.locator(`[data-stage="${stage}"][data-state="done"]`).waitFor();
    }
    await screenshot(page, 'workspace-timeline');

    // Terminal: write a file in the home directory and read it back.
    await page.getByRole('button', { name: 'Open terminal' }).click();
    await runInTerminal(page, 'echo hi > ~/f && cat ~/f', /^hi$/m);
    await page.getByRole('button', { name: '+ New terminal' }).click();
    await runInTerminal(page, 'echo second-tab', /^second-tab$/m);
    await page.getByRole('tab', { name: 'Terminal 1' }).click();
    await screenshot(page, 'workspace-terminal');

    // Stop (the container goes, the volume stays), start, and read the file again.
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.locator('h1 [data-status="stopped"]').waitFor({ timeout: 90_000 });
    await page.getByText('The terminal is available while the workspace is running.').waitFor();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.locator('h1 [data-status="running"]').waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: 'Open terminal' }).click();
    await runInTerminal(page, 'cat ~/f', /^hi$/m);

    // The list shows it running, with its template, version and last activity; phone layout too.
    await page.getByRole('link', { name: 'Workspaces' }).first().click();
    const card = page.locator(`[data-workspace="${name}"]`);
    await card.locator('[data-status="running"]').waitFor();
    await card.getByText(`${template.name} v1`).waitFor();
    await screenshot(page, 'workspaces');
    await page.setViewportSize(PHONE);
    await screenshot(page, 'workspaces-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Delete, with a confirmation that says how long the home volume is kept in the trash.
    await card.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/kept for \d/).waitFor();
    await screenshot(page, 'delete-confirmation');
    await dialog.getByRole('button', { name: 'Delete workspace', exact: true }).click();
    await card.waitFor({ state: 'detached', timeout: 90_000 });
    const dev1 = await signIn(dev.email, dev.password);
    await dev1.waitForGone(workspaceId);

    expect(suite.tracked.errors).toEqual([]);
  });

  it('shows the sign-in page with a message when the session has expired', async () => {
    const { page, context } = suite.tracked;
    await signInUi(page, dev.email, dev.password);
    await page.getByRole('heading', { name: 'Your workspaces' }).waitFor();
    // The session is gone (as after its TTL) while the CSRF cookie stays: the next request
    // answers 401. Off the portal first, so no in-flight answer renews the (sliding) cookie.
    await page.goto('about:blank');
    await context.clearCookies({ name: 'berth_session' });
    suite.tracked.expect(/status of 401/);
    await page.goto('/');
    await page
      .getByTestId('signin-notice')
      .getByText('Your session has expired')
      .waitFor({ timeout: 10_000 })
      .catch(async (error: unknown) => {
        throw new Error(
          `${String(error)}\npage shows: ${await page.locator('body').innerText()}\ncookies: ${JSON.stringify((await context.cookies()).map((c) => c.name))}`,
        );
      });
    await screenshot(page, 'session-expired');
    // Sign out from a live session ends on the sign-in page too.
    await signInUi(page, dev.email, dev.password);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByTestId('signin-notice').getByText('You have signed out.').waitFor();
    expect(suite.tracked.errors).toEqual([]);
  });
});
