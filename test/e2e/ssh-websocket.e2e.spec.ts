import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiClient,
  bundleBinary,
  makeSshKey,
  runCommand,
  scpOptions,
  sshOptions,
  startCommand,
  startSshAgent,
  TestContext,
  testBaseUrl,
  waitFor,
  type TestSshKey,
} from '#testing';
import { testEnv } from '../setup/test-env.js';

const CLI = fileURLToPath(new URL('../../apps/cli/src/main.js', import.meta.url));

/** SSH over the API's WebSocket with `berth ssh --stdio` as OpenSSH's ProxyCommand, and `berth config-ssh`. */
describe('SSH over the API WebSocket and the berth CLI', () => {
  const forwardPort = Number(testEnv().BERTH_SSH_PORT) + 2;
  let ctx: TestContext;
  let dev: ApiClient;
  let key: TestSshKey;
  let ws: { id: string; name: string };
  let home: string;

  const cliEnv = (token: string): NodeJS.ProcessEnv => ({
    ...process.env,
    BERTH_URL: testBaseUrl(),
    BERTH_TOKEN: token,
    XDG_CONFIG_HOME: path.join(home, '.config'),
  });
  const viaProxy = (token: string, k: TestSshKey, args: string[], extra: string[] = [], input?: string) =>
    runCommand(
      'ssh',
      [
        ...sshOptions(22, k.path, ['-o', `ProxyCommand=${process.execPath} ${CLI} ssh --stdio ${ws.name}`, ...extra]),
        `${ws.name}@berth-${ws.name}`,
        ...args,
      ],
      { env: cliEnv(token), input },
    );

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cli-home-'));
    ctx = await TestContext.create();
    ({ client: dev } = await ctx.newUser());
    key = makeSshKey();
    await dev.post('/users/me/ssh-keys', { name: 'laptop', publicKey: key.publicKey });
    const { id: templateId } = await ctx.newTemplate({ resources: { cpus: 0.25, memoryMb: 128 } }, { prefix: 'sshws' });
    ws = await ctx.newWorkspace({ owner: dev, templateId, prefix: 'sshws', status: 'running' });
  });

  afterAll(() => ctx.cleanup());

  it('runs commands with their exit status and an interactive PTY through ProxyCommand', async () => {
    expect(await viaProxy(dev.token, key, ['pwd; exit 5'])).toMatchObject({ code: 5, stdout: '/home/dev\n' });
    const pty = await viaProxy(dev.token, key, [], ['-tt'], 'echo $((6*7)); exit 4\n');
    expect(pty.stdout).toMatch(/\r\n42\r\n/);
    expect(pty.code).toBe(4);
  });

  it('serves scp both ways and sftp through ProxyCommand', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-scp-ws-'));
    fs.writeFileSync(path.join(dir, 'up.txt'), 'over the websocket\n');
    const proxied = (cmd: string, args: string[], input?: string) =>
      runCommand(
        cmd,
        [
          ...scpOptions(22, key.path, ['-o', `ProxyCommand=${process.execPath} ${CLI} ssh --stdio ${ws.name}`]),
          ...args,
        ],
        { env: cliEnv(dev.token), input },
      );
    const host = `${ws.name}@berth-${ws.name}`;
    expect(await proxied('scp', [path.join(dir, 'up.txt'), `${host}:ws-up.txt`])).toMatchObject({ code: 0 });
    expect(await proxied('scp', [`${host}:ws-up.txt`, path.join(dir, 'down.txt')])).toMatchObject({ code: 0 });
    expect(fs.readFileSync(path.join(dir, 'down.txt'), 'utf8')).toBe('over the websocket\n');
    const sftp = await proxied('sftp', ['-b', '-', host], 'ls -1\n');
    expect(sftp).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ws-up\.txt$/m) as string });
  });

  it('forwards the agent through ProxyCommand: ssh-add -l inside lists the key', async () => {
    const agent = await startSshAgent(key.path);
    try {
      const bundle = bundleBinary('/usr/bin/ssh-add');
      const proxy = ['-o', `ProxyCommand=${process.execPath} ${CLI} ssh --stdio ${ws.name}`];
      const env = { ...cliEnv(dev.token), SSH_AUTH_SOCK: agent.env.SSH_AUTH_SOCK };
      const host = `${ws.name}@berth-${ws.name}`;
      expect(
        await runCommand('scp', [...scpOptions(22, key.path, proxy), '-r', bundle, `${host}:sa`], { env }),
      ).toMatchObject({ code: 0 });
      const listed = await runCommand(
        'ssh',
        [
          ...sshOptions(22, key.path, [...proxy, '-A']),
          host,
          './sa/ld-linux-x86-64.so.2 --library-path ./sa ./sa/ssh-add -l',
        ],
        { env },
      );
      const fingerprint = (await runCommand('ssh-keygen', ['-l', '-f', `${key.path}.pub`])).stdout.split(' ')[1]!;
      expect(listed).toMatchObject({ code: 0, stdout: expect.stringContaining(fingerprint) as string });
    } finally {
      agent.stop();
    }
  });

  it('forwards ssh -L to the workspace’s loopback through ProxyCommand', async () => {
    const served = await viaProxy(dev.token, key, [
      'mkdir -p /tmp/w && echo via-websocket > /tmp/w/index.html && /bin/busybox httpd -p 127.0.0.1:8001 -h /tmp/w',
    ]);
    expect(served).toMatchObject({ code: 0, stderr: '' });
    const tunnel = startCommand(
      'ssh',
      [
        ...sshOptions(22, key.path, [
          '-o',
          `ProxyCommand=${process.execPath} ${CLI} ssh --stdio ${ws.name}`,
          '-N',
          '-L',
          `127.0.0.1:${forwardPort}:127.0.0.1:8001`,
        ]),
        `${ws.name}@berth-${ws.name}`,
      ],
      cliEnv(dev.token),
    );
    try {
      const body = await waitFor(
        () =>
          fetch(`http://127.0.0.1:${forwardPort}/`).then(
            (r) => r.text(),
            () => '',
          ),
        (t) => t.length > 0,
        'the tunnel to answer',
        30_000,
      );
      expect(body).toBe('via-websocket\n');
    } finally {
      tunnel.kill();
    }
  });

  it('refuses another user’s key, a revoked key, and a token without workspaces:write', async () => {
    const { client: other } = await ctx.newUser();
    const otherKey = makeSshKey();
    await other.post('/users/me/ssh-keys', { name: 'other', publicKey: otherKey.publicKey });
    // The other user's key over the developer's WebSocket: the key must be the token's user's own.
    const foreign = await viaProxy(dev.token, otherKey, ['true']);
    expect(foreign.code).toBe(255);
    expect(foreign.stderr).toMatch(/Permission denied \(publickey\)/);
    // The other user's token cannot even open the door to this workspace.
    const otherDoor = await viaProxy(other.token, otherKey, ['true']);
    expect(otherDoor.code).toBe(255);
    expect(otherDoor.stderr).toMatch(/no workspace named/);

    const revoked = makeSshKey();
    const id = (
      (await dev.post('/users/me/ssh-keys', { name: 'gone', publicKey: revoked.publicKey })).body as {
        id: string;
      }
    ).id;
    expect((await viaProxy(dev.token, revoked, ['echo ok'])).stdout).toBe('ok\n');
    await dev.delete(`/users/me/ssh-keys/${id}`);
    expect((await viaProxy(dev.token, revoked, ['true'])).stderr).toMatch(/Permission denied \(publickey\)/);

    const readOnly = (
      (await dev.post('/tokens', { name: 'ro', scopes: ['workspaces:read'] })).body as { token: string }
    ).token;
    const scoped = await viaProxy(readOnly, key, ['true']);
    expect(scoped.code).toBe(255);
    expect(scoped.stderr).toMatch(/403 .*workspaces:write/);
  });

  it('berth config-ssh twice leaves one set of entries, and ssh berth-<workspace> works with them', async () => {
    const config = path.join(home, 'ssh_config');
    fs.writeFileSync(config, 'Host mine\n  HostName 127.0.0.1\n');
    const env = cliEnv(dev.token);
    for (let i = 0; i < 2; i++) {
      const run = await runCommand(process.execPath, [CLI, 'config-ssh', '--ssh-config', config, '--json'], { env });
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ file: config, hosts: [`berth-${ws.name}`] });
    }
    const text = fs.readFileSync(config, 'utf8');
    expect(text.startsWith('Host mine\n  HostName 127.0.0.1\n')).toBe(true);
    expect(text.match(/START-BERTH/g)).toHaveLength(1);
    expect(text.match(new RegExp(`Host berth-${ws.name}\\n`, 'g'))).toHaveLength(1);
    const run = await runCommand(
      'ssh',
      [
        '-F',
        config,
        '-i',
        key.path,
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=no',
        '-o',
        'UserKnownHostsFile=/dev/null',
        `berth-${ws.name}`,
        'echo configured',
      ],
      { env },
    );
    expect(run).toMatchObject({ code: 0, stdout: 'configured\n' });
  });

  it('berth login keeps the URL and token (mode 600) for the next commands, with --json', async () => {
    const env = { ...cliEnv(dev.token) };
    const login = await runCommand(process.execPath, [CLI, 'login', '--json'], { env });
    expect(login.code).toBe(0);
    expect(JSON.parse(login.stdout)).toMatchObject({ url: testBaseUrl() });
    const file = path.join(home, '.config', 'berth', 'credentials.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    delete env.BERTH_URL;
    delete env.BERTH_TOKEN;
    const bad = await runCommand(process.execPath, [CLI, 'ssh', 'no-such-workspace', '--stdio', '--json'], { env });
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stderr)).toEqual({ error: 'no workspace named no-such-workspace' });
  });
});
