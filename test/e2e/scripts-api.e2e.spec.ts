import pg from 'pg';
import { ApiClient, createDeveloper, signIn, testAdmin, typedBody, typedList, typedPage, uniqueName } from '#testing';
import { testEnv } from '../setup/test-env.js';

/**
 * What onboarding scripts rely on, against the real server: Idempotency-Key on creating POSTs
 * (kept per user in Postgres), PUT /users/by-email, `waitFor` answered from workspace events,
 * and paginated, filtered lists.
 */
describe('scripts API', () => {
  let admin: ApiClient;
  let dev: ApiClient;
  let devId: string;
  let templateId: string;
  let failingTemplateId: string;
  let db: pg.Client;

  const newTemplate = async (spec: Record<string, unknown>): Promise<string> => {
    const res = await admin.post('/templates', { name: uniqueName('scripts'), spec });
    expect(res.status).toBe(201);
    return typedBody(res, 'Template').id;
  };

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev, id: devId } = await createDeveloper(admin));
    // This suite keeps a dozen small workspaces: room beyond the default quota.
    const quota = { maxWorkspaces: 50, maxRunning: 50, maxCpus: 100, maxMemoryMb: 100_000 };
    expect((await admin.patch(`/users/${devId}`, { quota })).status).toBe(200);
    templateId = await newTemplate({ image: 'berth/busybox:test', resources: { cpus: 0.25, memoryMb: 128 } });
    failingTemplateId = await newTemplate({
      image: 'berth/busybox:test',
      initScript: 'echo "no such repository" >&2; exit 7',
      resources: { cpus: 0.25, memoryMb: 128 },
    });
    db = new pg.Client({ connectionString: testEnv().DATABASE_URL });
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
  });

  describe('Idempotency-Key', () => {
    it('ten parallel POST /workspaces with one key: one workspace, ten equal answers', async () => {
      const name = uniqueName('idem');
      const key = `ws-${name}`;
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => dev.post('/workspaces', { name, templateId }).set('Idempotency-Key', key)),
      );
      expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
      const first = typedBody(answers[0]!, 'Workspace');
      for (const a of answers) expect(a.body).toEqual(first);
      // Exactly one of them ran; the other nine were replays of its answer.
      expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(9);
      const mine = typedList(await dev.get('/workspaces'), 'Workspace');
      expect(mine.filter((w) => w.name === name).map((w) => w.id)).toEqual([first.id]);
      await dev.waitForStatus(first.id, 'running');
      // Replays did nothing, so the audit log holds the one creation.
      const audit = typedBody(await admin.get(`/audit?targetId=${first.id}&action=workspaces.create`), 'AuditPage');
      expect(audit.events).toHaveLength(1);
    });

    it('the same key with a different body is a 422 and creates nothing', async () => {
      const key = uniqueName('key');
      const name = uniqueName('idem');
      expect((await dev.post('/workspaces', { name, templateId }).set('Idempotency-Key', key)).status).toBe(202);
      const other = uniqueName('idem');
      const res = await dev.post('/workspaces', { name: other, templateId }).set('Idempotency-Key', key);
      expect(res.status).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(typedBody(res, 'Problem').detail).toMatch(/Idempotency-Key was used for a different request/);
      const names = typedList(await dev.get('/workspaces'), 'Workspace').map((w) => w.name);
      expect(names).toContain(name);
      expect(names).not.toContain(other);
    });

    it('a token: same id and secret again for the same caller; keys are per user; an expired key creates anew', async () => {
      const key = uniqueName('token-key');
      const first = await dev.post('/tokens', { name: 'ci' }).set('Idempotency-Key', key);
      expect(first.status).toBe(201);
      const again = await dev.post('/tokens', { name: 'ci' }).set('Idempotency-Key', key);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      // The same key from someone else is their own key: a token of theirs, not this one.
      const theirs = await admin.post('/tokens', { name: 'ci' }).set('Idempotency-Key', key);
      expect(typedBody(theirs, 'CreatedToken').id).not.toBe(typedBody(first, 'CreatedToken').id);
      // The table holds only the key's hash and a sealed answer: no token secret in clear.
      const rows = await db.query<{ keyHash: string; response: Buffer }>(
        `SELECT "keyHash", "response" FROM "IdempotencyKey" WHERE "userId" = $1`,
        [devId],
      );
      const secret = typedBody(first, 'CreatedToken').token;
      expect(rows.rows.map((r) => r.keyHash)).not.toContain(key);
      expect(rows.rows.some((r) => r.response.includes(Buffer.from(secret)))).toBe(false);
      // 24 hours later (moved into the past here): the key is free and the request runs again.
      await db.query(`UPDATE "IdempotencyKey" SET "expiresAt" = now() - interval '1 second' WHERE "userId" = $1`, [
        devId,
      ]);
      const later = await dev.post('/tokens', { name: 'ci' }).set('Idempotency-Key', key);
      expect(later.status).toBe(201);
      expect(typedBody(later, 'CreatedToken').id).not.toBe(typedBody(first, 'CreatedToken').id);
    });

    it('a failed request frees its key; a malformed key is a 400', async () => {
      const key = uniqueName('retry');
      const missing = '00000000-0000-4000-8000-000000000000';
      const refused = await dev
        .post('/workspaces', { name: uniqueName('x'), templateId: missing })
        .set('Idempotency-Key', key);
      expect(refused.status).toBe(400);
      const name = uniqueName('idem');
      // Same key, another body: allowed, because the failure kept nothing.
      expect((await dev.post('/workspaces', { name, templateId }).set('Idempotency-Key', key)).status).toBe(202);
      const bad = await dev.post('/tokens', { name: 'x' }).set('Idempotency-Key', 'has spaces in it');
      expect(bad.status).toBe(400);
    });
  });

  describe('PUT /users/by-email/:email', () => {
    it('creates (201), then changes nothing (200), then updates; admins only', async () => {
      const email = `${uniqueName('hire')}@berth.test`;
      const created = await admin.put(`/users/by-email/${email}`, { role: 'developer' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ email, role: 'developer', name: email.split('@')[0] });
      const again = await admin.put(`/users/by-email/${email}`, { role: 'developer' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(created.body);
      const renamed = await admin.put(`/users/by-email/${email}`, { name: 'New Hire' });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ id: typedBody(created, 'User').id, name: 'New Hire' });
      expect((await dev.put(`/users/by-email/${email}`, { role: 'admin' })).status).toBe(403);
      expect((await admin.put('/users/by-email/not-an-email', {})).status).toBe(400);
      expect((await admin.put(`/users/by-email/${email}`, { role: 'owner' })).status).toBe(400);
    });
  });

  describe('waitFor', () => {
    it('answers when the workspace is running', async () => {
      const created = typedBody(await dev.post('/workspaces', { name: uniqueName('wait'), templateId }), 'Workspace');
      const res = await dev.get(`/workspaces/${created.id}?waitFor=running&timeout=120`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: created.id, status: 'running' });
    });

    it('answers early, with lastError, when the workspace fails', async () => {
      const created = typedBody(
        await dev.post('/workspaces', { name: uniqueName('wait'), templateId: failingTemplateId }),
        'Workspace',
      );
      const res = await dev.get(`/workspaces/${created.id}?waitFor=running&timeout=120`);
      expect(res.body).toMatchObject({ status: 'failed' });
      expect(typedBody(res, 'Workspace').lastError).toMatch(/initScript exited with code 7/);
    });

    it('answers at the timeout with the current status', async () => {
      const created = typedBody(await dev.post('/workspaces', { name: uniqueName('wait'), templateId }), 'Workspace');
      await dev.get(`/workspaces/${created.id}?waitFor=running&timeout=120`);
      // Nothing will stop it: the wait ends at its timeout and says where the workspace is.
      const res = await dev.get(`/workspaces/${created.id}?waitFor=stopped&timeout=1`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'running' });
    });

    it('refuses an unbounded or unknown wait, and another user waits on nothing of yours', async () => {
      const created = typedBody(await dev.post('/workspaces', { name: uniqueName('wait'), templateId }), 'Workspace');
      expect((await dev.get(`/workspaces/${created.id}?waitFor=running&timeout=100000`)).status).toBe(400);
      expect((await dev.get(`/workspaces/${created.id}?waitFor=asleep`)).status).toBe(400);
      const { client: other } = await createDeveloper(admin);
      expect((await other.get(`/workspaces/${created.id}?waitFor=running&timeout=5`)).status).toBe(404);
    });
  });

  describe('lists', () => {
    it('pages with limit and cursor in a stable order, and filters by status, template and owner', async () => {
      const all = typedList(await dev.get('/workspaces'), 'Workspace');
      expect(all.length).toBeGreaterThan(3);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await dev.get(`/workspaces?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        const page = typedPage(res, 'Workspace');
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((w) => w.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual(all.map((w) => w.id));

      const failed = typedList(await dev.get('/workspaces?status=failed'), 'Workspace');
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.every((w) => w.status === 'failed')).toBe(true);
      const fromFailing = typedList(await dev.get(`/workspaces?templateId=${failingTemplateId}`), 'Workspace');
      expect(fromFailing.every((w) => w.templateId === failingTemplateId)).toBe(true);

      const byOwner = typedPage(await admin.get(`/workspaces?owner=${devId}&limit=200`), 'Workspace');
      expect(byOwner.items.map((w) => w.id)).toEqual(all.map((w) => w.id));
      const adminId = typedBody(await admin.get('/users/me'), 'User').id;
      expect((await dev.get(`/workspaces?owner=${adminId}`)).status).toBe(403);
      expect((await dev.get('/workspaces?cursor=not-a-cursor')).status).toBe(400);
      expect((await dev.get('/workspaces?limit=0')).status).toBe(400);
    });

    it('templates, users and tokens page the same way', async () => {
      const ids = async (client: ApiClient, path: string): Promise<string[]> =>
        ((await client.get(path)).body as { id: string }[]).map((x) => x.id);
      for (const [client, path] of [
        [admin, '/templates'],
        [admin, '/users'],
        [dev, '/tokens'],
      ] as const) {
        const before = await ids(client, path);
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const res = await client.get(`${path}?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
          expect(res.status).toBe(200);
          const page = res.body as { items: { id: string }[]; nextCursor: string | null };
          expect(page.items.length).toBeLessThanOrEqual(1);
          seen.push(...page.items.map((x) => x.id));
          cursor = page.nextCursor;
        } while (cursor);
        // Other suites add and archive at the same time: whatever was there all along was seen once.
        const after = await ids(client, path);
        expect(seen.filter((id) => before.includes(id) && after.includes(id)).sort()).toEqual(
          before.filter((id) => after.includes(id)).sort(),
        );
        expect(new Set(seen).size).toBe(seen.length);
      }
    });
  });
});
