import pg from 'pg';
import { ApiClient, BerthUnderTest, createDeveloper, signIn, testAdmin, waitFor } from '#testing';
import { testEnv } from '../setup/test-env.js';

/**
 * Bearer verdicts are cached per API process. A second API process (same database and Redis)
 * keeps its verdicts for a minute here, so only the Redis broadcast can make a revocation or a
 * deactivation done through the first process take effect there within seconds.
 */
describe('token cache across API processes', () => {
  const port = Number(testEnv().PORT) + 7;
  const second = new BerthUnderTest({
    ...testEnv(),
    PORT: String(port),
    BERTH_SSH_PORT: '0',
    BERTH_DATA_DIR: '.berth/test-token-cache',
    BERTH_TOKEN_CACHE_TTL_MS: '60000',
  });
  let admin: ApiClient;

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    await second.startApi();
  });

  afterAll(async () => {
    await second.stopAll();
  });

  /** The same token, sent to the second process. */
  const there = (client: ApiClient): ApiClient => new ApiClient(client.token, second.baseUrl);
  const statusThere = (client: ApiClient) => async () => (await there(client).get('/users/me')).status;

  it('a verdict is reused within its TTL: the second request reads no token row (lastUsedAt unchanged)', async () => {
    const { client: dev, id } = await createDeveloper(admin);
    const db = new pg.Client({ connectionString: testEnv().DATABASE_URL });
    await db.connect();
    try {
      // lastUsedAt is written whenever a verdict is read from Postgres, so it shows every miss.
      const lastUsed = async (): Promise<number> => {
        const rows = await db.query<{ at: Date }>(
          'SELECT "lastUsedAt" AS at FROM "ApiToken" WHERE "userId" = $1 AND "lastUsedAt" IS NOT NULL',
          [id],
        );
        return rows.rows[0]?.at.getTime() ?? 0;
      };
      expect(await statusThere(dev)()).toBe(200);
      const first = await lastUsed();
      expect(first).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await statusThere(dev)()).toBe(200);
      expect(await lastUsed()).toBe(first);
    } finally {
      await db.end();
    }
  });

  it('a token revoked through one process stops working in the other', async () => {
    const { client: dev } = await createDeveloper(admin);
    // Twice, so the second answer comes from the cache.
    expect(await statusThere(dev)()).toBe(200);
    expect(await statusThere(dev)()).toBe(200);
    const tokens = (await dev.get('/tokens')).body as { id: string; prefix: string }[];
    const own = tokens.find((t) => dev.token.startsWith(t.prefix));
    expect(own).toBeDefined();
    expect((await dev.delete(`/tokens/${own?.id ?? ''}`)).status).toBe(204);
    await waitFor(
      statusThere(dev),
      (s) => s === 401,
      'the revoked token to be refused by the second process',
      5000,
      50,
    );
    // And in the process that revoked it, at once.
    expect((await dev.get('/users/me')).status).toBe(401);
  });

  it("a user's deactivation through one process ends their tokens in the other", async () => {
    const { client: dev, id } = await createDeveloper(admin);
    expect(await statusThere(dev)()).toBe(200);
    expect(await statusThere(dev)()).toBe(200);
    expect((await admin.delete(`/users/${id}`)).status).toBe(204);
    await waitFor(
      statusThere(dev),
      (s) => s === 401,
      'the deactivated user to be refused by the second process',
      5000,
      50,
    );
  });

  it("a role change through one process is seen by the other's next request", async () => {
    const { client: dev, id } = await createDeveloper(admin);
    expect((await there(dev).get('/users')).status).toBe(403);
    expect((await admin.patch(`/users/${id}`, { role: 'admin' })).status).toBe(200);
    await waitFor(
      async () => (await there(dev).get('/users')).status,
      (s) => s === 200,
      'the promoted user to be an admin in the second process',
      5000,
      50,
    );
  });
});
