import { containersOf, waitFor, type ApiClient } from '#testing';
import { startLab, type Lab } from '../setup/fault-lab.js';

type Build = { id: string; status: string; logs: { line: string }[] };

/**
 * Fault 1: the worker is SIGKILLed mid-start, at two points: right after the container was created
 * (its `start` request held by a Docker proxy, so the engine never gets it), and while the start
 * script runs (container started, status not yet written). A replacement worker takes the job over
 * once its lock expires (BullMQ stalled-job recovery), re-runs the idempotent steps, and the
 * workspace ends running with exactly one container. A lab of its own: killing its worker
 * disturbs no other suite.
 */
describe('faults: worker killed mid-build', () => {
  let lab: Lab;
  let admin: ApiClient;

  beforeAll(async () => {
    lab = await startLab({
      name: 'crash',
      proxy: true,
      // A short job lock so the takeover comes quickly; the reaper's limit stays well above it,
      // or it would fail builds the new worker is about to finish.
      env: { BERTH_JOB_LOCK_MS: '5000', BERTH_BUILD_HEARTBEAT_TIMEOUT_MS: '60000' },
    });
    admin = await lab.start();
  });

  afterAll(async () => {
    await lab.teardown();
  });

  const latestBuild = async (id: string): Promise<Build> => {
    const [build] = (await admin.get(`/workspaces/${id}/builds`)).body as { id: string }[];
    return (await admin.get(`/workspaces/${id}/builds/${build!.id}`)).body as Build;
  };
  const template = async (name: string, spec: object): Promise<string> =>
    ((await admin.post('/templates', { name, spec: { image: 'berth/busybox:test', ...spec } })).body as { id: string })
      .id;

  it('killed between container create and start: a new worker starts that same container', async () => {
    const templateId = await template('crash-create', {});
    // The workspace container's own start (it was created, and its volume prepared, before).
    lab.proxy!.holdStartOf(/^berth-ws-/);
    const id = ((await admin.post('/workspaces', { name: 'crash-create', templateId })).body as { id: string }).id;

    await lab.proxy!.nextHeld();
    const created = await containersOf(id, lab.docker);
    expect(created.map((c) => [c.Names[0], c.State])).toEqual([[`/berth-ws-${id}`, 'created']]);

    await lab.berth.kill(lab.berth.worker);
    lab.proxy!.release(); // the held request is cut off: the engine never saw it
    await lab.berth.startWorker();

    await admin.waitForStatus(id, 'running', 60_000);
    const after = await containersOf(id, lab.docker);
    expect(after.map((c) => [c.Id, c.State])).toEqual([[created[0]!.Id, 'running']]);
    expect((await latestBuild(id)).status).toBe('succeeded');
  }, 120_000);

  it('killed while the volume is prepared: the half-prepared container is made afresh, never started as is', async () => {
    const templateId = await template('crash-volume', {});
    // The volume is prepared by the workspace's own container, created (not started) with
    // copy-up: its home directory's owner is written through the archive API, and that write is held.
    lab.proxy!.hold((method, path) => method === 'PUT' && /\/containers\/[^/]+\/archive/.test(path));
    const id = ((await admin.post('/workspaces', { name: 'crash-volume', templateId })).body as { id: string }).id;
    await lab.proxy!.nextHeld();
    const half = await containersOf(id, lab.docker);
    expect(half.map((c) => [c.Names[0], c.State, c.Labels['berth.role']])).toEqual([
      [`/berth-ws-${id}`, 'created', undefined],
    ]);

    await lab.berth.kill(lab.berth.worker);
    lab.proxy!.release();
    await lab.berth.startWorker();

    await admin.waitForStatus(id, 'running', 60_000);
    const after = await containersOf(id, lab.docker);
    expect(after.map((c) => [c.Names[0], c.State])).toEqual([[`/berth-ws-${id}`, 'running']]);
    // Not the one whose preparation was cut off: the new worker prepared the volume again.
    expect(after[0]?.Id).not.toBe(half[0]?.Id);
  }, 120_000);

  it('killed while the start script runs: a new worker finishes the build with one container', async () => {
    const templateId = await template('crash-script', { startScript: 'echo sleeping; sleep 4' });
    const id = ((await admin.post('/workspaces', { name: 'crash-script', templateId })).body as { id: string }).id;
    await waitFor(
      () => latestBuild(id),
      (b) => b.logs.some((l) => l.line === 'sleeping'),
      'the start script to run',
      60_000,
      100,
    );
    expect(await containersOf(id, lab.docker)).toHaveLength(1);

    await lab.berth.kill(lab.berth.worker);
    await lab.berth.startWorker();

    await admin.waitForStatus(id, 'running', 60_000);
    expect(await containersOf(id, lab.docker)).toHaveLength(1);
    const build = await latestBuild(id);
    expect(build.status).toBe('succeeded');
    // The script ran again in the new worker (the first run's end was never recorded).
    expect(build.logs.filter((l) => l.line === 'sleeping').length).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
