import { ApiClient, openEventStream, TestContext, testBaseUrl, waitFor } from '#testing';

describe('workspace events (SSE)', () => {
  let ctx: TestContext;
  let dev: ApiClient;

  beforeAll(async () => {
    ctx = await TestContext.create();
    ({ client: dev } = await ctx.newUser());
  });

  it("streams the current status, then each change and the build log lines, to the owner on Berth's origin", async () => {
    const { id: templateId } = await ctx.newTemplate(
      { startScript: 'echo hello from the start script' },
      { prefix: 'sse' },
    );
    const ws = await ctx.newWorkspace({ owner: dev, templateId, prefix: 'sse', status: 'running' });

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
