import { Queue } from 'bullmq';
import { WORKSPACE_QUEUE } from '#domain';
import { redisConnection } from '#queue';
import { createDeveloper, signIn, testAdmin, uniqueName, waitFor, type ApiClient } from '#testing';
import { testEnv } from '../setup/test-env.js';
import { browserSuite, screenshot, signInUi } from './browser.js';

/**
 * The queue view on the admin system page, in Chromium: the admin finds a job that failed in the
 * real worker with its data and reason, retries it from the page (cookie session, so the CSRF
 * header is in force), and the retry is in the audit log. A developer does not get the page.
 */
describe('portal: admin queue view (real Chromium)', () => {
  const suite = browserSuite();
  let admin: ApiClient;
  let queue: Queue;
  const id = uniqueName('ui-bad-job');

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    queue = new Queue(WORKSPACE_QUEUE, {
      connection: redisConnection(testEnv().REDIS_URL!, 'producer'),
      prefix: `berth-${testEnv().BERTH_INSTANCE!}`,
    });
  });
  afterAll(async () => {
    await (await queue.getJob(id))?.remove().catch(() => undefined);
    await queue.close();
  });

  it('shows a failed job with its reason and retries it, audited', async () => {
    await queue.add('transition', { buildId: 'not-a-build-id', workspaceId: 'ui-test' }, { jobId: id, attempts: 1 });
    await waitFor(
      async () => (await queue.getJob(id))?.getState(),
      (s) => s === 'failed',
      'the job to fail',
      60_000,
      250,
    );
    const reason = (await queue.getJob(id))!.failedReason;

    const { page } = suite.tracked;
    await signInUi(page, testAdmin.email, testAdmin.password);
    await page.getByRole('link', { name: 'System' }).click();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    const row = page.locator(`tr[data-job="${id}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('not-a-build-id');
    expect(await row.textContent()).toContain(reason.slice(0, 40));
    await screenshot(page, 'admin-queue-failed-job');

    await row.getByRole('button', { name: 'Retry' }).click();
    await waitFor(
      async () => (await queue.getJob(id))?.attemptsMade ?? 0,
      (n) => n >= 2,
      'the retried job to run again',
      60_000,
      250,
    );
    const events = (await admin.get(`/audit?action=queues.retry&targetId=${id}`)).body as {
      events: { outcome: string; via?: string }[];
    };
    expect(events.events).toEqual([expect.objectContaining({ outcome: 'success' })]);
    expect(suite.tracked.errors).toEqual([]);
  });

  it('the jobs API refuses a developer', async () => {
    const { client: developer } = await createDeveloper(admin);
    expect((await developer.get(`/admin/queues/${WORKSPACE_QUEUE}/jobs?state=failed`)).status).toBe(403);
  });
});
