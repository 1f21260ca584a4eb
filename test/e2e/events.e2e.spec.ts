import {
  ApiClient,
  createDeveloper,
  openEventStream,
  signIn,
  testAdmin,
  testBaseUrl,
  uniqueName,
  waitFor,
} from '#testing';

describe('workspace events (SSE)', () => {
  let dev: ApiClient;

  beforeAll(async () => {
    const admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev } = await createDeveloper(admin));
  });

  it("streams the current status, then each change and the build log lines, to the owner on Berth's origin", async () => {
    const admin = await signIn(testAdmin.email, testAdmin.password);
    const templateId = (
      (
        await admin.post('/templates', {
          name: uniqueName('sse'),
          spec: { image: 'berth/busybox:test', startScript: 'echo hello from the start script' },
        })
      ).body as { id: string }
    ).id;
    const ws = (await dev.post('/workspaces', { name: uniqueName('sse'), templateId })).body as { id: string };
    await dev.waitForStatus(ws.id, 'running');

    const stream = openEventStream(
      `${testBaseUrl()}/api/v1/workspaces/${ws.id}/events`,
      dev.token,
      new URL(testBaseUrl()).origin,
    );
    expect(await stream.status).toBe(200);
    await waitFor(
      () => Promise.resolve(stream.events.length),
      (n) => n >= 1,
      'the snapshot event',
      5000,
      20,
    );
    expect(stream.events[0]).toMatchObject({ event: 'status', data: { workspaceId: ws.id, status: 'running' } });

    expect((await dev.post(`/workspaces/${ws.id}/restart`)).status).toBe(202);
    const statuses = (): unknown[] => stream.events.filter((e) => e.event === 'status').map((e) => e.data.status);
    await waitFor(
      () => Promise.resolve(statuses()),
      (s) => s.length >= 4,
      'status events of the restart',
      30_000,
      50,
    );
    expect(statuses()).toEqual(['running', 'stopping', 'starting', 'running']);
    const lines = stream.events.filter((e) => e.event === 'log').flatMap((e) => e.data.lines as string[]);
    expect(lines).toEqual(expect.arrayContaining(['stage image: started', 'hello from the start script']));

    // Delete: the stream reports `deleted` and then ends by itself.
    await dev.delete(`/workspaces/${ws.id}`);
    // The server ends the response (the test never closes it), and only after the `deleted` event.
    await stream.ended;
    expect(statuses().at(-1)).toBe('deleted');
    expect(statuses().slice(-2)).toEqual(['deleting', 'deleted']);
  });
});
