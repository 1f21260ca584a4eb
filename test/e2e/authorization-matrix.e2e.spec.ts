import request from 'supertest';
import { ApiClient, createDeveloper, signIn, testAdmin, testBaseUrl, uniqueName } from '#testing';

interface Operation {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  public: boolean;
  roles: string[];
  shared: boolean;
}

/**
 * The authorization matrix, generated from the server's own route table (its OpenAPI document,
 * where @Public, @Roles and @SharedResource also write x-berth-* marks): every route without
 * credentials answers 401, every admin route answers 403 to a developer, and every route that
 * reaches an object by id answers 404 to a developer who does not own it. A route added without
 * a decision shows up here and fails.
 */
describe('authorization matrix (from the route table)', () => {
  let operations: Operation[];
  let admin: ApiClient;
  let owner: ApiClient;
  let stranger: ApiClient;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const doc = (await request(testBaseUrl()).get('/api/openapi.json')).body as {
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method as Operation['method'],
        path,
        public: op['x-berth-public'] === true,
        roles: (op['x-berth-roles'] as string[] | undefined) ?? [],
        shared: op['x-berth-shared'] === true,
      })),
    );
    admin = await signIn(testAdmin.email, testAdmin.password);
    const created = await createDeveloper(admin);
    owner = created.client;
    ({ client: stranger } = await createDeveloper(admin));
    ids.templateId = (
      (await admin.post('/templates', { name: uniqueName('matrix'), spec: { image: 'berth/busybox:test' } })).body as {
        id: string;
      }
    ).id;
    const ws = (await owner.post('/workspaces', { name: 'owned', templateId: ids.templateId })).body as { id: string };
    ids.workspaceId = ws.id;
    await owner.waitForStatus(ws.id, 'running');
    ids.buildId = ((await owner.get(`/workspaces/${ws.id}/builds`)).body as { id: string }[])[0]!.id;
    ids.tokenId = ((await owner.post('/tokens', { name: 'owned-token' })).body as { id: string }).id;
    ids.userId = created.id;
  });

  afterAll(async () => {
    await owner.delete(`/workspaces/${ids.workspaceId}`);
    await owner.waitForGone(ids.workspaceId!);
  });

  /** Fills path parameters with real ids owned by `owner`, by resource. */
  const concrete = (path: string): string =>
    path
      .replace(/^(\/api\/v1\/workspaces)\/\{id\}/, `$1/${ids.workspaceId}`)
      .replace('{buildId}', ids.buildId!)
      .replace('{n}', '1')
      .replace('{port}', '8080')
      .replace(/^(\/api\/v1\/tokens)\/\{id\}/, `$1/${ids.tokenId}`)
      .replace(/^(\/api\/v1\/templates)\/\{id\}/, `$1/${ids.templateId}`)
      .replace(/^(\/api\/v1\/users)\/\{id\}/, `$1/${ids.userId}`);

  const call = (client: ApiClient | null, op: Operation): request.Test => {
    const url = concrete(op.path);
    const req = request(testBaseUrl())[op.method](url);
    if (client) void req.set('Authorization', `Bearer ${client.token}`);
    if (url.endsWith('/events')) void req.buffer(false).timeout({ response: 3000 });
    // A valid body where one is required, so ownership (not validation) is what answers.
    return op.method === 'get' || op.method === 'delete'
      ? req
      : req.send(url.endsWith('/exec') ? { command: ['true'] } : url.includes('/ports/') ? { share: 'owner' } : {});
  };

  it('covers the whole route table', () => {
    expect(operations.length).toBeGreaterThanOrEqual(25);
    expect(operations.filter((op) => op.public).map((op) => `${op.method} ${op.path}`)).toEqual(
      expect.arrayContaining(['post /api/v1/auth/login', 'get /healthz', 'get /readyz']),
    );
    // Every id placeholder has a real object behind it.
    for (const op of operations) expect(concrete(op.path)).not.toMatch(/\{/);
  });

  it('every non-public route answers 401 without credentials', async () => {
    const results: string[] = [];
    for (const op of operations.filter((o) => !o.public)) {
      const res = await call(null, op);
      if (res.status !== 401) results.push(`${op.method} ${op.path} → ${res.status}`);
    }
    expect(results).toEqual([]);
  });

  it('every admin route answers 403 to a developer', async () => {
    const adminOnly = operations.filter((o) => o.roles.includes('admin') && !o.roles.includes('developer'));
    expect(adminOnly.length).toBeGreaterThanOrEqual(7);
    const results: string[] = [];
    for (const op of adminOnly) {
      const res = await call(stranger, op);
      if (res.status !== 403) results.push(`${op.method} ${op.path} → ${res.status}`);
    }
    expect(results).toEqual([]);
  });

  it("every route reaching another developer's object by id answers 404", async () => {
    const byId = operations.filter((o) => o.path.includes('{') && !o.public && !o.shared && o.roles.length === 0);
    expect(byId.length).toBeGreaterThanOrEqual(10);
    const results: string[] = [];
    for (const op of byId) {
      const res = await call(stranger, op);
      if (res.status !== 404) results.push(`${op.method} ${op.path} → ${res.status}`);
    }
    expect(results).toEqual([]);
    // ... and the owner really can reach them (the 404s are about ownership, not broken routes).
    expect((await owner.get(`/workspaces/${ids.workspaceId}`)).status).toBe(200);
    expect((await owner.get(`/workspaces/${ids.workspaceId}/builds/${ids.buildId}`)).status).toBe(200);
  });

  it('refuses the events stream to a foreign Origin, even for the owner', async () => {
    const url = `/api/v1/workspaces/${ids.workspaceId}/events`;
    const foreign = await request(testBaseUrl())
      .get(url)
      .set('Authorization', `Bearer ${owner.token}`)
      .set('Origin', 'https://evil.example');
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ detail: 'origin https://evil.example may not open this stream' });
  });
});
