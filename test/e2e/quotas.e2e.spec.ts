import pg from 'pg';
import type request from 'supertest';
import { ApiClient, createDeveloper, signIn, testAdmin, uniqueName, waitFor } from '#testing';
import { testEnv } from '../setup/test-env.js';

interface Quota {
  limits: Record<string, number>;
  overrides: Record<string, number>;
  usage: { workspaces: number; running: number; cpus: number; memoryMb: number };
}

/** Per-user quotas over real HTTP, Postgres and Docker: limits, refusals, no double counting, races. */
describe('quotas', () => {
  let admin: ApiClient;
  let db: pg.Client;
  let templateId: string;

  const setQuota = async (userId: string, quota: object): Promise<Quota> => {
    const res = await admin.patch(`/users/${userId}`, { quota });
    expect(res.status).toBe(200);
    return (res.body as { quota: Quota }).quota;
  };
  const create = (client: ApiClient, name: string, parameters?: object): request.Test =>
    client.post('/workspaces', { name, templateId, ...(parameters ? { parameters } : {}) });
  const idOf = (res: request.Response): string => (res.body as { id: string }).id;
  /** Live workspaces of a user, straight from the database: a refusal must leave nothing behind. */
  const liveCount = async (ownerId: string): Promise<number> =>
    Number(
      (
        await db.query<{ n: string }>(
          'SELECT count(*) AS n FROM "Workspace" WHERE "ownerId" = $1 AND "deletedAt" IS NULL',
          [ownerId],
        )
      ).rows[0]?.n,
    );
  const buildCount = async (ownerId: string): Promise<number> =>
    Number(
      (
        await db.query<{ n: string }>(
          'SELECT count(*) AS n FROM "Build" b JOIN "Workspace" w ON w.id = b."workspaceId" WHERE w."ownerId" = $1',
          [ownerId],
        )
      ).rows[0]?.n,
    );
  const expectRefused = (res: request.Response, limit: string, fields: Record<string, number>): void => {
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'urn:berth:problem:quota_exceeded',
      title: 'Forbidden',
      status: 403,
      limit,
      ...fields,
    });
    expect((res.body as { detail: string }).detail).toMatch(
      new RegExp(`^quota exceeded: ${limit} is ${fields.allowed}`),
    );
  };
  const removeAll = async (client: ApiClient, ids: string[]): Promise<void> => {
    // Delete conflicts with a transition in flight: wait until each one has settled.
    for (const id of ids) {
      await waitFor(
        async () => ((await client.get(`/workspaces/${id}`)).body as { status: string }).status,
        (s) => ['running', 'stopped', 'failed'].includes(s),
        `${id} to settle`,
      );
    }
    for (const id of ids) expect((await client.delete(`/workspaces/${id}`)).status).toBe(202);
    for (const id of ids) await client.waitForGone(id);
  };

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    db = new pg.Client({ connectionString: testEnv().DATABASE_URL });
    await db.connect();
    const res = await admin.post('/templates', {
      name: uniqueName('quota'),
      spec: {
        image: 'berth/busybox:test',
        resources: { cpus: 0.25, memoryMb: 128, pidsLimit: 64 },
        // The template's resources are what a workspace costs unless the developer picks otherwise.
        parameters: [
          { name: 'cpus', kind: 'number', min: 0.25, max: 2, default: 0.25 },
          { name: 'memoryMb', kind: 'number', min: 128, max: 1024, default: 128 },
        ],
      },
    });
    expect(res.status).toBe(201);
    templateId = idOf(res);
  });
  afterAll(() => db.end());

  it('maxRunning and maxWorkspaces: refused while the first runs, allowed once it stopped; nothing created on refusal', async () => {
    const { client: dev, id: devId } = await createDeveloper(admin);
    const set = await setQuota(devId, { maxWorkspaces: 2, maxRunning: 1 });
    expect(set).toMatchObject({
      limits: { maxWorkspaces: 2, maxRunning: 1, maxCpus: 8, maxMemoryMb: 16384 },
      overrides: { maxWorkspaces: 2, maxRunning: 1 },
    });

    const first = idOf(await create(dev, 'first'));
    await dev.waitForStatus(first, 'running');
    const refused = await create(dev, 'second');
    expectRefused(refused, 'maxRunning', { allowed: 1, current: 1 });
    expect((refused.body as { detail: string }).detail).toBe('quota exceeded: maxRunning is 1 (you have 1 running)');
    expect(await liveCount(devId)).toBe(1);
    expect(await buildCount(devId)).toBe(1);

    // A restart of the running workspace does not count it twice.
    expect((await dev.post(`/workspaces/${first}/restart`)).status).toBe(202);
    await dev.waitForStatus(first, 'running');

    expect((await dev.post(`/workspaces/${first}/stop`)).status).toBe(202);
    await dev.waitForStatus(first, 'stopped');
    const second = await create(dev, 'second');
    expect(second.status).toBe(202);
    await dev.waitForStatus(idOf(second), 'running');

    // Starting the stopped one now is the second running workspace.
    const builds = await buildCount(devId);
    expectRefused(await dev.post(`/workspaces/${first}/start`), 'maxRunning', { allowed: 1, current: 1 });
    expect((await dev.get(`/workspaces/${first}`)).body).toMatchObject({ status: 'stopped' });
    expect(await buildCount(devId)).toBe(builds);

    const third = await create(dev, 'third');
    expectRefused(third, 'maxWorkspaces', { allowed: 2, current: 2 });
    expect((third.body as { detail: string }).detail).toBe(
      'quota exceeded: maxWorkspaces is 2 (you have 2 workspaces)',
    );
    expect(await liveCount(devId)).toBe(2);

    const me = (await dev.get('/users/me')).body as { id: string; quota: Quota };
    expect(me).toMatchObject({
      id: devId,
      quota: {
        limits: { maxWorkspaces: 2, maxRunning: 1 },
        usage: { workspaces: 2, running: 1, cpus: 0.25, memoryMb: 128 },
      },
    });

    // Stop and delete are never blocked; null clears an override (the configured default applies again).
    expect((await dev.post(`/workspaces/${idOf(second)}/stop`)).status).toBe(202);
    await dev.waitForStatus(idOf(second), 'stopped');
    const cleared = await setQuota(devId, { maxWorkspaces: null, maxRunning: null });
    expect(cleared).toMatchObject({ limits: { maxWorkspaces: 10, maxRunning: 5 }, overrides: {} });
    await removeAll(dev, [first, idOf(second)]);
  });

  it('maxCpus and maxMemoryMb: the sum of running workspaces with the parameters applied', async () => {
    const { client: dev, id: devId } = await createDeveloper(admin);
    await setQuota(devId, { maxCpus: 1, maxMemoryMb: 512 });

    const big = idOf(await create(dev, 'big', { cpus: 0.75 }));
    expectRefused(await create(dev, 'too-many-cpus', { cpus: 0.5 }), 'maxCpus', {
      allowed: 1,
      current: 0.75,
      requested: 1.25,
    });
    expectRefused(await create(dev, 'too-much-memory', { memoryMb: 512 }), 'maxMemoryMb', {
      allowed: 512,
      current: 128,
      requested: 640,
    });
    expect(await liveCount(devId)).toBe(1);

    // Exactly at both limits is allowed: 0.75 + 0.25 CPUs, 128 + 384 MB.
    const fits = await create(dev, 'fits', { memoryMb: 384 });
    expect(fits.status).toBe(202);
    await dev.waitForStatus(big, 'running');
    await dev.waitForStatus(idOf(fits), 'running');
    expect(((await dev.get('/users/me')).body as { quota: Quota }).quota.usage).toEqual({
      workspaces: 2,
      running: 2,
      cpus: 1,
      memoryMb: 512,
    });
    // A rebuild at full quota replaces the workspace's charge rather than adding to it.
    expect((await dev.post(`/workspaces/${big}/rebuild`)).status).toBe(202);
    await dev.waitForStatus(big, 'running');
    await removeAll(dev, [big, idOf(fits)]);
  });

  it('concurrent creates cannot overshoot: 10 at once with maxWorkspaces 3 leave exactly 3', async () => {
    const { client: dev, id: devId } = await createDeveloper(admin);
    await setQuota(devId, { maxWorkspaces: 3 });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => create(dev, `burst-${i}`)));
    const accepted = results.filter((r) => r.status === 202);
    expect(accepted).toHaveLength(3);
    for (const r of results.filter((r) => r.status !== 202))
      expectRefused(r, 'maxWorkspaces', { allowed: 3, current: 3 });
    expect(await liveCount(devId)).toBe(3);
    await removeAll(dev, accepted.map(idOf));
  });

  it('concurrent starts cannot overshoot maxRunning, nor maxCpus: 4 stopped workspaces started at once', async () => {
    const { client: dev, id: devId } = await createDeveloper(admin);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(idOf(await create(dev, `cold-${i}`)));
    for (const id of ids) await dev.waitForStatus(id, 'running');
    const stopAll = async (): Promise<void> => {
      for (const id of ids) {
        // A start accepted a moment ago is left to finish first (a stop would conflict with it).
        const { status } = await waitFor(
          async () => (await dev.get(`/workspaces/${id}`)).body as { status: string },
          (w) => ['running', 'stopped'].includes(w.status),
          `${id} to settle`,
        );
        if (status !== 'stopped') expect((await dev.post(`/workspaces/${id}/stop`)).status).toBe(202);
      }
      for (const id of ids) await dev.waitForStatus(id, 'stopped');
    };
    const startAll = async (): Promise<request.Response[]> =>
      Promise.all(ids.map((id) => dev.post(`/workspaces/${id}/start`)));
    const running = async (): Promise<number> =>
      Number(
        (
          await db.query<{ n: string }>(
            `SELECT count(*) AS n FROM "Workspace" WHERE "ownerId" = $1 AND "deletedAt" IS NULL AND status IN ('pending', 'starting', 'running')`,
            [devId],
          )
        ).rows[0]?.n,
      );

    await stopAll();
    await setQuota(devId, { maxRunning: 2 });
    const byRunning = await startAll();
    expect(byRunning.filter((r) => r.status === 202)).toHaveLength(2);
    for (const r of byRunning.filter((r) => r.status !== 202))
      expectRefused(r, 'maxRunning', { allowed: 2, current: 2 });
    expect(await running()).toBe(2);

    await stopAll();
    await setQuota(devId, { maxRunning: null, maxCpus: 0.5 }); // 0.25 CPUs each: room for two
    const byCpus = await startAll();
    expect(byCpus.filter((r) => r.status === 202)).toHaveLength(2);
    for (const r of byCpus.filter((r) => r.status !== 202))
      expectRefused(r, 'maxCpus', { allowed: 0.5, current: 0.5, requested: 0.75 });
    expect(await running()).toBe(2);
    expect(((await dev.get('/users/me')).body as { quota: Quota }).quota.usage).toMatchObject({
      running: 2,
      cpus: 0.5,
    });

    await removeAll(dev, ids);
  });

  it('only admins set quotas, and the values are validated', async () => {
    const { client: dev, id: devId } = await createDeveloper(admin);
    expect((await dev.patch(`/users/${devId}`, { quota: { maxRunning: 100 } })).status).toBe(403);
    for (const quota of [{ maxCpus: -1 }, { maxRunning: 1.5 }, { maxMemoryMb: 'lots' }, { unknown: 1 }, 'none']) {
      const res = await admin.patch(`/users/${devId}`, { quota });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(((await dev.get('/users/me')).body as { quota: Quota }).quota).toEqual({
      limits: { maxWorkspaces: 10, maxRunning: 5, maxCpus: 8, maxMemoryMb: 16384 },
      overrides: {},
      usage: { workspaces: 0, running: 0, cpus: 0, memoryMb: 0 },
      homeUsageBytes: 0,
      trash: { workspaces: 0, homeUsageBytes: 0 },
      snapshots: { usedBytes: 0, maxMb: 10240 },
    });
  });
});
