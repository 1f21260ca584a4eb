import pg from 'pg';
import { ApiClient, createDeveloper, signIn, testAdmin, testDocker, uniqueName, containersOf } from '#testing';
import { testEnv } from '../setup/test-env.js';

interface Build {
  id: string;
  kind: string;
  status: string;
  reason: string | null;
  stages: Record<string, number>;
  logs?: { line: string }[];
}

/**
 * Every transition is a Build row made by the one TransitionBuilder: recover too (it used to
 * write statuses without one), finished at once with what it found on the engine.
 */
describe('faults: recover goes through the transition builder (real Docker, Postgres)', () => {
  let dev: ApiClient;
  let templateId: string;
  let db: pg.Client;

  beforeAll(async () => {
    const admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev } = await createDeveloper(admin));
    templateId = (
      (
        await admin.post('/templates', {
          name: uniqueName('builder'),
          spec: { image: 'berth/busybox:test', resources: { cpus: 0.25, memoryMb: 128 } },
        })
      ).body as { id: string }
    ).id;
    db = new pg.Client({ connectionString: testEnv().DATABASE_URL });
    await db.connect();
  });
  afterAll(() => db.end());

  const builds = async (id: string): Promise<Build[]> => (await dev.get(`/workspaces/${id}/builds`)).body as Build[];

  it('recover records a finished build: a start when the container runs, a stop when it does not', async () => {
    const id = ((await dev.post('/workspaces', { name: uniqueName('rec'), templateId })).body as { id: string }).id;
    await dev.waitForStatus(id, 'running');
    await db.query(`UPDATE "Workspace" SET status = 'failed', "lastError" = 'simulated' WHERE id = $1`, [id]);

    expect((await dev.post(`/workspaces/${id}/recover`)).body).toMatchObject({ status: 'running', lastError: null });
    const [running] = await builds(id);
    expect(running).toMatchObject({ kind: 'start', status: 'succeeded', reason: null });
    expect(Object.keys(running!.stages)).toEqual(['recover']);
    const detail = (await dev.get(`/workspaces/${id}/builds/${running!.id}`)).body as Build;
    expect(detail.logs?.map((l) => l.line)).toEqual([
      'recover: the container is running; the workspace is running again',
    ]);

    await testDocker()
      .getContainer((await containersOf(id))[0]!.Id)
      .stop({ t: 0 });
    await db.query(`UPDATE "Workspace" SET status = 'failed' WHERE id = $1`, [id]);
    expect((await dev.post(`/workspaces/${id}/recover`)).body).toMatchObject({ status: 'stopped', ports: [] });
    const [stopped] = await builds(id);
    expect(stopped).toMatchObject({ kind: 'stop', status: 'succeeded' });
    expect(await containersOf(id)).toHaveLength(0);
    expect((await builds(id)).filter((b) => b.status === 'queued' || b.status === 'running')).toEqual([]);
    await dev.delete(`/workspaces/${id}`);
  });
});
