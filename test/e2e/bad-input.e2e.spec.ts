import request from 'supertest';
import { ApiClient, createDeveloper, signIn, testAdmin, testBaseUrl, uniqueName } from '#testing';

/** Bad input gets a 4xx problem+json that names the problem, and changes nothing. */
describe('bad input', () => {
  let admin: ApiClient;
  let dev: ApiClient;
  let templateId: string;

  // Other suites run in parallel, so "nothing created" is checked on what this suite owns.
  const counts = async (): Promise<{ workspaces: number }> => ({
    workspaces: ((await dev.get('/workspaces')).body as unknown[]).length,
  });
  const templateNames = async (): Promise<string[]> =>
    ((await admin.get('/templates')).body as { name: string }[]).map((t) => t.name);

  const expectProblem = (res: request.Response, status: number, detail: RegExp): void => {
    expect({ status: res.status, detail: (res.body as { detail?: string }).detail }).toEqual({
      status,
      detail: expect.stringMatching(detail) as string,
    });
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ type: expect.any(String) as string, title: expect.any(String) as string, status });
    expect(JSON.stringify(res.body)).not.toMatch(/at \w+ \(|node_modules|\.js:\d+/); // no stack traces
  };

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev } = await createDeveloper(admin));
    const t = await admin.post('/templates', { name: uniqueName('bad-input'), spec: { image: 'berth/busybox:test' } });
    templateId = (t.body as { id: string }).id;
  });

  it.each([
    ['an empty body', {}, /name must be a DNS label.*templateId must be a UUID/],
    [
      'a name that is not a DNS label',
      { name: 'Bad_Name!', templateId: '00000000-0000-4000-8000-000000000000' },
      /name must be a DNS label/,
    ],
    [
      'an unknown template',
      { name: 'ok', templateId: '00000000-0000-4000-8000-000000000000' },
      /template .* does not exist/,
    ],
    [
      'an unknown field',
      { name: 'ok', templateId: '00000000-0000-4000-8000-000000000000', privileged: true },
      /property privileged should not exist/,
    ],
    [
      'an undeclared parameter',
      { name: 'ok', templateId: 'TEMPLATE', parameters: { cpus: 64 } },
      /declares no parameter cpus/,
    ],
  ])('POST /workspaces with %s answers 400 and creates nothing', async (_, body, detail) => {
    const before = await counts();
    const payload = JSON.parse(JSON.stringify(body).replace('TEMPLATE', templateId)) as object;
    expectProblem(await dev.post('/workspaces', payload), 400, detail);
    expect(await counts()).toEqual(before);
  });

  it('malformed JSON answers 400 and creates nothing', async () => {
    const before = await counts();
    const res = await request(testBaseUrl())
      .post('/api/v1/workspaces')
      .set('Authorization', `Bearer ${dev.token}`)
      .set('content-type', 'application/json')
      .send('{"name": "x",');
    expectProblem(res, 400, /JSON/);
    expect(await counts()).toEqual(before);
  });

  it('a duplicate workspace name for the same owner answers 409', async () => {
    const name = uniqueName('dup');
    expect((await dev.post('/workspaces', { name, templateId })).status).toBe(202);
    const before = await counts();
    expectProblem(await dev.post('/workspaces', { name, templateId }), 409, /already have a workspace named/);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['privileged mode', { image: 'berth/busybox:test', privileged: true }, 'spec.privileged'],
    [
      'a host bind',
      { image: 'berth/busybox:test', binds: ['/var/run/docker.sock:/var/run/docker.sock'] },
      'spec.binds',
    ],
    [
      'mounts',
      { image: 'berth/busybox:test', mounts: [{ type: 'bind', source: '/', target: '/host' }] },
      'spec.mounts',
    ],
    ['host networking', { image: 'berth/busybox:test', networkMode: 'host' }, 'spec.networkMode'],
    ['a host PID namespace', { image: 'berth/busybox:test', pidMode: 'host' }, 'spec.pidMode'],
    ['devices', { image: 'berth/busybox:test', devices: ['/dev/kmsg'] }, 'spec.devices'],
    ['security options', { image: 'berth/busybox:test', securityOpt: ['seccomp=unconfined'] }, 'spec.securityOpt'],
    ['a capability outside the allowlist', { image: 'berth/busybox:test', capAdd: ['SYS_ADMIN'] }, 'spec.capAdd.0'],
    ['a system directory as home', { image: 'berth/busybox:test', homePath: '/etc' }, 'spec.homePath'],
    ['an unknown spec field', { image: 'berth/busybox:test', imagee: 'x' }, 'spec.imagee'],
    ['no image', { user: '1000' }, 'spec.image'],
  ])('POST /templates with %s answers 400 naming the field and creates nothing', async (_, spec, field) => {
    const name = uniqueName('evil');
    const res = await admin.post('/templates', { name, spec });
    expectProblem(res, 400, new RegExp(`^${field.replace(/\./g, '\\.')}:`));
    expect(res.body).toMatchObject({ field });
    expect(await templateNames()).not.toContain(name);
  });

  it('without credentials answers 401; a developer creating a template answers 403', async () => {
    expectProblem(await request(testBaseUrl()).get('/api/v1/workspaces'), 401, /sign in/);
    expectProblem(
      await request(testBaseUrl()).get('/api/v1/workspaces').set('Authorization', 'Bearer berth_not-a-real-token'),
      401,
      /invalid, expired or revoked/,
    );
    expectProblem(
      await dev.post('/templates', { name: uniqueName('nope'), spec: { image: 'berth/busybox:test' } }),
      403,
      /admin role/,
    );
  });

  it('a cookie session cannot change anything without the CSRF header', async () => {
    const agent = request.agent(testBaseUrl());
    expect((await agent.post('/api/v1/auth/login').send(testAdmin)).status).toBe(200);
    expect((await agent.get('/api/v1/users/me')).body).toMatchObject({ email: testAdmin.email, role: 'admin' });
    expectProblem(await agent.post('/api/v1/tokens').send({ name: 'x' }), 403, /x-csrf-token/);
    expectProblem(
      await request(testBaseUrl())
        .post('/api/v1/auth/login')
        .send({ email: testAdmin.email, password: 'wrong-password' }),
      401,
      /invalid email or password/,
    );
  });
});
