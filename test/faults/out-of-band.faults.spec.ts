import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  ApiClient,
  containersOf,
  createDeveloper,
  dockerExec,
  signIn,
  testAdmin,
  testDocker,
  uniqueName,
  volumesOf,
  waitFor,
} from '#testing';
import { testEnv } from '../setup/test-env.js';

/**
 * Faults injected into real things: containers removed behind Berth's back, orphans, a worker
 * that dies mid-build, a job lost with Redis, concurrent identical requests, many stop/start
 * cycles. The system must converge, never lose the volume, and never leave a workspace stuck.
 */
describe('faults: the system converges (real Docker, Postgres, Redis)', () => {
  let admin: ApiClient;
  let dev: ApiClient;
  let templateId: string;
  let db: pg.Client;
  const cleanup: string[] = [];

  const create = async (): Promise<string> => {
    const id = ((await dev.post('/workspaces', { name: uniqueName('fault'), templateId })).body as { id: string }).id;
    cleanup.push(id);
    await dev.waitForStatus(id, 'running');
    return id;
  };
  const container = async (id: string): Promise<string> => (await containersOf(id))[0]!.Id;

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev } = await createDeveloper(admin));
    templateId = (
      (
        await admin.post('/templates', {
          name: uniqueName('faults'),
          spec: { image: 'berth/busybox:test', resources: { cpus: 0.25, memoryMb: 128 } },
        })
      ).body as { id: string }
    ).id;
    db = new pg.Client({ connectionString: testEnv().DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    for (const id of cleanup) await dev.delete(`/workspaces/${id}`);
    await db.end();
  });

  it('docker rm -f of a running workspace: status follows within a reconcile pass; start recreates it on the same volume, checksum intact', async () => {
    const id = await create();
    const checksum = await dockerExec(await container(id), [
      'sh',
      '-c',
      'head -c 65536 /dev/urandom > ~/data && sha256sum ~/data',
    ]);
    await testDocker()
      .getContainer(await container(id))
      .remove({ force: true });
    // The reconciler notices by itself (no request touches the workspace meanwhile) and says why.
    const failed = await dev.waitForStatus(id, 'failed', 120_000);
    expect(failed.lastError).toMatch(/^the container was removed outside Berth/);
    expect((await dev.post(`/workspaces/${id}/start`)).status).toBe(202);
    await dev.waitForStatus(id, 'running');
    expect(await dockerExec(await container(id), ['sha256sum', '/home/dev/data'])).toBe(checksum);
  });

  it('recover repairs a failed workspace from the actual container state, without touching the volume', async () => {
    const id = await create();
    await dockerExec(await container(id), ['sh', '-c', 'echo kept > ~/kept']);
    // The container keeps running but the record says failed (as after a lost worker).
    await db.query(`UPDATE "Workspace" SET status = 'failed', "lastError" = 'simulated' WHERE id = $1`, [id]);
    const recovered = await dev.post(`/workspaces/${id}/recover`);
    expect(recovered.status).toBe(200);
    expect(recovered.body).toMatchObject({ status: 'running', lastError: null });
    expect(await dockerExec(await container(id), ['cat', '/home/dev/kept'])).toBe('kept\n');
    expect((await dev.post(`/workspaces/${id}/recover`)).status).toBe(409); // a running workspace needs none

    await testDocker()
      .getContainer(await container(id))
      .stop({ t: 0 });
    await db.query(`UPDATE "Workspace" SET status = 'failed' WHERE id = $1`, [id]);
    expect((await dev.post(`/workspaces/${id}/recover`)).body).toMatchObject({ status: 'stopped' });
    expect(await volumesOf(id)).toHaveLength(1);
  });

  it('an orphan container (no workspace row) is removed; an orphan volume is kept', async () => {
    const ghost = randomUUID();
    const labels = {
      'berth.managed': 'true',
      'berth.instance': testEnv().BERTH_INSTANCE!,
      'berth.workspace.id': ghost,
      'berth.owner.id': randomUUID(),
    };
    await testDocker().createVolume({ Name: `berth-ws-${ghost}-home`, Labels: labels });
    const orphan = await testDocker().createContainer({
      Image: 'berth/busybox:test',
      Cmd: ['sleep', '600'],
      Labels: labels,
    });
    await orphan.start();
    await waitFor(
      () => containersOf(ghost),
      (c) => c.length === 0,
      'the orphan container to be removed',
      10_000,
      250,
    );
    expect(await volumesOf(ghost)).toHaveLength(1);
    await testDocker().getVolume(`berth-ws-${ghost}-home`).remove();
  });

  it('a build whose worker stopped sending heartbeats is failed with the reason; the workspace can start again', async () => {
    const id = await create();
    await dev.post(`/workspaces/${id}/stop`);
    await dev.waitForStatus(id, 'stopped');
    // A build a dead worker left "running", its heartbeat long gone.
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO "Build" (id, "workspaceId", kind, status, "templateVersion", "startedAt", "heartbeatAt") ` +
        `VALUES (gen_random_uuid(), $1, 'start', 'running', 1, now() - interval '5 minutes', ` +
        `now() - interval '5 minutes') RETURNING id`,
      [id],
    );
    await db.query(`UPDATE "Workspace" SET status = 'starting' WHERE id = $1`, [id]);
    const failed = await dev.waitForStatus(id, 'failed', 10_000);
    expect(failed.lastError).toMatch(/the worker stopped responding during this start/);
    expect((await dev.get(`/workspaces/${id}/builds/${rows[0]!.id}`)).body).toMatchObject({
      status: 'failed',
      errorCode: 'worker_lost',
    });
    expect((await dev.post(`/workspaces/${id}/start`)).status).toBe(202);
    await dev.waitForStatus(id, 'running');
  });

  it('a queued build whose job was lost (Redis keeps nothing on disk) is enqueued again and completes', async () => {
    const id = await create();
    await dev.post(`/workspaces/${id}/stop`);
    await dev.waitForStatus(id, 'stopped');
    // Accepted in Postgres, never reached Redis.
    await db.query(
      `INSERT INTO "Build" (id, "workspaceId", kind, status, "templateVersion", "queuedAt") VALUES (gen_random_uuid(), $1, 'start', 'queued', 1, now())`,
      [id],
    );
    await db.query(`UPDATE "Workspace" SET status = 'starting' WHERE id = $1`, [id]);
    await dev.waitForStatus(id, 'running', 20_000);
  });

  it('50 concurrent identical starts: one build, one container, the rest answer 202 with that build or 409', async () => {
    const id = await create();
    await dev.post(`/workspaces/${id}/stop`);
    await dev.waitForStatus(id, 'stopped');
    const answers = await Promise.all(Array.from({ length: 50 }, () => dev.post(`/workspaces/${id}/start`)));
    const accepted = answers.filter((a) => a.status === 202).map((a) => (a.body as { build: { id: string } }).build.id);
    expect(answers.every((a) => a.status === 202 || a.status === 409)).toBe(true);
    expect(new Set(accepted).size).toBe(1);
    await dev.waitForStatus(id, 'running');
    expect(await containersOf(id)).toHaveLength(1);
    const builds = (await dev.get(`/workspaces/${id}/builds`)).body as { kind: string }[];
    expect(builds.filter((b) => b.kind === 'start')).toHaveLength(2); // the first start and this one
  });

  // 20 real cycles prove the engine path (container removed and recreated, the same volume mounted
  // again); the orchestration's side of many more cycles runs on the fake runtime, in
  // workspace-lifecycle.resilience.spec.ts (100 cycles).
  it('20 stop/start cycles: the same volume (never recreated) and its checksum file survive every one', async () => {
    const id = await create();
    const checksum = await dockerExec(await container(id), [
      'sh',
      '-c',
      'head -c 4096 /dev/urandom > ~/c && sha256sum ~/c',
    ]);
    const volumeName = `berth-ws-${id}-home`;
    const createdAt = ((await testDocker().getVolume(volumeName).inspect()) as unknown as { CreatedAt: string })
      .CreatedAt;
    const containerIds = new Set<string>([await container(id)]);
    for (let i = 0; i < 20; i++) {
      expect((await dev.post(`/workspaces/${id}/stop`)).status).toBe(202);
      await dev.waitForStatus(id, 'stopped', 120_000);
      expect(await containersOf(id)).toHaveLength(0);
      expect((await dev.post(`/workspaces/${id}/start`)).status).toBe(202);
      await dev.waitForStatus(id, 'running', 120_000);
      containerIds.add(await container(id));
    }
    expect(containerIds.size).toBe(21); // a new container each time
    expect(await dockerExec(await container(id), ['sha256sum', '/home/dev/c'])).toBe(checksum);
    expect(await volumesOf(id)).toHaveLength(1);
    expect(((await testDocker().getVolume(volumeName).inspect()) as unknown as { CreatedAt: string }).CreatedAt).toBe(
      createdAt,
    );
    const builds = (await dev.get(`/workspaces/${id}/builds`)).body as { status: string }[];
    expect(builds.filter((b) => b.status !== 'succeeded')).toEqual([]);
  }, 600_000);
});
