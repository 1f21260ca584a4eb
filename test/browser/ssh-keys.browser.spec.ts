import { type ApiClient, makeSshKey, signIn, testAdmin } from '#testing';
import { browserSuite, createDeveloperAccount, screenshot, signInUi } from './browser.js';

/**
 * The SSH keys page in real Chromium: a developer adds a key and sees the fingerprint OpenSSH's
 * own ssh-keygen prints for it, a malformed key is refused with the API's reason, and deleting
 * the key (after confirming) removes it from the page and from the API.
 */
describe('SSH keys page (real Chromium)', () => {
  const suite = browserSuite();
  let developer: { id: string; email: string; password: string };
  let dev: ApiClient;

  beforeAll(async () => {
    const admin = await signIn(testAdmin.email, testAdmin.password);
    developer = await createDeveloperAccount(admin);
    dev = await signIn(developer.email, developer.password);
  });

  const apiKeys = async (): Promise<{ name: string; fingerprint: string }[]> => {
    const body = (await dev.get('/users/me/ssh-keys')).body as
      { name: string; fingerprint: string }[] | { items: { name: string; fingerprint: string }[] };
    return Array.isArray(body) ? body : body.items;
  };

  it('adds a key showing its fingerprint, refuses a malformed one, and deletes it', async () => {
    const { page, errors } = suite.tracked;
    const key = makeSshKey('ed25519');
    await signInUi(page, developer.email, developer.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'SSH keys' }).click();
    await page.getByRole('heading', { name: 'SSH keys' }).waitFor();
    await page.getByText('No SSH keys yet.').waitFor();

    // A malformed key: the API's 400 reason is shown, nothing is added.
    suite.tracked.expect(/status of 400/);
    await page.getByLabel('Name').fill('broken');
    await page.getByLabel('Public key').fill('ssh-ed25519 not-base64!!');
    await page.getByRole('button', { name: 'Add key' }).click();
    await page.getByRole('alert').waitFor();
    expect(await apiKeys()).toEqual([]);

    await page.getByLabel('Name').fill('laptop');
    await page.getByLabel('Public key').fill(key.publicKey);
    await page.getByRole('button', { name: 'Add key' }).click();
    const row = page.getByRole('row', { name: /laptop/ });
    await row.waitFor();
    await expect(row.getByText(key.fingerprint, { exact: true }).count()).resolves.toBe(1);
    expect(await apiKeys()).toEqual([expect.objectContaining({ name: 'laptop', fingerprint: key.fingerprint })]);
    await screenshot(page, 'ssh-keys');

    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No SSH keys yet.').waitFor();
    expect(await apiKeys()).toEqual([]);
    expect(errors).toEqual([]);
  });
});
