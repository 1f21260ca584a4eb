import { randomUUID } from 'node:crypto';
import {
  ApiClient,
  containersOf,
  createDeveloper,
  dockerExec,
  readFromVolume,
  signIn,
  testAdmin,
  testDocker,
  uniqueName,
  volumesOf,
  waitFor,
} from '#testing';
import { testEnv } from '../setup/test-env.js';

interface VolumeItem {
  workspaceId: string;
  volume: string;
  state: string;
  ownerId: string | null;
  ownerEmail: string | null;
  sizeBytes: number | null;
  workspaceName: string | null;
}
interface AuditRow {
  action: string;
  targetId: string;
  outcome: string;
}

/** Transfer of a workspace between users, and the admin's volume inventory with orphans (real Docker). */
describe('ownership transfer and volume inventory (real Docker)', () => {
  let admin: ApiClient;
  let alice: ApiClient;
  let aliceId: string;
  let bob: ApiClient;
  let bobId: string;
  let templateId: string;

  const create = async (client: ApiClient): Promise<string> => {
    const res = await client.post('/workspaces', { name: uniqueName('own'), templateId });
    expect(res.status).toBe(202);
    const id = (res.body as { id: string }).id;
    await client.waitForStatus(id, 'running');
    return id;
  };
  const inventory = async (): Promise<VolumeItem[]> =>
    ((await admin.get('/admin/volumes')).body as { items: VolumeItem[] }).items;
  const audit = async (action: string, id: string): Promise<AuditRow[]> =>
    ((await admin.get(`/audit?action=${action}&targetId=${id}`)).body as { events: AuditRow[] }).events;

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: alice, id: aliceId } = await createDeveloper(admin));
    ({ client: bob, id: bobId } = await createDeveloper(admin));
    templateId = (
      (
        await admin.post('/templates', {
          name: uniqueName('own'),
          spec: { image: 'berth/busybox:test', resources: { cpus: 0.25, memoryMb: 128 } },
        })
      ).body as { id: string }
    ).id;
  });

  it('transfer: the new owner sees the workspace and its files, the old owner gets 404; audited; admins only', async () => {
    const id = await create(alice);
    await dockerExec((await containersOf(id))[0]!.Id, ['sh', '-c', 'echo handed-over > ~/notes.txt']);

    expect((await alice.post(`/workspaces/${id}/transfer`, { ownerId: bobId })).status).toBe(403);
    expect((await admin.post(`/workspaces/${id}/transfer`, { ownerId: randomUUID() })).status).toBe(400);
    expect((await alice.get(`/workspaces/${id}`)).status).toBe(200);

    const moved = await admin.post(`/workspaces/${id}/transfer`, { ownerId: bobId });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ id, ownerId: bobId });
    expect((await alice.get(`/workspaces/${id}`)).status).toBe(404);
    expect(((await alice.get('/workspaces')).body as { id: string }[]).some((w) => w.id === id)).toBe(false);
    // Running, so it was restarted: the new container carries the new owner's label.
    await bob.waitForStatus(id, 'running');
    await waitFor(
      () => containersOf(id),
      (cs) => cs.length === 1 && cs[0]!.Labels['berth.owner.id'] === bobId && cs[0]!.State === 'running',
      'the container to carry the new owner',
      60_000,
    );
    const exec = await bob.post(`/workspaces/${id}/exec`, { command: ['cat', '/home/dev/notes.txt'] });
    expect(exec.status).toBe(200);
    expect(exec.body).toMatchObject({ exitCode: 0, stdout: 'handed-over\n' });
    // The audit row is written just after the answer.
    await waitFor(
      () => audit('workspaces.transfer', id),
      (rows) => rows.some((r) => r.outcome === 'success'),
      'the transfer in the audit log',
      10_000,
    );
    expect(
      (await bob.delete(`/workspaces/${id}?purge=true&confirm=${(moved.body as { name: string }).name}`)).status,
    ).toBe(202);
  });

  it('inventory: a hand-made orphan is listed, never deleted by the reconciler, and can be adopted into the trash', async () => {
    const docker = testDocker();
    const orphanId = randomUUID();
    const name = `berth-ws-${orphanId}-home`;
    await docker.createVolume({
      Name: name,
      Labels: {
        'berth.managed': 'true',
        'berth.instance': testEnv().BERTH_INSTANCE!,
        'berth.workspace.id': orphanId,
        'berth.owner.id': aliceId,
      },
    });
    const writer = await docker.createContainer({
      Image: 'berth/busybox:test',
      Cmd: ['sh', '-c', 'echo found > /v/found.txt && chown -R 1000:1000 /v'],
      HostConfig: { Mounts: [{ Type: 'volume', Source: name, Target: '/v' }], NetworkMode: 'none' },
    });
    await writer.start();
    await writer.wait();
    await writer.remove();

    expect((await alice.get('/admin/volumes')).status).toBe(403);
    const listed = (await inventory()).find((i) => i.workspaceId === orphanId);
    expect(listed).toMatchObject({ state: 'orphan-volume', volume: name, ownerId: aliceId, workspaceName: null });
    expect(listed!.sizeBytes).toBeGreaterThan(0);

    // A row whose volume is gone is listed too.
    const gone = await create(bob);
    expect((await bob.post(`/workspaces/${gone}/stop`)).status).toBe(202);
    await bob.waitForStatus(gone, 'stopped');
    // Removed by hand (a usage measurement may hold it for a moment).
    await waitFor(
      () =>
        docker
          .getVolume(`berth-ws-${gone}-home`)
          .remove()
          .then(
            () => true,
            () => false,
          ),
      (removed) => removed,
      'the volume to be removed by hand',
      30_000,
    );
    expect((await inventory()).find((i) => i.workspaceId === gone)).toMatchObject({ state: 'missing-volume' });

    // The reconciler passes over it (it follows a container removed outside Berth meanwhile) and keeps it.
    const watched = await create(bob);
    await docker.getContainer((await containersOf(watched))[0]!.Id).remove({ force: true });
    await bob.waitForStatus(watched, 'failed', 30_000);
    expect(await volumesOf(orphanId)).toHaveLength(1);

    // Report: an audit entry, nothing changed.
    expect((await admin.post(`/admin/volumes/${orphanId}/report`)).status).toBe(200);
    await waitFor(
      () => audit('volumeinventory.report', orphanId),
      (rows) => rows.length === 1,
      'the report in the audit log',
      10_000,
    );
    expect(await volumesOf(orphanId)).toHaveLength(1);

    // Adopt: a trashed workspace of the labelled owner, restored with its file.
    const adopted = await admin.post(`/admin/volumes/${orphanId}/adopt`);
    expect(adopted.status).toBe(200);
    expect(adopted.body).toMatchObject({ state: 'trash', ownerId: aliceId });
    expect((await admin.post(`/admin/volumes/${orphanId}/adopt`)).status).toBe(409);
    const trash = (await alice.get('/trash')).body as { items: { workspaceId: string }[] };
    expect(trash.items.map((i) => i.workspaceId)).toContain(orphanId);
    expect((await alice.post(`/trash/${orphanId}/restore`)).status).toBe(200);
    expect((await alice.post(`/workspaces/${orphanId}/start`)).status).toBe(202);
    await alice.waitForStatus(orphanId, 'running');
    expect(await readFromVolume(orphanId, 'found.txt')).toBe('found\n');
  });

  it("inventory: a trashed workspace's volume is counted as trash, never as an orphan", async () => {
    const id = await create(alice);
    expect((await alice.delete(`/workspaces/${id}`)).status).toBe(202);
    await alice.waitForGone(id);
    const { items, counts } = (await admin.get('/admin/volumes')).body as {
      items: VolumeItem[];
      counts: Record<string, number>;
    };
    expect(items.find((i) => i.workspaceId === id)).toMatchObject({ state: 'trash' });
    expect(counts.trash).toBe(items.filter((i) => i.state === 'trash').length);
    expect(counts['orphan-volume']).toBe(items.filter((i) => i.state === 'orphan-volume').length);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(items.length);
  });
});
