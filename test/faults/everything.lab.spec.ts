import { randomUUID } from 'node:crypto';
import { containersOf, dockerExec, volumesOf, waitFor, type ApiClient } from '#testing';
import { startLab, type Lab } from '../setup/fault-lab.js';

type Workspace = { id: string; name: string; status: string; lastError: string | null };

/**
 * Fault 9: the API, the worker, Redis, Postgres and the Docker engine are all killed at once
 * (SIGKILL; Postgres stopped in immediate mode, a crash) and started again. Afterwards: orphan
 * containers are removed, every status tells the truth, nothing is left in a transient state,
 * no volume is deleted, and the data is still there.
 */
describe('faults: everything killed at once and restarted (private Postgres, Redis, engine)', () => {
  let lab: Lab;
  let admin: ApiClient;

  beforeAll(async () => {
    lab = await startLab({
      name: 'everything',
      dockerd: true,
      postgres: true,
      redis: true,
      env: { BERTH_BUILD_HEARTBEAT_TIMEOUT_MS: '8000', BERTH_JOB_LOCK_MS: '5000' },
    });
    admin = await lab.start();
  });

  afterAll(async () => {
    await lab.teardown();
  });

  it('orphans removed, statuses true, no volume deleted, data intact', async () => {
    const spec = { image: 'berth/busybox:test', resources: { cpus: 0.25, memoryMb: 128 } };
    const plain = ((await admin.post('/templates', { name: 'everything', spec })).body as { id: string }).id;
    const slow = (
      (
        await admin.post('/templates', {
          name: 'everything-slow',
          spec: { ...spec, startScript: 'echo sleeping; sleep 3' },
        })
      ).body as { id: string }
    ).id;
    const create = async (name: string, templateId: string): Promise<string> =>
      ((await admin.post('/workspaces', { name, templateId })).body as { id: string }).id;

    const running = await create('was-running', plain);
    await admin.waitForStatus(running, 'running');
    const checksum = await dockerExec(
      (await containersOf(running, lab.docker))[0]!.Id,
      ['sh', '-c', 'head -c 65536 /dev/urandom > ~/data && sha256sum ~/data'],
      '1000:1000',
      lab.docker,
    );
    const stopped = await create('was-stopped', plain);
    await admin.waitForStatus(stopped, 'running');
    await admin.post(`/workspaces/${stopped}/stop`);
    await admin.waitForStatus(stopped, 'stopped');
    const starting = await create('was-starting', slow);
    await waitFor(
      async () => {
        const [build] = (await admin.get(`/workspaces/${starting}/builds`)).body as { id: string }[];
        return ((await admin.get(`/workspaces/${starting}/builds/${build!.id}`)).body as { logs: { line: string }[] })
          .logs;
      },
      (logs) => logs.some((l) => l.line === 'sleeping'),
      'the start script to run',
      60_000,
      100,
    );

    // Leftovers of a workspace that has no row: a container (to be removed) and a volume (kept).
    const ghost = randomUUID();
    const labels = {
      'berth.managed': 'true',
      'berth.instance': lab.env.BERTH_INSTANCE!,
      'berth.workspace.id': ghost,
      'berth.owner.id': randomUUID(),
    };
    await lab.docker.createVolume({ Name: `berth-ws-${ghost}-home`, Labels: labels });
    await (
      await lab.docker.createContainer({
        Image: 'berth/busybox:test',
        Cmd: ['sleep', '600'],
        Labels: labels,
        HostConfig: { NetworkMode: 'none' },
      })
    ).start();

    await Promise.all([
      lab.berth.kill(lab.berth.api),
      lab.berth.kill(lab.berth.worker),
      lab.redis!.stop('SIGKILL'),
      lab.postgres!.stop('immediate'),
      lab.dockerd!.kill(),
    ]);
    await lab.dockerd!.start();
    await lab.postgres!.start();
    await lab.redis!.start();
    await lab.berth.startApi();
    await lab.berth.startWorker();
    await lab.berth.waitReady();

    await waitFor(
      () => containersOf(ghost, lab.docker),
      (c) => c.length === 0,
      'the orphan container to be removed',
      30_000,
      250,
    );
    // Truth after the crash: the engine's SIGKILL stopped the running container (the reconciler
    // says so), the start in flight lost its worker (the reaper says so), the stopped one stayed stopped.
    const settled = await waitFor(
      async () => (await admin.get('/workspaces')).body as Workspace[],
      (all) =>
        all.find((w) => w.id === running)?.status === 'failed' &&
        all.find((w) => w.id === starting)?.status === 'failed',
      'statuses to follow the crash',
      60_000,
      250,
    );
    expect(settled.find((w) => w.id === running)?.lastError).toMatch(/the container stopped outside Berth/);
    expect(settled.find((w) => w.id === starting)?.lastError).toMatch(
      /the worker stopped responding during this start/,
    );
    expect(settled.find((w) => w.id === stopped)).toMatchObject({ status: 'stopped' });
    expect(settled.filter((w) => ['pending', 'starting', 'stopping', 'deleting'].includes(w.status))).toEqual([]);
    for (const id of [running, stopped, starting, ghost]) expect(await volumesOf(id, lab.docker)).toHaveLength(1);

    // And from there, everything starts again on the same volumes.
    for (const id of [running, stopped, starting])
      expect((await admin.post(`/workspaces/${id}/start`)).status).toBe(202);
    for (const id of [running, stopped, starting]) await admin.waitForStatus(id, 'running', 60_000);
    expect(
      await dockerExec(
        (await containersOf(running, lab.docker))[0]!.Id,
        ['sha256sum', '/home/dev/data'],
        '1000:1000',
        lab.docker,
      ),
    ).toBe(checksum);
    for (const id of [running, stopped, starting]) expect(await containersOf(id, lab.docker)).toHaveLength(1);
  });
});
