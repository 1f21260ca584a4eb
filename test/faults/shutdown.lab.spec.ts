import { Queue } from 'bullmq';
import WebSocket from 'ws';
import { WORKSPACE_QUEUE, workspaceJobId } from '#domain';
import { redisConnection } from '#queue';
import { exited, openEventStream, waitFor, type ApiClient } from '#testing';
import { startLab, type Lab } from '../setup/fault-lab.js';

type Build = { id: string; status: string; startedAt: string | null; logs: { line: string }[] };

/**
 * Fault 8: SIGTERM while builds are in flight. The worker takes no new job, lets the ones in
 * flight finish within BERTH_SHUTDOWN_GRACE_MS and exits; past the grace period it hands them back
 * to the queue, where the next worker takes them at once (not after the job lock expires). No job
 * is left active (stalled). The API ends its live streams and exits promptly too.
 */
describe('faults: graceful shutdown (SIGTERM)', () => {
  let lab: Lab;
  let admin: ApiClient;
  let queue: Queue;

  beforeAll(async () => {
    lab = await startLab({ name: 'shutdown', env: { BERTH_SHUTDOWN_GRACE_MS: '20000', BERTH_JOB_LOCK_MS: '120000' } });
    admin = await lab.start();
    queue = new Queue(WORKSPACE_QUEUE, {
      connection: redisConnection(lab.env.REDIS_URL!, 'producer'),
      prefix: `berth-${lab.env.BERTH_INSTANCE!}`,
    });
  });

  afterAll(async () => {
    await queue.close();
    await lab.teardown();
  });

  const template = async (name: string, startScript: string): Promise<string> =>
    (
      (
        await admin.post('/templates', {
          name,
          spec: { image: 'berth/busybox:test', startScript, resources: { cpus: 0.25, memoryMb: 128 } },
        })
      ).body as { id: string }
    ).id;
  const create = async (name: string, templateId: string): Promise<string> => {
    const res = await admin.post('/workspaces', { name, templateId });
    if (res.status !== 202) throw new Error(`create ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return (res.body as { id: string }).id;
  };
  const latestBuild = async (id: string): Promise<Build> => {
    const [build] = (await admin.get(`/workspaces/${id}/builds`)).body as { id: string }[];
    return (await admin.get(`/workspaces/${id}/builds/${build!.id}`)).body as Build;
  };
  const scriptRunning = (id: string): Promise<Build> =>
    waitFor(
      () => latestBuild(id),
      (b) => b.logs.some((l) => l.line === 'sleeping'),
      'the start script',
      60_000,
      100,
    );

  it('builds in flight finish within the grace period, no new job is taken, none is left active', async () => {
    const templateId = await template('shutdown-finish', 'echo sleeping; sleep 4');
    const inFlight = [await create('finish-1', templateId), await create('finish-2', templateId)];
    for (const id of inFlight) await scriptRunning(id);

    const worker = lab.berth.worker;
    worker.kill('SIGTERM');
    // Accepted while the worker stops: recorded and queued, but this worker must not take it.
    const late = await create('finish-late', templateId);
    await exited(worker);

    // Finished, not handed back: within the grace period, by what happened rather than a clock.
    for (const id of inFlight) {
      expect((await admin.get(`/workspaces/${id}`)).body).toMatchObject({ status: 'running' });
      const build = await latestBuild(id);
      expect(build.status).toBe('succeeded');
      expect(build.logs.some((l) => /goes back to the queue/.test(l.line))).toBe(false);
    }
    expect(await latestBuild(late)).toMatchObject({ status: 'queued', startedAt: null });
    const counts = await queue.getJobCounts('active', 'wait');
    expect(counts.active).toBe(0);
    expect(await queue.getJobState(workspaceJobId((await latestBuild(late)).id))).toBe('waiting');

    await lab.berth.startWorker();
    await admin.waitForStatus(late, 'running', 60_000);
  });

  it('past the grace period the build is handed back and the next worker takes it at once', async () => {
    const templateId = await template('shutdown-handback', 'echo sleeping; sleep 30');
    await lab.berth.stopAll();
    await lab.berth.startApi();
    await lab.berth.startWorker({ BERTH_SHUTDOWN_GRACE_MS: '2000' });
    const id = await create('handback', templateId);
    await scriptRunning(id);

    const worker = lab.berth.worker;
    worker.kill('SIGTERM');
    await exited(worker); // the 30 s script was still running: only a hand-back lets it exit

    const handedBack = await latestBuild(id);
    expect(handedBack.status).toBe('queued');
    expect(
      handedBack.logs.some((l) => /the worker is shutting down; the build goes back to the queue/.test(l.line)),
    ).toBe(true);
    expect((await queue.getJobCounts('active')).active).toBe(0);
    expect(await queue.getJobState(workspaceJobId(handedBack.id))).toBe('waiting');

    // The job is waiting, not active: the next worker takes it without the 120 s job lock expiring
    // (a stalled job would wait for it, and the reaper would fail the silent build first).
    await lab.berth.startWorker();
    const taken = await waitFor(
      () => latestBuild(id),
      (b) => b.status !== 'queued',
      'the next worker to take the build',
      60_000,
      100,
    );
    expect(taken.status).toBe('running');
  });

  it('the API ends SSE streams and terminals with a going-away notice and exits promptly', async () => {
    const templateId = await template('shutdown-api', 'true');
    const id = await create('api-streams', templateId);
    await admin.waitForStatus(id, 'running', 60_000);
    const stream = openEventStream(
      `${lab.berth.baseUrl}/api/v1/workspaces/${id}/events`,
      admin.token,
      lab.berth.baseUrl,
    );
    expect(await stream.status).toBe(200);
    const terminal = new WebSocket(`${lab.berth.baseUrl.replace('http', 'ws')}/api/v1/workspaces/${id}/terminal`, {
      headers: { Authorization: `Bearer ${admin.token}` },
    });
    await new Promise((resolve, reject) => terminal.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => terminal.once('close', (code) => resolve(code)));

    const api = lab.berth.api!;
    const sent = Date.now();
    api.kill('SIGTERM');
    await exited(api);
    // The product's promise, generous and measured where nothing else runs (the lab phase): the
    // API ends its streams instead of waiting out its 20 s grace period for them.
    expect(Date.now() - sent).toBeLessThan(15_000);
    expect(await closed).toBe(1001);
    await waitFor(
      () => Promise.resolve(stream.events.map((e) => e.event)),
      (events) => events.includes('shutdown'),
      'the shutdown event',
      5000,
    );
    stream.close();
    await lab.berth.startApi();
  });
});
