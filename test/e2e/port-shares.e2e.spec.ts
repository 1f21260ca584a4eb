import request from 'supertest';
import { ApiClient, TestContext, testBaseUrl, uniqueName } from '#testing';

type Share = 'owner' | 'authenticated' | 'public';

/** Share levels per forwarded port, each tried by the owner, another developer, an admin and anyone. */
describe('port share levels', () => {
  const base = testBaseUrl();
  let ctx: TestContext;
  let admin: ApiClient;
  let owner: ApiClient;
  let other: ApiClient;
  let workspaceId: string;
  let appHost: string;
  let cappedId: string;

  const app = (client: ApiClient | null): Promise<number> => {
    const req = request(base).get('/index.html').set('Host', appHost);
    if (client) void req.set('Authorization', `Bearer ${client.token}`);
    return req.then((r) => r.status);
  };

  const template = async (maxPortShare: Share): Promise<string> =>
    (
      await ctx.newTemplate(
        {
          maxPortShare,
          ports: [{ port: 8000, name: 'web' }],
          command: ['sh', '-c', 'mkdir -p ~/www && echo shared > ~/www/index.html && exec httpd -f -p 8000 -h ~/www'],
        },
        { prefix: 'share' },
      )
    ).id;

  beforeAll(async () => {
    ctx = await TestContext.create();
    admin = ctx.admin;
    ({ client: owner } = await ctx.newUser());
    ({ client: other } = await ctx.newUser());
    const name = uniqueName('shared');
    ({ id: workspaceId } = await ctx.newWorkspace({ owner, name, templateId: await template('public') }));
    ({ id: cappedId } = await ctx.newWorkspace({
      owner,
      prefix: 'capped',
      templateId: await template('authenticated'),
    }));
    await owner.waitForStatus(workspaceId, 'running');
    await owner.waitForStatus(cappedId, 'running');
    const view = (await owner.get(`/workspaces/${workspaceId}`)).body as {
      ports: { port: number; name: string; url: string; share: Share }[];
    };
    expect(view.ports).toEqual([expect.objectContaining({ port: 8000, name: 'web', share: 'owner' })]);
    appHost = new URL(view.ports[0]!.url).host;
    expect(appHost).toMatch(new RegExp(`^8000--${name}--[a-z0-9-]+\\.apps\\.localhost:\\d+$`));
  });

  afterAll(() => ctx.cleanup());

  const expected: Record<Share, { owner: number; other: number; admin: number; anonymous: number }> = {
    owner: { owner: 200, other: 404, admin: 200, anonymous: 401 },
    authenticated: { owner: 200, other: 200, admin: 200, anonymous: 401 },
    public: { owner: 200, other: 200, admin: 200, anonymous: 200 },
  };

  for (const level of ['public', 'authenticated', 'owner'] as const) {
    it(`at ${level}: owner, another developer, an admin and an anonymous client`, async () => {
      expect((await owner.patch(`/workspaces/${workspaceId}/ports/8000`, { share: level })).status).toBe(204);
      const view = (await owner.get(`/workspaces/${workspaceId}`)).body as { ports: { share: Share }[] };
      expect(view.ports[0]!.share).toBe(level);
      expect({
        owner: await app(owner),
        other: await app(other),
        admin: await app(admin),
        anonymous: await app(null),
      }).toEqual(expected[level]);
      // The ticket route follows the same rule for browsers.
      const ticket = (await other.get(`/workspaces/${workspaceId}/ports/8000/open`)).status;
      expect(ticket).toBe(level === 'owner' ? 404 : 302);
    });
  }

  it("enforces the template's maximum, lets only the owner (or an admin) change it, and audits changes", async () => {
    expect((await owner.patch(`/workspaces/${cappedId}/ports/8000`, { share: 'public' })).status).toBe(400);
    expect((await owner.patch(`/workspaces/${cappedId}/ports/8000`, { share: 'authenticated' })).status).toBe(204);
    expect((await owner.patch(`/workspaces/${cappedId}/ports/8000`, { share: 'everyone' })).status).toBe(400);
    expect((await other.patch(`/workspaces/${cappedId}/ports/8000`, { share: 'owner' })).status).toBe(404);
    expect((await owner.patch(`/workspaces/${cappedId}/ports/9999`, { share: 'owner' })).status).toBe(404);
    const audit = (await admin.get(`/audit?action=workspace.port.share&limit=100`)).body as {
      events: { targetId: string; details: { port: number; from: string; to: string } }[];
    };
    expect(audit.events.find((e) => e.targetId === cappedId)?.details).toEqual({
      port: 8000,
      from: 'owner',
      to: 'authenticated',
    });
  });
});
