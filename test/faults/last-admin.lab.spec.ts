import { signIn, uniqueName, type ApiClient } from '#testing';
import { startLab, type Lab } from '../setup/fault-lab.js';

interface UserRow {
  id: string;
  email: string;
  role: string;
  active?: boolean;
}

/**
 * The last-admin guard, on a database of the lab's own (the shared test database always keeps
 * other admins active, so the refusal cannot be provoked there): demoting or deactivating the
 * last active admin answers 409 and changes nothing, and two admins demoting each other at the
 * same moment cannot both succeed (the advisory lock serialises them).
 */
describe('last active admin', () => {
  let lab: Lab;
  let admin: ApiClient;
  let adminId: string;

  beforeAll(async () => {
    lab = await startLab({ name: 'last-admin' });
    admin = await lab.start();
    adminId = ((await admin.get('/users/me')).body as UserRow).id;
    // The cloned database holds whatever admins other suites made: leave the test admin alone.
    for (const u of (await admin.get('/users')).body as UserRow[]) {
      if (u.id !== adminId && u.role === 'admin' && u.active !== false)
        expect((await admin.patch(`/users/${u.id}`, { role: 'developer' })).status).toBe(200);
    }
  });

  afterAll(async () => {
    await lab.teardown();
  });

  const activeAdmins = async (): Promise<string[]> =>
    ((await admin.get('/users')).body as UserRow[])
      .filter((u) => u.role === 'admin' && u.active !== false)
      .map((u) => u.id);

  it('the last active admin can be neither demoted nor deactivated: 409, nothing changed', async () => {
    expect(await activeAdmins()).toEqual([adminId]);
    const demote = await admin.patch(`/users/${adminId}`, { role: 'developer', name: 'Renamed' });
    expect(demote.status).toBe(409);
    expect(demote.headers['content-type']).toContain('application/problem+json');
    expect((await admin.patch(`/users/${adminId}`, { active: false })).status).toBe(409);
    expect((await admin.delete(`/users/${adminId}`)).status).toBe(409);
    const me = (await admin.get(`/users/${adminId}`)).body as UserRow & { name: string };
    expect(me).toMatchObject({ role: 'admin', active: true });
    expect(me.name).not.toBe('Renamed'); // the refused update wrote nothing, not even the other fields
    expect((await admin.get('/users/me')).status).toBe(200); // sessions and tokens untouched
    expect(await activeAdmins()).toEqual([adminId]);
  });

  it('two admins demoting each other at once: exactly one succeeds', async () => {
    const email = `${uniqueName('admin2')}@berth.test`;
    const password = 'second-admin-password';
    const created = await admin.post('/users', { email, name: 'Second', password, role: 'admin' });
    expect(created.status).toBe(201);
    const otherId = (created.body as UserRow).id;
    const other = await signIn(email, password, lab.berth.baseUrl);
    expect((await activeAdmins()).sort()).toEqual([adminId, otherId].sort());

    for (let round = 0; round < 30; round++) {
      const statuses = (
        await Promise.all([
          admin.patch(`/users/${otherId}`, { role: 'developer' }),
          other.patch(`/users/${adminId}`, { role: 'developer' }),
        ])
      )
        .map((r) => r.status)
        .sort();
      // The loser may also be refused for having lost its admin role before its request arrived (403).
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      const left = await activeAdminsVia(admin, other);
      expect(left).toHaveLength(1);
      // Restore both admins for the next round.
      const survivor = left[0] === adminId ? admin : other;
      const demoted = left[0] === adminId ? otherId : adminId;
      expect((await survivor.patch(`/users/${demoted}`, { role: 'admin' })).status).toBe(200);
    }
  });

  async function activeAdminsVia(a: ApiClient, b: ApiClient): Promise<string[]> {
    for (const client of [a, b]) {
      const res = await client.get('/users');
      if (res.status === 200)
        return (res.body as UserRow[]).filter((u) => u.role === 'admin' && u.active !== false).map((u) => u.id);
    }
    throw new Error('neither admin can list users');
  }
});
