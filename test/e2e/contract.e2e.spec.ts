import request from 'supertest';
import { schemas } from '#contract';
import { ApiClient, TestContext, testBaseUrl, typedBody, typedList, typedPage, type NewWorkspace } from '#testing';
import { buildOpenApiDocument } from '../../apps/api/src/openapi-document.js';

/**
 * The contract (libs/contract) against the real server: the answers of the main routes parse
 * with the contract's schemas (so the generated types and the typed client tell the truth),
 * errors are problem+json, and the served document is the one `npm run contract` builds.
 */
describe('the API contract on the real server', () => {
  let ctx: TestContext;
  let admin: ApiClient;
  let dev: ApiClient;
  let ws: NewWorkspace;

  beforeAll(async () => {
    ctx = await TestContext.create();
    admin = ctx.admin;
    dev = (await ctx.newUser({ prefix: 'contract' })).client;
    ws = await ctx.newWorkspace({ owner: dev, prefix: 'contract', status: 'running' });
  });
  afterAll(() => ctx.cleanup());

  it('serves the document that the contract is generated from', async () => {
    const served = await request(testBaseUrl()).get('/api/openapi.json');
    expect(served.status).toBe(200);
    expect(served.body).toEqual(JSON.parse(JSON.stringify(await buildOpenApiDocument())));
  });

  it("answers a developer's reads with the contract's views", async () => {
    const me = typedBody(await dev.get('/users/me'), 'User');
    expect(me.quota?.limits.maxWorkspaces).toBeGreaterThan(0);
    const workspace = typedBody(await dev.get(`/workspaces/${ws.id}`), 'Workspace');
    expect(workspace).toMatchObject({ id: ws.id, status: 'running', ownerId: me.id });
    expect(typedList(await dev.get('/workspaces'), 'Workspace').map((w) => w.id)).toContain(ws.id);
    expect(typedPage(await dev.get('/workspaces?limit=1'), 'Workspace').items).toHaveLength(1);
    const builds = typedList(await dev.get(`/workspaces/${ws.id}/builds`), 'Build');
    expect(builds[0]?.kind).toBe('start');
    const build = typedBody(await dev.get(`/workspaces/${ws.id}/builds/${builds[0]?.id}`), 'Build');
    expect(build.stages.image).toEqual(expect.any(Number));
    expect(build.logs).toBeDefined();
    typedBody(await dev.get(`/workspaces/${ws.id}/stats`), 'WorkspaceStats');
    typedBody(await dev.get(`/workspaces/${ws.id}/snapshots`), 'SnapshotList');
    typedBody(await dev.get(`/workspaces/${ws.id}/editor`), 'EditorStatus');
    const templates = typedList(await dev.get('/templates'), 'Template');
    const template = typedBody(await dev.get(`/templates/${ws.templateId}`), 'Template');
    expect(templates.map((t) => t.id)).toContain(template.id);
    typedList(await dev.get(`/templates/${ws.templateId}/versions`), 'TemplateVersion');
    typedBody(await dev.get(`/templates/${ws.templateId}/versions/1`), 'TemplateVersion');
    typedList(await dev.get('/tokens'), 'Token');
    typedList(await dev.get('/users/me/ssh-keys'), 'SshKey');
    typedBody(await dev.get('/users/me/ssh-settings'), 'SshSettings');
    typedBody(await dev.get('/trash'), 'TrashList');
    typedBody(await dev.get('/auth/providers'), 'AuthProviders');
    typedBody(await dev.root('/healthz'), 'Health');
  });

  it("answers an admin's reads with the contract's views", async () => {
    expect(typedList(await admin.get('/users'), 'User').length).toBeGreaterThan(1);
    typedPage(await admin.get('/users?limit=2'), 'User');
    typedBody(await admin.get('/audit?limit=5'), 'AuditPage');
    typedBody(await admin.get('/admin/system'), 'SystemInfo');
    typedBody(await admin.get('/admin/volumes'), 'VolumeList');
    typedList(await admin.get('/admin/queues/workspace-lifecycle/jobs?state=completed'), 'QueueJob');
    typedBody(await admin.get(`/templates/${ws.templateId}/versions/1/impact`), 'RolloutImpact');
    typedPage(await admin.get('/templates?limit=1'), 'Template');
  });

  it('answers errors with the problem type', async () => {
    const missing = await dev.get('/workspaces/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(typedBody(missing, 'Problem')).toMatchObject({ status: 404, type: 'urn:berth:problem:not_found' });
    const refused = await dev.get('/users');
    expect(schemas.Problem.parse(refused.body).status).toBe(403);
  });
});
