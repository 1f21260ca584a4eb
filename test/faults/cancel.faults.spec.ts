import { ApiClient, containersOf, createDeveloper, signIn, testAdmin, uniqueName, waitFor } from '#testing';

/** Cancelling a build in flight: it stops within seconds, says so, and the workspace can be recovered. */
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
    const started = Date.now();
    const res = await dev.post(`/workspaces/${id}/builds/${buildId}/cancel`);
    expect(res.status).toBe(202);
    const failed = await dev.waitForStatus(id, 'failed', 10_000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(failed.lastError).toBe('cancelled on request');
    expect((await builds())[0]).toMatchObject({ id: buildId, status: 'failed', errorCode: 'cancelled' });
    expect((await dev.post(`/workspaces/${id}/builds/${buildId}/cancel`)).status).toBe(409);

    expect(await containersOf(id)).toHaveLength(1); // the container came up before the script
    expect((await dev.post(`/workspaces/${id}/recover`)).body).toMatchObject({ status: 'running' });
    await dev.delete(`/workspaces/${id}`);
  });
});
