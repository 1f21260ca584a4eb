import { ApiClient, createDeveloper, makeSshKey, signIn, testAdmin, typedBody, typedList } from '#testing';
import { testEnv } from '../setup/test-env.js';

/** SSH public keys through the API: formats, validation, ownership, deletion, audit. */
describe('SSH keys', () => {
  let admin: ApiClient;
  let dev: ApiClient;
  let devId: string;

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev, id: devId } = await createDeveloper(admin));
  });

  it.each([
    ['ed25519', undefined, 'ssh-ed25519'],
    ['ecdsa', 256, 'ecdsa-sha2-nistp256'],
    ['ecdsa', 521, 'ecdsa-sha2-nistp521'],
    ['rsa', 3072, 'ssh-rsa'],
  ] as const)('accepts %s keys (%s bits) with the fingerprint ssh-keygen shows', async (type, bits, wire) => {
    const key = makeSshKey(type, bits);
    const res = await dev.post('/users/me/ssh-keys', { name: `laptop ${type}`, publicKey: key.publicKey });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: `laptop ${type}`, type: wire, fingerprint: key.fingerprint });
    const listed = typedList(await dev.get('/users/me/ssh-keys'), 'SshKey');
    expect(listed.map((k) => k.fingerprint)).toContain(key.fingerprint);
  });

  it.each([
    ['RSA under 3072 bits', makeSshKey('rsa', 2048).publicKey, /2048 bits; at least 3072/],
    ['DSA', 'ssh-dss AAAAB3NzaC1kc3MAAACBAP', /ssh-dss.*not accepted/],
    ['not base64', 'ssh-ed25519 AAAA$$$$', /not valid base64/],
    ['truncated', `ssh-ed25519 ${Buffer.from('\0\0\0\x0bssh-ed25519\0\0\0\x20abc').toString('base64')}`, /truncated/],
    ['type mismatch', makeSshKey('ed25519').publicKey.replace('ssh-ed25519', 'ssh-rsa'), /holds a "ssh-ed25519" key/],
    ['a private key', '-----BEGIN OPENSSH PRIVATE KEY-----', /not PEM/],
    ['garbage', 'hello', /must look like/],
  ])('refuses %s with a 400 naming the problem', async (_what, publicKey, message) => {
    const res = await dev.post('/users/me/ssh-keys', { name: 'bad', publicKey });
    expect(res.status).toBe(400);
    expect(typedBody(res, 'Problem').detail).toMatch(message);
  });

  it('a key belongs to one user only, and each user sees and deletes only their own', async () => {
    const key = makeSshKey();
    const mine = await dev.post('/users/me/ssh-keys', { name: 'shared?', publicKey: key.publicKey });
    expect(mine.status).toBe(201);
    const { client: other } = await createDeveloper(admin);
    expect((await other.post('/users/me/ssh-keys', { name: 'stolen', publicKey: key.publicKey })).status).toBe(409);
    expect((await dev.post('/users/me/ssh-keys', { name: 'again', publicKey: key.publicKey })).status).toBe(409);
    const { id } = typedBody(mine, 'SshKey');
    expect(typedList(await other.get('/users/me/ssh-keys'), 'SshKey')).toHaveLength(0);
    expect((await other.delete(`/users/me/ssh-keys/${id}`)).status).toBe(404);
    expect((await dev.delete(`/users/me/ssh-keys/${id}`)).status).toBe(204);
    expect(typedList(await dev.get('/users/me/ssh-keys'), 'SshKey').map((k) => k.id)).not.toContain(id);
    // Once deleted, the key is free to be registered by someone else.
    expect((await other.post('/users/me/ssh-keys', { name: 'now mine', publicKey: key.publicKey })).status).toBe(201);
  });

  it('every change is audited, refusals included', async () => {
    const key = makeSshKey();
    const created = typedBody(
      await dev.post('/users/me/ssh-keys', { name: 'audited', publicKey: key.publicKey }),
      'SshKey',
    );
    await dev.post('/users/me/ssh-keys', { name: 'bad', publicKey: 'nope' });
    await dev.delete(`/users/me/ssh-keys/${created.id}`);
    const events = async (action: string): Promise<{ actorId: string; targetId: string | null; outcome: string }[]> =>
      ((await admin.get(`/audit?action=${action}&limit=500`)).body as { events: never[] }).events;
    expect(await events('sshkeys.create')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actorId: devId, targetId: created.id, outcome: 'success' }),
        expect.objectContaining({ actorId: devId, outcome: 'failure' }),
      ]),
    );
    expect(await events('sshkeys.delete')).toEqual(
      expect.arrayContaining([expect.objectContaining({ actorId: devId, targetId: created.id, outcome: 'success' })]),
    );
  });

  it('narrow tokens cannot manage keys; the start-on-connect setting defaults to on', async () => {
    const narrow = new ApiClient(
      typedBody(await dev.post('/tokens', { name: 'ro', scopes: ['workspaces:write'] }), 'CreatedToken').token,
    );
    expect((await narrow.post('/users/me/ssh-keys', { name: 'x', publicKey: makeSshKey().publicKey })).status).toBe(
      403,
    );
    const gateway = { host: '127.0.0.1', port: Number(testEnv().BERTH_SSH_PORT) };
    expect((await dev.get('/users/me/ssh-settings')).body).toEqual({ startsStopped: true, gateway });
    expect((await dev.put('/users/me/ssh-settings', { startsStopped: false })).body).toEqual({
      startsStopped: false,
      gateway,
    });
    expect((await dev.get('/users/me/ssh-settings')).body).toEqual({ startsStopped: false, gateway });
  });
});
