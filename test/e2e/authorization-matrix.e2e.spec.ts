import request from 'supertest';
import { ApiClient, createDeveloper, makeSshKey, signIn, testAdmin, testBaseUrl, uniqueName } from '#testing';

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
  /** Objects the stranger owns, by the resource of a path's first id. */
  const strangers: Record<string, string> = {};

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
    ids.snapshotId = ((await owner.post(`/workspaces/${ws.id}/snapshots`, {})).body as { id: string }).id;
    ids.userId = created.id;
    ids.sshKeyId = (
      (await owner.post('/users/me/ssh-keys', { name: 'owned-key', publicKey: makeSshKey().publicKey })).body as {
        id: string;
      }
    ).id;
    // The stranger's own workspace: the first id of a nested route that the stranger may reach.
    const theirs = (await stranger.post('/workspaces', { name: 'theirs', templateId: ids.templateId })).body as {
      id: string;
    };
    strangers.workspaces = theirs.id;
    await stranger.waitForStatus(theirs.id, 'running');
  });

  afterAll(async () => {
    await owner.delete(`/workspaces/${ids.workspaceId}`);
    if (strangers.workspaces) await stranger.delete(`/workspaces/${strangers.workspaces}`);
    await owner.waitForGone(ids.workspaceId!);
    if (strangers.workspaces) await stranger.waitForGone(strangers.workspaces);
  });

  /** Fills path parameters with real ids owned by `owner`, by resource. */
  const concrete = (path: string): string =>
    path
      .replace(/^(\/api\/v1\/workspaces)\/\{id\}/, `$1/${ids.workspaceId}`)
      .replace('{buildId}', ids.buildId!)
      .replace('{snapshotId}', ids.snapshotId!)
      // The trash and the volume inventory name a workspace: the owner's (not in the trash, so
      // even a broken ownership check could not purge or adopt anything).
      .replace('{workspaceId}', ids.workspaceId!)
      .replace('{n}', '1')
      .replace('{port}', '8080')
      .replace('{email}', 'matrix-nobody@berth.test')
      .replace(/^(\/api\/v1\/tokens)\/\{id\}/, `$1/${ids.tokenId}`)
      .replace(/^(\/api\/v1\/users\/me\/ssh-keys)\/\{id\}/, `$1/${ids.sshKeyId}`)
      .replace(/^(\/api\/v1\/templates)\/\{id\}/, `$1/${ids.templateId}`)
      .replace(/^(\/api\/v1\/users)\/\{id\}/, `$1/${ids.userId}`)
      // One Docker engine is the node `local` (the Swarm driver names nodes by their Swarm ids).
      .replace(/^(\/api\/v1\/admin\/nodes)\/\{id\}/, '$1/local')
      .replace(/^(\/api\/v1\/admin\/queues)\/\{queue\}\/jobs\/\{id\}/, '$1/workspace-lifecycle/jobs/no-such-job')
      .replace(/^(\/api\/v1\/admin\/queues)\/\{queue\}/, '$1/workspace-lifecycle');

  /** Routes that reach a second object under a first one (a build of a workspace, …), for developers. */
  const nested = (op: Operation): boolean =>
    !op.public && !op.shared && op.roles.length === 0 && /^\/api\/v1\/\w+\/\{id\}\/.*\{/.test(op.path);
  const resourceOf = (path: string): string => /^\/api\/v1\/(\w+)\//.exec(path)![1]!;
  /** The stranger's own first id with the owner's nested ids: a matching pair never finds this. */
  const mismatched = (path: string): string =>
    concrete(path.replace(/^(\/api\/v1\/\w+)\/\{id\}/, `$1/${strangers[resourceOf(path)]}`));

  const call = (client: ApiClient | null, op: Operation, url = concrete(op.path)): request.Test => {
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

  it("every nested route answers 404 to the stranger's own first id with the owner's nested id", async () => {
    const routes = operations.filter(nested);
    expect(routes.map((op) => `${op.method} ${op.path}`)).toEqual(
      expect.arrayContaining([
        'get /api/v1/workspaces/{id}/builds/{buildId}',
        'post /api/v1/workspaces/{id}/builds/{buildId}/cancel',
      ]),
    );
    const results: string[] = [];
    for (const op of routes) {
      // A route of a resource the stranger owns nothing of would test nothing: say so.
      if (!strangers[resourceOf(op.path)]) {
        results.push(`${op.method} ${op.path}: no object of the stranger's to pair with`);
        continue;
      }
      const url = mismatched(op.path);
      expect(url).toContain(strangers[resourceOf(op.path)]!);
      const res = await call(stranger, op, url);
      if (res.status !== 404) results.push(`${op.method} ${op.path} → ${res.status}`);
    }
    expect(results).toEqual([]);
    // Control: the same pair reaches the build for its owner, so the 404 is about the mismatch.
    expect((await owner.get(`/workspaces/${ids.workspaceId}/builds/${ids.buildId}`)).status).toBe(200);
    const theirBuild = (
      (await stranger.get(`/workspaces/${strangers.workspaces}/builds`)).body as { id: string }[]
    )[0]!;
    expect((await stranger.get(`/workspaces/${strangers.workspaces}/builds/${theirBuild.id}`)).status).toBe(200);
  });

  it("answers a stranger 404, never 409, while the owner's workspace is stopped", async () => {
    // Routes that need a running workspace must not tell a stranger that a stopped one exists.
    await owner.post(`/workspaces/${ids.workspaceId}/stop`, {});
    await owner.waitForStatus(ids.workspaceId!, 'stopped');
    const byId = operations.filter(
      (o) => o.path.startsWith('/api/v1/workspaces/{id}/') && !o.public && !o.shared && o.roles.length === 0,
    );
    const results: string[] = [];
    for (const op of byId) {
      const res = await call(stranger, op);
      if (res.status !== 404) results.push(`${op.method} ${op.path} → ${res.status}`);
    }
    expect(results).toEqual([]);
    // Control: the owner is told the state, so the 404 above is about who asks.
    const open = await owner.get(`/workspaces/${ids.workspaceId}/ports/8080/open`);
    expect(open.status).toBe(409);
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
