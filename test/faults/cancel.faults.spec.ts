import { ApiClient, containersOf, createDeveloper, signIn, testAdmin, uniqueName, waitFor } from '#testing';

/** Cancelling a build in flight: the stage in progress is interrupted, the build says so, and the workspace can be recovered. */
describe('faults: cancelling a build', () => {
  let dev: ApiClient;

  beforeAll(async () => {
    const admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev } = await createDeveloper(admin));
  });

  it('a start stuck in a long script is cancelled cleanly; recover then repairs the workspace', async () => {
    const admin = await signIn(testAdmin.email, testAdmin.password);
    const templateId = (
      (
        await admin.post('/templates', {
          name: uniqueName('slow'),
          spec: { image: 'berth/busybox:test', startScript: 'echo waiting; sleep 120' },
        })
      ).body as { id: string }
    ).id;
    const id = ((await dev.post('/workspaces', { name: uniqueName('slow'), templateId })).body as { id: string }).id;
    const builds = (): Promise<
      { id: string; status: string; stages: Record<string, number>; errorCode: string | null; error: string | null }[]
    > => dev.get(`/workspaces/${id}/builds`).then((r) => r.body as never);
    // Wait until the script stage is running.
    await waitFor(
      async () =>
        (await dev.get(`/workspaces/${id}/builds/${(await builds())[0]!.id}`)).body as { logs: { line: string }[] },
      (b) => b.logs.some((l) => l.line === 'waiting'),
      'the start script to run',
      30_000,
      200,
    );
    const buildId = (await builds())[0]!.id;
    const res = await dev.post(`/workspaces/${id}/builds/${buildId}/cancel`);
    expect(res.status).toBe(202);
    // The script sleeps 120 s: a build that ends failed, as cancelled, well before that was interrupted.
    const failed = await dev.waitForStatus(id, 'failed', 90_000);
    expect(failed.lastError).toBe('cancelled on request');
    const { logs } = (await dev.get(`/workspaces/${id}/builds/${buildId}`)).body as { logs: { line: string }[] };
    const lines = logs.map((l) => l.line);
    // In this order: the script started, the stage was interrupted, the build ended saying why.
    expect(lines.indexOf('waiting')).toBeGreaterThan(lines.indexOf('stage scripts: started'));
    expect(lines.findIndex((l) => /^stage scripts: \d+ ms$/.test(l))).toBeGreaterThan(lines.indexOf('waiting'));
    expect(lines.at(-1)).toBe('error: cancelled on request');
    expect((await builds())[0]).toMatchObject({ id: buildId, status: 'failed', errorCode: 'cancelled' });
    expect((await dev.post(`/workspaces/${id}/builds/${buildId}/cancel`)).status).toBe(409);

    expect(await containersOf(id)).toHaveLength(1); // the container came up before the script
    expect((await dev.post(`/workspaces/${id}/recover`)).body).toMatchObject({ status: 'running' });
    await dev.delete(`/workspaces/${id}`);
  });
});
