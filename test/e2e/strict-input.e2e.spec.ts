import request from 'supertest';
import { ApiClient, createDeveloper, signIn, testAdmin, testBaseUrl, uniqueName } from '#testing';

/**
 * Specs and input that must be refused (issue 13): each is a 400 problem+json naming the field,
 * and nothing is written.
 */
describe('strict input: specs, reserved names, NUL, deep JSON, bounded integers', () => {
  let admin: ApiClient;
  let dev: ApiClient;
  let templateId: string;

  const templateNames = async (): Promise<string[]> =>
    ((await admin.get('/templates')).body as { name: string }[]).map((t) => t.name);
  const workspaceCount = async (): Promise<number> => ((await dev.get('/workspaces')).body as unknown[]).length;
  const tokenCount = async (): Promise<number> => ((await dev.get('/tokens')).body as unknown[]).length;

  const expect400 = (res: request.Response, field: string, detail: RegExp): void => {
    expect({ status: res.status, field: (res.body as { field?: string }).field }).toEqual({ status: 400, field });
    expect(String((res.body as { detail?: string }).detail)).toMatch(detail);
    expect(res.headers['content-type']).toContain('application/problem+json');
  };

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev } = await createDeveloper(admin));
    templateId = (
      (
        await admin.post('/templates', {
          name: uniqueName('strict'),
          spec: {
            image: 'berth/busybox:test',
            parameters: [{ name: 'env', kind: 'env', namePattern: '^[A-Z_]+$' }],
          },
        })
      ).body as { id: string }
    ).id;
  });

  it.each([
    ['//etc', /system path/],
    ['/etc/dev', /system path/],
    ['/usr/local/dev', /system path/],
    ['/lib64/x', /lib64/],
    ['/var/run/dev', /system path/],
    ['/', /system path/],
    ['/home//dev', /clean path \(\/home\/dev\)/],
    ['/home/dev/../../etc', /system path \(\/etc\)/],
    ['home/dev', /absolute/],
  ])('homePath %s is refused naming spec.homePath, and no template is written', async (homePath, detail) => {
    const name = uniqueName('home');
    const res = await admin.post('/templates', { name, spec: { image: 'berth/busybox:test', homePath } });
    expect400(res, 'spec.homePath', detail);
    expect(await templateNames()).not.toContain(name);
  });

  it('a clean home elsewhere is accepted', async () => {
    const res = await admin.post('/templates', {
      name: uniqueName('home-ok'),
      spec: { image: 'berth/busybox:test', homePath: '/workspace/dev' },
    });
    expect(res.status).toBe(201);
  });

  it.each(['root', '0', '0:0', 'root:1000', '00'])('user %s needs allowRoot: true', async (user) => {
    const name = uniqueName('root');
    const refused = await admin.post('/templates', { name, spec: { image: 'berth/busybox:test', user } });
    expect400(refused, 'spec.user', /allowRoot/);
    expect(await templateNames()).not.toContain(name);
    const allowed = await admin.post('/templates', {
      name,
      spec: { image: 'berth/busybox:test', user, allowRoot: true },
    });
    expect(allowed.status).toBe(201);
  });

  it('devcontainer import reports a root remoteUser and maps it only when asked', async () => {
    const devcontainer = JSON.stringify({ image: 'berth/busybox:test', remoteUser: 'root' });
    const reported = await admin.post('/templates/import/devcontainer', {
      name: uniqueName('dc-root'),
      devcontainer,
      dryRun: true,
    });
    expect(reported.status).toBe(201);
    const body = reported.body as { spec: Record<string, unknown>; unsupported: { key: string; reason: string }[] };
    expect(body.spec.user).toBeUndefined();
    expect(body.unsupported).toContainEqual(
      expect.objectContaining({ key: 'remoteUser', reason: expect.stringMatching(/root.*allowRoot/) as string }),
    );
    const mapped = await admin.post('/templates/import/devcontainer', {
      name: uniqueName('dc-root'),
      devcontainer,
      dryRun: true,
      allowRoot: true,
    });
    expect((mapped.body as { spec: Record<string, unknown> }).spec).toMatchObject({ user: 'root', allowRoot: true });
  });

  it('a parameter named __proto__ (or constructor, prototype) is refused naming it', async () => {
    const before = await workspaceCount();
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const res = await request(testBaseUrl())
        .post('/api/v1/workspaces')
        .set('Authorization', `Bearer ${dev.token}`)
        .set('content-type', 'application/json')
        .send(`{"name":"${uniqueName('proto')}","templateId":"${templateId}","parameters":{"${key}":{"A":"1"}}}`);
      expect400(res, `parameters.${key}`, /reserved name/);
    }
    const env = await request(testBaseUrl())
      .post('/api/v1/templates')
      .set('Authorization', `Bearer ${admin.token}`)
      .set('content-type', 'application/json')
      .send(`{"name":"${uniqueName('proto')}","spec":{"image":"berth/busybox:test","env":{"__proto__":"x"}}}`);
    expect400(env, 'spec.env.__proto__', /reserved name/);
    expect(await workspaceCount()).toBe(before);
  });

  it('a NUL byte in a token name (or any string) is a 400, not a 500, and no token is written', async () => {
    const before = await tokenCount();
    expect400(await dev.post('/tokens', { name: 'bad\u0000name' }), 'name', /NUL/);
    expect400(await dev.post('/tokens', { name: 'ok', scopes: ['all\u0000'] }), 'scopes[0]', /NUL/);
    expect(await tokenCount()).toBe(before);
  });

  it('JSON deeper than 64 levels is refused at the parser', async () => {
    const name = uniqueName('deep');
    const deep = `{"name":"${name}","spec":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const res = await request(testBaseUrl())
      .post('/api/v1/templates')
      .set('Authorization', `Bearer ${admin.token}`)
      .set('content-type', 'application/json')
      .send(deep);
    expect400(res, 'body', /deeper than 64/);
    expect(await templateNames()).not.toContain(name);
    // 64 levels still parse (and fail validation as an ordinary bad spec).
    const ok = await request(testBaseUrl())
      .post('/api/v1/templates/validate')
      .set('Authorization', `Bearer ${admin.token}`)
      .set('content-type', 'application/json')
      .send(`{"spec":${'['.repeat(63)}${']'.repeat(63)}}`);
    expect(ok.status).toBeLessThan(500);
  });

  it('a template version number of 2^31 or more is a 400 naming n', async () => {
    for (const n of ['2147483648', '99999999999999999999', '0', '-1']) {
      expect400(await admin.get(`/templates/${templateId}/versions/${n}`), 'n', /whole number from 1 to 2147483647/);
    }
    expect((await admin.get(`/templates/${templateId}/versions/2147483647`)).status).toBe(404);
  });

  it('template parameter bounds are bounded too', async () => {
    const res = await admin.post('/templates', {
      name: uniqueName('huge'),
      spec: {
        image: 'berth/busybox:test',
        parameters: [{ name: 'cpus', kind: 'number', min: 1, max: 1e300, default: 2 }],
      },
    });
    expect(res.status).toBe(400);
    expect(String((res.body as { detail: string }).detail)).toMatch(/spec\.parameters/);
  });
});
