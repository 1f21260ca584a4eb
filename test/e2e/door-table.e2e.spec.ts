import http from 'node:http';
import request from 'supertest';
import ssh2 from 'ssh2';
import { type Door, DOORS, type DoorKey } from '#auth';
import { ApiClient, createDeveloper, signIn, testAdmin, testBaseUrl, uniqueName } from '#testing';
import { testEnv } from '../setup/test-env.js';

/**
 * Walks the door table (libs/auth/src/doors.ts), the one rule every entry point reads: each door
 * is called without credentials, with a token lacking its scope, and with a token carrying
 * exactly its scope. The REST doors must match the server's route table both ways, and every
 * other door needs a caller below, so a door that is not in the table (or not walked) fails.
 */
describe('door table: one rule for REST, SSE, terminal, exec and the port proxy', () => {
  const base = new URL(testBaseUrl());
  let admin: ApiClient;
  let owner: ApiClient;
  const ids: Record<string, string> = {};
  let appHost: string;

  /** Status of one call, read as soon as the status line arrives (SSE never ends by itself). */
  const probe = (method: string, path: string, token: string | null, body?: object, host?: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request(
        {
          host: base.hostname,
          port: base.port,
          method,
          path,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(host ? { host } : {}),
            ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          resolve(res.statusCode ?? 0);
          res.destroy();
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  /** A WebSocket handshake: 101 when the door lets the caller in, else the refusal's status. */
  const upgrade = (path: string, token: string | null, host?: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = http.request({
        host: base.hostname,
        port: base.port,
        path,
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': Buffer.from(uniqueName('k').slice(0, 16).padEnd(16, 'x')).toString('base64'),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(host ? { host } : {}),
        },
      });
      req.on('upgrade', (_res, socket) => {
        socket.destroy();
        resolve(101);
      });
      req.on('response', (res) => {
        resolve(res.statusCode ?? 0);
        res.destroy();
      });
      req.on('error', reject);
      req.end();
    });

  const concrete = (path: string): string =>
    path
      .replace(/^(\/api\/v1\/workspaces)\/:id/, `$1/${ids.workspaceId}`)
      .replace(/^\/w\/:id/, `/w/${ids.workspaceId}`)
      .replace(':port', '8081')
      .replace(':buildId', ids.buildId!)
      .replace(':n', '1')
      .replace(/^(\/api\/v1\/tokens)\/:id/, `$1/${ids.tokenId}`)
      .replace(/^(\/api\/v1\/templates)\/:id/, `$1/${ids.templateId}`)
      .replace(/^(\/api\/v1\/users)\/:id/, `$1/${ids.userId}`);

  /** How to call each door; the key type makes a door without a caller a compile error too. */
  const call = (key: DoorKey, token: string | null): Promise<number> => {
    const verb = key.slice(0, key.indexOf(' '));
    const path = key.slice(key.indexOf(' ') + 1);
    // An app origin: one port per share level (8080 owner, 8081 authenticated, 8082 public).
    const appPort = path.includes('shared: authenticated') ? 8081 : path.includes('shared: public') ? 8082 : 8080;
    const host = path.startsWith('{app origin') ? appHost.replace(/^8080--/, `${appPort}--`) : undefined;
    const url = host ? '/' : concrete(path);
    if (verb === 'WS') return upgrade(url, token, host);
    if (host) return probe('GET', url, token, undefined, host);
    if (verb === 'HTTP') return probe('GET', `${url}/`, token);
    const body =
      verb === 'GET' || verb === 'DELETE'
        ? undefined
        : url.endsWith('/exec')
          ? { command: ['true'] }
          : url.includes('/ports/')
            ? { share: 'authenticated' }
            : {};
    return probe(verb, url, token, body);
  };

  const restDoors = (): DoorKey[] => (Object.keys(DOORS) as DoorKey[]).filter((k) => !/^(WS|HTTP|SSH) /.test(k));
  /** SSH keys, not tokens, open the SSH gateway: walked below with a real SSH client instead. */
  const tokenDoors = (): [DoorKey, Door][] =>
    (Object.entries(DOORS) as [DoorKey, Door][]).filter(([, door]) => door.kind !== 'ssh');

  /** A token of `user` carrying exactly `scopes`. */
  const tokens = new Map<string, string>();
  const tokenWith = async (user: ApiClient, scopes: string[]): Promise<string> => {
    const key = `${user.token} ${scopes.join()}`; // token creation is rate limited: one per scope
    if (!tokens.has(key)) {
      const res = await user.post('/tokens', { name: uniqueName('scoped'), scopes });
      expect(res.status).toBe(201);
      tokens.set(key, (res.body as { token: string }).token);
    }
    return tokens.get(key)!;
  };

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    const created = await createDeveloper(admin);
    owner = created.client;
    ids.userId = (await createDeveloper(admin)).id; // the admin user routes act on a bystander
    ids.templateId = (
      (
        await admin.post('/templates', {
          name: uniqueName('doors'),
          spec: {
            image: 'berth/busybox:test',
            maxPortShare: 'public',
            ports: [
              { port: 8080, name: 'mine' },
              { port: 8081, name: 'signed-in' },
              { port: 8082, name: 'anyone' },
            ],
          },
        })
      ).body as { id: string }
    ).id;
    const ws = (await owner.post('/workspaces', { name: 'doors', templateId: ids.templateId })).body as { id: string };
    ids.workspaceId = ws.id;
    const email = ((await owner.get('/users/me')).body as { email: string }).email;
    appHost = `8080--doors--${email
      .split('@')[0]!
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 20)}.apps.localhost:${base.port}`;
    await owner.waitForStatus(ws.id, 'running');
    expect((await owner.patch(`/workspaces/${ws.id}/ports/8081`, { share: 'authenticated' })).status).toBe(204);
    expect((await owner.patch(`/workspaces/${ws.id}/ports/8082`, { share: 'public' })).status).toBe(204);
    ids.buildId = ((await owner.get(`/workspaces/${ws.id}/builds`)).body as { id: string }[])[0]!.id;
    ids.tokenId = ((await owner.post('/tokens', { name: 'doomed' })).body as { id: string }).id;
  });

  afterAll(async () => {
    await owner.delete(`/workspaces/${ids.workspaceId}`);
  });

  it('lists every route of the server, and only those', async () => {
    const doc = (await request(testBaseUrl()).get('/api/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(routes.sort()).toEqual([...restDoors()].sort());
    // Each operation carries its door's scope, for clients reading the document.
    const exec = doc.paths['/api/v1/workspaces/{id}/exec']?.post as Record<string, unknown>;
    expect(exec['x-berth-scope']).toBe('workspaces:write');
  });

  it('refuses every non-public door without credentials', async () => {
    const wrong: string[] = [];
    for (const [key, door] of tokenDoors()) {
      if (door.roles === 'public') continue;
      const status = await call(key, null);
      if (status !== 401) wrong.push(`${key} → ${status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('a workspaces:read token is refused by the terminal, exec, the proxy and every write door', async () => {
    const readOnly = await tokenWith(owner, ['workspaces:read']);
    const adminReadOnly = await tokenWith(admin, ['workspaces:read']);
    const refused: string[] = [];
    const wrong: string[] = [];
    for (const [key, door] of tokenDoors()) {
      if (door.roles === 'public' || door.scope === 'any' || door.scope === 'workspaces:read') continue;
      const status = await call(key, door.roles.includes('developer') ? readOnly : adminReadOnly);
      if (status === 403) refused.push(key);
      else wrong.push(`${key} → ${status}`);
    }
    expect(wrong).toEqual([]);
    expect(refused).toEqual(
      expect.arrayContaining([
        'WS /api/v1/workspaces/:id/terminal',
        'POST /api/v1/workspaces/:id/exec',
        'HTTP {app origin}/*',
        'WS {app origin}/*',
        'GET /api/v1/workspaces/:id/ports/:port/open',
        'POST /api/v1/workspaces/:id/start',
        'DELETE /api/v1/workspaces/:id',
      ]),
    );
  });

  it('a token with exactly the right scope gets through every door', async () => {
    const wrong: string[] = [];
    // Destructive doors last, so the objects the others reach still exist while they are walked.
    const keys = tokenDoors()
      .map(([key]) => key)
      .sort((a, b) => Number(a.startsWith('DELETE')) - Number(b.startsWith('DELETE')));
    for (const key of keys) {
      const door: Door = DOORS[key];
      if (door.roles === 'public') continue;
      const user = door.roles.includes('developer') ? owner : admin;
      const token = await tokenWith(user, [door.scope === 'any' ? 'workspaces:read' : door.scope]);
      const status = await call(key, token);
      if (status === 401 || status === 403) wrong.push(`${key} → ${status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('the SSH gateway door refuses a caller without a registered key (keys are walked in ssh-gateway.e2e)', async () => {
    const sshDoors = (Object.entries(DOORS) as [DoorKey, Door][]).filter(([, door]) => door.kind === 'ssh');
    expect(sshDoors.map(([key]) => key)).toEqual(['SSH <workspace>@gateway']);
    // A bearer token is not an SSH credential: offered as a password, it must not open the door.
    const outcome = await new Promise<string>((resolve) => {
      const client = new ssh2.Client();
      client
        .on('ready', () => {
          client.end();
          resolve('signed in');
        })
        .on('error', (error: Error & { level?: string }) => resolve(error.level ?? error.message))
        .connect({
          host: '127.0.0.1',
          port: Number(testEnv().BERTH_SSH_PORT),
          username: 'doors',
          password: owner.token,
          readyTimeout: 20_000,
        });
    });
    expect(outcome).toBe('client-authentication');
  });
});
