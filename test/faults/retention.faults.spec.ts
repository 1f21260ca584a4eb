import pg from 'pg';
import {
  ApiClient,
  containersOf,
  createDeveloper,
  dockerExec,
  openEventStream,
  signIn,
  testAdmin,
  testBaseUrl,
  uniqueName,
  volumesOf,
  waitFor,
} from '#testing';
import { testEnv } from '../setup/test-env.js';

/**
 * Retention with seconds for days: a stopped workspace nobody uses turns dormant (with warnings),
 * starting it ends the dormancy and keeps its home, and left alone it is deleted (its volume to the trash)
 * after the grace period, through the ordinary delete transition. Real API, worker and Docker.
 */
describe('faults: retention (dormant workspaces)', () => {
  const SECOND = 1 / 86400; // in days
  const resources = { cpus: 0.25, memoryMb: 128 };
  let dev: ApiClient;
  let deleting: string; // template: dormant after 3 s, deleted 5 s later
  let dormantOnly: string; // template: dormant after 3 s, never deleted
  let db: pg.Client;
  const cleanup: string[] = [];

  interface View {
    status: string;
    dormantAt: string | null;
    deletesAt: string | null;
  }
  const get = async (id: string): Promise<View> => (await dev.get(`/workspaces/${id}`)).body as View;
  const waitDormant = (id: string): Promise<View> =>
    waitFor(
      () => get(id),
      (w) => w.dormantAt !== null,
      `workspace ${id} to be dormant`,
      20_000,
    );
  const create = async (templateId: string): Promise<string> => {
    const id = ((await dev.post('/workspaces', { name: uniqueName('ret'), templateId })).body as { id: string }).id;
    cleanup.push(id);
    await dev.waitForStatus(id, 'running');
    return id;
  };
  const stop = async (id: string): Promise<void> => {
    expect((await dev.post(`/workspaces/${id}/stop`)).status).toBe(202);
    await dev.waitForStatus(id, 'stopped');
  };
  const template = async (admin: ApiClient, retention: object): Promise<string> =>
    (
      (
        await admin.post('/templates', {
          name: uniqueName('retention'),
          spec: { image: 'berth/busybox:test', resources, retention },
        })
      ).body as { id: string }
    ).id;

  beforeAll(async () => {
    const admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev } = await createDeveloper(admin));
    deleting = await template(admin, { dormantAfterDays: 3 * SECOND, deleteAfterDays: 5 * SECOND });
    dormantOnly = await template(admin, { dormantAfterDays: 3 * SECOND });
    db = new pg.Client({ connectionString: testEnv().DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    for (const id of cleanup) await dev.delete(`/workspaces/${id}`);
    await db.end();
  });

  it('dormant when unused, start clears it and the home is intact; left alone again it is deleted into the trash, saying why', async () => {
    const id = await create(deleting);
    await dockerExec((await containersOf(id))[0]!.Id, ['sh', '-c', 'echo kept > ~/kept']);
    await stop(id);
    const stoppedAt = Date.parse(
      ((await dev.get(`/workspaces/${id}/builds`)).body as { finishedAt: string }[])[0]!.finishedAt,
    );

    const dormant = await waitDormant(id);
    expect(dormant.status).toBe('stopped');
    const dormantAt = Date.parse(dormant.dormantAt!);
    expect(dormantAt - stoppedAt).toBeGreaterThanOrEqual(3000 - 50);
    expect(Date.parse(dormant.deletesAt!) - dormantAt).toBeGreaterThan(4900);
    expect(Date.parse(dormant.deletesAt!) - dormantAt).toBeLessThanOrEqual(5000);

    // Simply starting it again ends the dormancy (no separate "activate" step).
    expect((await dev.post(`/workspaces/${id}/start`)).status).toBe(202);
    expect(await dev.waitForStatus(id, 'running')).toMatchObject({ dormantAt: null, deletesAt: null });
    expect(await dockerExec((await containersOf(id))[0]!.Id, ['cat', '/home/dev/kept'])).toBe('kept\n');

    // Left alone again: dormant (announced), warned shortly before, then deleted.
    const stream = openEventStream(
      `${testBaseUrl()}/api/v1/workspaces/${id}/events`,
      dev.token,
      new URL(testBaseUrl()).origin,
    );
    expect(await stream.status).toBe(200);
    await stop(id);
    const again = await waitDormant(id);
    await dev.waitForGone(id, 30_000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(again.deletesAt!));
    // Deleted into the trash: the volume stays until the trash expires (BERTH_TRASH_DAYS).
    expect(await volumesOf(id)).toHaveLength(1);
    expect(await containersOf(id)).toHaveLength(0);
    const { rows } = await db.query<{
      kind: string;
      status: string;
      reason: string | null;
      requestedById: string | null;
    }>(
      `SELECT kind, status, reason, "requestedById" FROM "Build" WHERE "workspaceId" = $1 ORDER BY "queuedAt" DESC LIMIT 1`,
      [id],
    );
    expect(rows[0]).toMatchObject({ kind: 'delete', status: 'succeeded', requestedById: null });
    expect(rows[0]!.reason).toBe(`dormant since ${again.dormantAt}: unused for 3 s, then not started for 5 s`);

    const warnings = stream.events.filter(
      (e) => e.event === 'status' && e.data.dormantAt === again.dormantAt && e.data.status === 'stopped',
    );
    expect(warnings.map((e) => e.data.deletesAt)).toEqual([again.deletesAt, again.deletesAt]); // dormant, then deletion near
    const warnedAt = Date.parse(warnings[1]!.data.at as string);
    expect(Date.parse(again.deletesAt!) - warnedAt).toBeLessThanOrEqual(2500); // within half the grace period
    await waitFor(
      () => Promise.resolve(stream.events.some((e) => e.data.status === 'deleted')),
      Boolean,
      'the deleted event',
      5000,
      50,
    );
    stream.close();
  });

  it('never makes a running workspace dormant; without deleteAfterDays a dormant one stays, volume intact', async () => {
    const id = await create(dormantOnly);
    await dockerExec((await containersOf(id))[0]!.Id, ['sh', '-c', 'echo kept > ~/kept']);
    await new Promise((resolve) => setTimeout(resolve, 5000)); // well past the 3 s threshold, but running
    expect(await get(id)).toMatchObject({ status: 'running', dormantAt: null, deletesAt: null });

    await stop(id);
    const dormant = await waitDormant(id);
    expect(dormant).toMatchObject({ status: 'stopped', deletesAt: null });
    await new Promise((resolve) => setTimeout(resolve, 9000)); // longer than the other template's whole cycle
    expect(await get(id)).toMatchObject({ status: 'stopped', dormantAt: dormant.dormantAt, deletesAt: null });
    expect(await volumesOf(id)).toHaveLength(1);

    expect((await dev.post(`/workspaces/${id}/start`)).status).toBe(202);
    expect(await dev.waitForStatus(id, 'running')).toMatchObject({ dormantAt: null });
    expect(await dockerExec((await containersOf(id))[0]!.Id, ['cat', '/home/dev/kept'])).toBe('kept\n');
  });
});
