import pg from 'pg';
import {
  ApiClient,
  containersOf,
  createDeveloper,
  dockerExec,
  signIn,
  testAdmin,
  typedBody,
  uniqueName,
  volumesOf,
  waitFor,
} from '#testing';
import { testEnv } from '../setup/test-env.js';

interface AuditRow {
  action: string;
  actorId: string | null;
  via: string;
  targetId: string;
  details: { reason?: string };
}

/**
 * The trash (README "Your data"): a delete removes the container at once and keeps the home
 * volume for BERTH_TRASH_DAYS; the owner or an admin restores it within that time; a purge needs
 * the name typed again (or an admin); expiry is driven by the row's clock, not by waiting days.
 * Real API, worker, Postgres and Docker.
 */
describe('trash for deleted workspaces (real Docker)', () => {
  let admin: ApiClient;
  let dev: ApiClient;
  let devId: string;
  let other: ApiClient;
  let templateId: string;
  let db: pg.Client;

  const create = async (): Promise<{ id: string; name: string }> => {
    const name = uniqueName('trash');
    const res = await dev.post('/workspaces', { name, templateId });
    expect(res.status).toBe(202);
    const { id } = typedBody(res, 'Workspace');
    await dev.waitForStatus(id, 'running');
    return { id, name };
  };
  const trashOf = async (client: ApiClient) => typedBody(await client.get('/trash'), 'TrashList');
  const purges = async (id: string): Promise<AuditRow[]> =>
    ((await admin.get(`/audit?action=workspace.purge&targetId=${id}`)).body as { events: AuditRow[] }).events;
  const volumeGone = (id: string): Promise<unknown> =>
    waitFor(
      () => volumesOf(id),
      (v) => v.length === 0,
      `the home volume of ${id} to be purged`,
      30_000,
    );

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev, id: devId } = await createDeveloper(admin));
    ({ client: other } = await createDeveloper(admin));
    templateId = typedBody(
      await admin.post('/templates', {
        name: uniqueName('trash'),
        spec: { image: 'berth/busybox:test', resources: { cpus: 0.25, memoryMb: 128 } },
      }),
      'Template',
    ).id;
    db = new pg.Client({ connectionString: testEnv().DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
  });

  it('delete removes the container at once and keeps the home in the trash; restore brings the file back', async () => {
    const { id, name } = await create();
    await dockerExec((await containersOf(id))[0]!.Id, ['sh', '-c', 'echo precious > ~/kept.txt']);

    expect((await dev.delete(`/workspaces/${id}`)).status).toBe(202);
    await dev.waitForGone(id);
    expect(await containersOf(id)).toHaveLength(0);
    expect(await volumesOf(id)).toHaveLength(1);
    const trash = await trashOf(dev);
    expect(trash.trashDays).toBeGreaterThan(0);
    const item = trash.items.find((i) => i.workspaceId === id);
    expect(item).toMatchObject({ name, purging: false });
    expect(Date.parse(item!.expiresAt)).toBeGreaterThan(Date.now());
    // The quota view counts it apart from live workspaces.
    const me = typedBody(await dev.get('/users/me'), 'User');
    expect(me.quota?.trash.workspaces).toBeGreaterThanOrEqual(1);

    // Someone else's trash is not theirs to see, restore or purge.
    expect((await trashOf(other)).items.find((i) => i.workspaceId === id)).toBeUndefined();
    expect((await other.post(`/trash/${id}/restore`)).status).toBe(404);
    expect((await other.delete(`/trash/${id}?confirm=${name}`)).status).toBe(404);

    const restored = await dev.post(`/trash/${id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toEqual({ workspaceId: id, status: 'stopped' });
    expect((await trashOf(dev)).items.find((i) => i.workspaceId === id)).toBeUndefined();
    expect(typedBody(await dev.get(`/workspaces/${id}`), 'Workspace').status).toBe('stopped');
    expect((await dev.post(`/workspaces/${id}/start`)).status).toBe(202);
    await dev.waitForStatus(id, 'running');
    expect(await dockerExec((await containersOf(id))[0]!.Id, ['cat', '/home/dev/kept.txt'])).toBe('precious\n');
    expect((await dev.delete(`/workspaces/${id}?purge=true&confirm=${name}`)).status).toBe(202);
  });

  it('a purge needs the name typed again (or an admin); without it nothing changes', async () => {
    const { id, name } = await create();
    const refused = await dev.delete(`/workspaces/${id}?purge=true`);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ field: 'confirm' });
    const wrong = await dev.delete(`/workspaces/${id}?purge=true&confirm=not-${name}`);
    expect(wrong.status).toBe(400);
    expect(typedBody(await dev.get(`/workspaces/${id}`), 'Workspace').status).toBe('running');
    expect(await containersOf(id)).toHaveLength(1);

    expect((await dev.delete(`/workspaces/${id}?purge=true&confirm=${name}`)).status).toBe(202);
    await dev.waitForGone(id);
    await volumeGone(id);
    const [audit] = await waitFor(
      () => purges(id),
      (rows) => rows.length > 0,
      'the purge audit row',
      10_000,
    );
    expect((await trashOf(dev)).items.find((i) => i.workspaceId === id)).toBeUndefined();
    expect(audit).toMatchObject({ action: 'workspace.purge', actorId: devId, details: { reason: 'requested' } });

    // From the trash: the same rule, and an admin needs no confirmation.
    const second = await create();
    expect((await dev.delete(`/workspaces/${second.id}`)).status).toBe(202);
    await dev.waitForGone(second.id);
    expect((await dev.delete(`/trash/${second.id}`)).status).toBe(400);
    expect(await volumesOf(second.id)).toHaveLength(1);
    expect((await admin.delete(`/trash/${second.id}`)).status).toBe(202);
    await volumeGone(second.id);
    // The audit row follows the volume's removal.
    await waitFor(
      () => purges(second.id),
      (rows) => rows.length === 1,
      'the purge audit row',
      10_000,
    );
    expect((await dev.post(`/trash/${second.id}/restore`)).status).toBe(404);
  });

  it('after expiry the retention job purges the volume and audits it; restore is then 404', async () => {
    const { id } = await create();
    expect((await dev.delete(`/workspaces/${id}`)).status).toBe(202);
    await dev.waitForGone(id);
    expect(await volumesOf(id)).toHaveLength(1);
    // Days pass: the trash clock of this row is moved to the past (the pass compares against now).
    await db.query(`UPDATE "Workspace" SET "trashExpiresAt" = now() - interval '1 second' WHERE id = $1`, [id]);
    await volumeGone(id);
    const [audit] = await waitFor(
      () => purges(id),
      (rows) => rows.length > 0,
      'the purge audit row',
      10_000,
    );
    expect(audit).toMatchObject({ via: 'system', actorId: null, details: { reason: 'trash expired' } });
    expect((await trashOf(dev)).items.find((i) => i.workspaceId === id)).toBeUndefined();
    expect((await dev.post(`/trash/${id}/restore`)).status).toBe(404);
  });
});
