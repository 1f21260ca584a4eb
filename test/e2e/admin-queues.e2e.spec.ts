import { Queue } from 'bullmq';
import { WORKSPACE_QUEUE } from '#domain';
import { redisConnection } from '#queue';
import { createDeveloper, signIn, testAdmin, uniqueName, waitFor, type ApiClient } from '#testing';
import { testEnv } from '../setup/test-env.js';

interface JobView {
  id: string;
  state: string;
  data: unknown;
  failedReason: string | null;
  attemptsMade: number;
}

/**
 * The admin queue view (GET /admin/queues/:queue/jobs, retry, remove) against the real worker and
 * Redis: a job that really failed in the worker shows with its data and failure reason, an admin
 * retries it and removes a stuck (delayed) one, each action lands in the audit log, and a
 * developer is refused every part of it.
 */
describe('admin queue view', () => {
  let admin: ApiClient;
  let developer: ApiClient;
  let queue: Queue;
  const jobIds: string[] = [];

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: developer } = await createDeveloper(admin));
    queue = new Queue(WORKSPACE_QUEUE, {
      connection: redisConnection(testEnv().REDIS_URL!, 'producer'),
      prefix: `berth-${testEnv().BERTH_INSTANCE!}`,
    });
  });
  afterAll(async () => {
    for (const id of jobIds) await (await queue.getJob(id))?.remove().catch(() => undefined);
    await queue.close();
  });

  const jobs = async (state: string): Promise<JobView[]> => {
    const res = await admin.get(`/admin/queues/${WORKSPACE_QUEUE}/jobs?state=${state}&limit=200`);
    expect(res.status).toBe(200);
    return res.body as JobView[];
  };
  const audited = async (action: string, jobId: string) =>
    ((await admin.get(`/audit?action=${action}&targetId=${jobId}`)).body as { events: { outcome: string }[] }).events;

  it('shows a failed job with its data and reason; an admin retries it, audited', async () => {
    // A job the worker really runs and fails: its build id is not a build id.
    const id = uniqueName('bad-job');
    jobIds.push(id);
    const data = { buildId: 'not-a-build-id', workspaceId: '00000000-0000-0000-0000-000000000000' };
    await queue.add('transition', data, { jobId: id, attempts: 1 });
    const failed = await waitFor(
      async () => (await jobs('failed')).find((j) => j.id === id),
      (j) => j !== undefined,
      'the job to fail in the worker',
      60_000,
      250,
    );
    expect(failed).toMatchObject({ state: 'failed', data, attemptsMade: 1 });
    expect(failed!.failedReason).toEqual(expect.any(String));
    expect(failed!.failedReason!.length).toBeGreaterThan(0);

    const retried = await admin.post(`/admin/queues/${WORKSPACE_QUEUE}/jobs/${id}/retry`);
    expect(retried.status).toBe(200);
    // No assertion on the state in the answer: a free worker may already have run and failed the
    // job again by then. That it ran again is what proves the retry.
    // The worker takes it again (and it fails again: its data is still wrong).
    await waitFor(
      async () => (await jobs('failed')).find((j) => j.id === id),
      (j) => (j?.attemptsMade ?? 0) >= 2,
      'the retried job to run again',
      60_000,
      250,
    );
    expect(await audited('queues.retry', id)).toEqual([expect.objectContaining({ outcome: 'success' })]);

    // Only a failed job can be retried.
    const delayedId = uniqueName('delayed-job');
    jobIds.push(delayedId);
    await queue.add('transition', data, { jobId: delayedId, delay: 3_600_000 });
    expect((await admin.post(`/admin/queues/${WORKSPACE_QUEUE}/jobs/${delayedId}/retry`)).status).toBe(409);
  });

  it('removes a stuck job, audited; unknown queues and jobs answer 404', async () => {
    const id = uniqueName('stuck-job');
    jobIds.push(id);
    await queue.add('transition', { buildId: 'x', workspaceId: 'y' }, { jobId: id, delay: 3_600_000 });
    expect((await jobs('delayed')).map((j) => j.id)).toContain(id);
    const removed = await admin.delete(`/admin/queues/${WORKSPACE_QUEUE}/jobs/${id}`);
    expect(removed.status).toBe(200);
    expect(await queue.getJob(id)).toBeUndefined();
    expect((await jobs('delayed')).map((j) => j.id)).not.toContain(id);
    expect(await audited('queues.remove', id)).toEqual([expect.objectContaining({ outcome: 'success' })]);

    expect((await admin.get('/admin/queues/no-such-queue/jobs?state=failed')).status).toBe(404);
    expect((await admin.delete(`/admin/queues/${WORKSPACE_QUEUE}/jobs/no-such-job`)).status).toBe(404);
    expect((await admin.get(`/admin/queues/${WORKSPACE_QUEUE}/jobs?state=bogus`)).status).toBe(400);
  });

  it('refuses developers: list, retry and remove answer 403 and change nothing', async () => {
    const id = uniqueName('dev-job');
    jobIds.push(id);
    await queue.add('transition', { buildId: 'x', workspaceId: 'y' }, { jobId: id, delay: 3_600_000 });
    expect((await developer.get(`/admin/queues/${WORKSPACE_QUEUE}/jobs?state=delayed`)).status).toBe(403);
    expect((await developer.post(`/admin/queues/${WORKSPACE_QUEUE}/jobs/${id}/retry`)).status).toBe(403);
    expect((await developer.delete(`/admin/queues/${WORKSPACE_QUEUE}/jobs/${id}`)).status).toBe(403);
    expect(await queue.getJob(id)).toBeDefined();
  });
});
