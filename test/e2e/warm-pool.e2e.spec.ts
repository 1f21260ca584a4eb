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

interface PoolVersion {
  templateId: string;
  version: number;
  size: number;
  promoted: boolean;
  ready: number;
  warming: number;
  draining: number;
}
type Workspace = { id: string; status: string; name: string; ownerId: string };

/**
 * The warm pool on the real engine (README "Warm pool"): slots are hardened, started containers
 * with fresh volumes already named for their future workspace; a matching request claims one and
 * is running at once, exclusively under concurrency; a claimed workspace then lives like a cold
 * one; the pool refills, drains when another version is promoted, and never serves a request
 * whose parameters differ.
 */
describe('warm pool (real Docker)', () => {
  let admin: ApiClient;
  let alice: ApiClient;
  let aliceId: string;
  let templateId: string;
  let claimedId: string;
  const made: string[] = [];

  const poolOf = async (version: number): Promise<PoolVersion | undefined> => {
    const res = await admin.get('/admin/system');
    expect(res.status).toBe(200);
    const versions = (res.body as { pool: { versions: PoolVersion[] } }).pool.versions;
    return versions.find((v) => v.templateId === templateId && v.version === version);
  };
  const waitReady = (version: number, count: number): Promise<PoolVersion | undefined> =>
    waitFor(
      () => poolOf(version),
      (p) => (p?.ready ?? 0) >= count && (p?.warming ?? 0) === 0,
      `${count} ready slot(s) of v${version}`,
      120_000,
    );
  /** Ids of the pool's own containers (owner label `pool`), running. */
  const pooledIds = async (): Promise<string[]> => {
    const list = await testDocker().listContainers({
      filters: { label: ['berth.owner.id=pool', 'berth.managed=true'] },
    });
    return list.map((c) => c.Labels['berth.workspace.id'] ?? '');
  };
  const setPool = (version: number, size: number) =>
    admin.put(`/templates/${templateId}/versions/${version}/pool`, { size });

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: alice, id: aliceId } = await createDeveloper(admin));
    const created = await admin.post('/templates', {
      name: uniqueName('pool'),
      spec: {
        image: 'berth/busybox:test',
        startScript: 'echo started >> $HOME/.starts',
        resources: { cpus: 0.25, memoryMb: 128, pidsLimit: 64 },
        parameters: [{ name: 'memoryMb', kind: 'number', min: 64, max: 512, default: 128 }],
      },
    });
    expect(created.status).toBe(201);
    templateId = (created.body as { id: string }).id;
    await waitFor(
      async () => (await admin.get(`/templates/${templateId}/versions/1`)).body as { status: string },
      (v) => v.status === 'ready',
      'version 1 ready',
    );
  });

  afterAll(async () => {
    await setPool(1, 0);
    await setPool(2, 0);
    // An admin purges without typing the name again.
    for (const id of made) await admin.delete(`/workspaces/${id}?purge=true`);
    if (claimedId) await admin.delete(`/trash/${claimedId}`); // deleted to the trash by the last test
  });

  it('refuses bad pool sizes with problem+json, and developers', async () => {
    for (const size of [-1, 101, 1.5, 'two', null]) {
      const res = await setPool(1, size as number);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await admin.put(`/templates/${templateId}/versions/99/pool`, { size: 1 })).status).toBe(404);
    expect((await alice.put(`/templates/${templateId}/versions/1/pool`, { size: 1 })).status).toBe(403);
    expect((await poolOf(1)) ?? { size: 0 }).toMatchObject({ size: 0 });
  });

  it('fills the pool with hardened, started containers on volumes named for their future workspace', async () => {
    const res = await setPool(1, 2);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 1, poolSize: 2 });
    expect(await waitReady(1, 2)).toMatchObject({ size: 2, promoted: true, ready: 2 });
    const ids = await pooledIds();
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const id of ids) {
      const [container] = await containersOf(id);
      const info = await testDocker().getContainer(container!.Id).inspect();
      expect(info.State.Running).toBe(true);
      expect(info.Config.Labels).toMatchObject({
        'berth.managed': 'true',
        'berth.workspace.id': id,
        'berth.owner.id': 'pool',
      });
      expect(info.HostConfig.CapDrop).toContain('ALL');
      expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges:true');
      expect(info.HostConfig.Privileged).toBe(false);
      const [volume] = await volumesOf(id);
      expect(volume).toMatchObject({ Name: `berth-ws-${id}-home`, Labels: { 'berth.owner.id': 'pool' } });
    }
  });

  it('serves a matching request from the pool: running at once, with its Build row', async () => {
    const before = await pooledIds();
    const res = await alice.post('/workspaces', { name: 'warm', templateId });
    expect(res.status).toBe(202);
    const ws = res.body as Workspace;
    made.push(ws.id);
    claimedId = ws.id;
    expect(ws).toMatchObject({ status: 'running', ownerId: aliceId, name: 'warm' });
    expect(before).toContain(ws.id);
    const builds = (await alice.get(`/workspaces/${ws.id}/builds`)).body as {
      kind: string;
      status: string;
      stages: object;
    }[];
    expect(builds).toHaveLength(1);
    expect(builds[0]).toMatchObject({
      kind: 'start',
      status: 'succeeded',
      stages: { 'warm-pool': expect.any(Number) as number },
    });
  });

  it('refills the pool after a claim, and the reconciler leaves the slots alone', async () => {
    expect(await waitReady(1, 2)).toMatchObject({ ready: 2 });
    const ids = await pooledIds();
    // Several reconcile passes later, every slot is still there.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await pooledIds()).toEqual(expect.arrayContaining(ids));
    // Nor does the admin's volume inventory call their volumes orphans (they are on the system page).
    const inventory = (await admin.get('/admin/volumes')).body as { items: { workspaceId: string }[] };
    const listed = inventory.items.map((i) => i.workspaceId);
    // (The claimed workspace's container still carries the pool label: it is listed, as a live one.)
    expect(listed).toContain(claimedId);
    for (const id of ids.filter((slot) => slot !== claimedId)) expect(listed).not.toContain(id);
  });

  it('falls back to a cold start when the parameters differ', async () => {
    const ready = (await poolOf(1))?.ready ?? 0;
    const pooled = await pooledIds();
    const res = await alice.post('/workspaces', { name: 'cold', templateId, parameters: { memoryMb: 256 } });
    expect(res.status).toBe(202);
    const ws = res.body as Workspace;
    made.push(ws.id);
    expect(ws.status).toBe('pending');
    expect(pooled).not.toContain(ws.id);
    await alice.waitForStatus(ws.id, 'running');
    const [container] = await containersOf(ws.id);
    expect(container!.Labels['berth.owner.id']).toBe(aliceId);
    expect((await poolOf(1))?.ready).toBe(ready);
  });

  it('a claimed workspace stops, starts and rebuilds like a cold one, and its volume keeps a file', async () => {
    const container = async () => (await containersOf(claimedId))[0]!.Id;
    await dockerExec(await container(), ['sh', '-c', 'echo kept > /home/dev/file.txt']);
    expect((await alice.post(`/workspaces/${claimedId}/stop`)).status).toBe(202);
    await alice.waitForStatus(claimedId, 'stopped');
    expect(await containersOf(claimedId)).toHaveLength(0);
    expect((await alice.post(`/workspaces/${claimedId}/start`)).status).toBe(202);
    await alice.waitForStatus(claimedId, 'running');
    expect(await dockerExec(await container(), ['cat', '/home/dev/file.txt'])).toBe('kept\n');
    // Recreated by Berth for its owner: the new container carries the owner of record.
    expect((await containersOf(claimedId))[0]!.Labels['berth.owner.id']).toBe(aliceId);
    expect((await alice.post(`/workspaces/${claimedId}/rebuild`)).status).toBe(202);
    await alice.waitForStatus(claimedId, 'running');
    expect(await dockerExec(await container(), ['cat', '/home/dev/file.txt'])).toBe('kept\n');
  });

  it('keeps claims exclusive under 20 concurrent requests', async () => {
    await setPool(1, 3);
    await waitReady(1, 3);
    const pooled = new Set(await pooledIds());
    const users = await Promise.all([0, 1, 2, 3].map(() => createDeveloper(admin)));
    const requests = users.flatMap(({ client }) =>
      [0, 1, 2, 3, 4].map(async (i) => ({
        client,
        res: await client.post('/workspaces', { name: `burst-${i}`, templateId }),
      })),
    );
    const answers = await Promise.all(requests);
    for (const { res } of answers) expect(res.status).toBe(202);
    const ids = answers.map(({ res }) => (res.body as Workspace).id);
    expect(new Set(ids).size).toBe(20);
    const claimed = answers
      .filter(({ res }) => (res.body as Workspace).status === 'running')
      .map(({ res }) => (res.body as Workspace).id);
    // The three ready slots all went, each to exactly one request; refills made meanwhile may serve more.
    expect(claimed.length).toBeGreaterThanOrEqual(3);
    expect(claimed.filter((id) => pooled.has(id)).length).toBe(3);
    for (const id of claimed) expect(await containersOf(id)).toHaveLength(1);
    for (const { client, res } of answers) await client.waitForStatus((res.body as Workspace).id, 'running', 180_000);
    for (const id of ids) expect((await admin.delete(`/workspaces/${id}?purge=true`)).status).toBe(202);
    await setPool(1, 1);
  });

  it('drains the old pool when a new version is promoted; the claimed workspace updates and is deleted', async () => {
    await waitFor(
      () => poolOf(1),
      (p) => p?.ready === 1 && p.draining === 0,
      'v1 pool back to 1',
      120_000,
    );
    const old = await pooledIds();
    const v2 = await admin.post(`/templates/${templateId}/versions`, {
      spec: { image: 'berth/busybox:test', resources: { cpus: 0.25, memoryMb: 128, pidsLimit: 64 } },
    });
    expect(v2.status).toBe(201);
    await waitFor(
      async () => (await admin.get(`/templates/${templateId}/versions/2`)).body as { status: string },
      (v) => v.status === 'ready',
      'version 2 ready',
    );
    expect((await admin.post(`/templates/${templateId}/versions/2/promote`)).status).toBe(200);
    // The drain runs in the worker's next pass: wait for its end, the old slots' objects gone (the
    // v1 summary alone may already read empty while a slot is still being removed).
    await waitFor(
      async () => ({
        pool: await poolOf(1),
        left: (await Promise.all(old.map((id) => containersOf(id)))).flat().length,
      }),
      ({ pool: p, left }) => (p?.ready ?? 0) + (p?.warming ?? 0) + (p?.draining ?? 0) === 0 && left === 0,
      'v1 drained',
      60_000,
    );
    for (const id of old) {
      expect(await containersOf(id)).toHaveLength(0);
      // Never used by anybody: removed with its container.
      expect(await volumesOf(id)).toHaveLength(0);
    }
    expect(await poolOf(2)).toBeUndefined(); // v2 has no pool size

    expect((await alice.post(`/workspaces/${claimedId}/update`)).status).toBe(202);
    const updated = await alice.waitForStatus(claimedId, 'running');
    expect(updated.templateVersion).toBe(2);
    expect(await dockerExec((await containersOf(claimedId))[0]!.Id, ['cat', '/home/dev/file.txt'])).toBe('kept\n');
    expect((await alice.delete(`/workspaces/${claimedId}`)).status).toBe(202);
    await alice.waitForGone(claimedId);
    expect(await containersOf(claimedId)).toHaveLength(0);
    // A claimed slot's volume is the workspace's: kept in the trash like any other.
    expect(await volumesOf(claimedId)).toHaveLength(1);
  });
});
