import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import {
  ApiClient,
  createDeveloper,
  bundleBinary,
  containersOf,
  makeSshKey,
  runCommand,
  scpOptions,
  signIn,
  sshOptions,
  startCommand,
  startSshAgent,
  testAdmin,
  testDocker,
  uniqueName,
  waitFor,
  type TestSshKey,
} from '#testing';
import { testEnv } from '../setup/test-env.js';

/** The built-in SSH gateway with Debian's OpenSSH client, against the real engine. */
describe('SSH gateway', () => {
  const port = Number(testEnv().BERTH_SSH_PORT);
  const forwardPort = port + 1;
  let admin: ApiClient;
  let adminKey: TestSshKey;
  let dev: ApiClient;
  let devEmail: string;
  let key: TestSshKey;
  let templateId: string;
  let ws: { id: string; name: string };

  const ssh = (user: string, k: TestSshKey | null, args: string[], input?: string, extra: string[] = []) =>
    runCommand('ssh', [...sshOptions(port, k?.path ?? null, extra), `${user}@127.0.0.1`, ...args], { input });

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    const created = await createDeveloper(admin);
    dev = created.client;
    devEmail = ((await dev.get('/users/me')).body as { email: string }).email;
    key = makeSshKey();
    expect((await dev.post('/users/me/ssh-keys', { name: 'laptop', publicKey: key.publicKey })).status).toBe(201);
    adminKey = makeSshKey();
    await admin.post('/users/me/ssh-keys', { name: 'admin', publicKey: adminKey.publicKey });
    templateId = (
      (
        await admin.post('/templates', {
          name: uniqueName('sshgw'),
          spec: { image: 'berth/busybox:test', resources: { cpus: 0.25, memoryMb: 128 } },
        })
      ).body as { id: string }
    ).id;
    ws = (await dev.post('/workspaces', { name: uniqueName('ssh'), templateId })).body as { id: string; name: string };
    await dev.waitForStatus(ws.id, 'running');
  });

  it('runs a command as the template user in its home, with its exit status and stderr', async () => {
    const run = await ssh(ws.name, key, ['id -u; pwd; echo oops >&2; exit 7']);
    expect(run).toMatchObject({ code: 7, stdout: '1000\n/home/dev\n', stderr: 'oops\n' });
  });

  it('passes stdin through and ends it, and takes LANG from the client', async () => {
    const run = await ssh(ws.name, key, ['cat; echo "lang=$LANG"'], 'piped in\n', ['-o', 'SetEnv=LANG=de_DE.UTF-8']);
    expect(run).toMatchObject({ code: 0, stdout: 'piped in\nlang=de_DE.UTF-8\n' });
  });

  it('gives an interactive PTY with TERM and the window size', async () => {
    const run = await ssh(ws.name, key, [], 'echo "term=$TERM"; /bin/busybox stty size; echo $((6*7)); exit 3\n', [
      '-tt',
      '-o',
      'SetEnv=TERM=xterm-berth',
    ]);
    expect(run.stdout).toMatch(/term=xterm-berth/);
    expect(run.stdout).toMatch(/\r\n42\r\n/);
    expect(run.code).toBe(3);
  });

  it('forwards ssh -L to an HTTP server on the workspace’s own 127.0.0.1, and counts as activity', async () => {
    const serve = await ssh(ws.name, key, [
      'mkdir -p /tmp/www && echo hello-from-workspace > /tmp/www/index.html && /bin/busybox httpd -p 127.0.0.1:8000 -h /tmp/www',
    ]);
    expect(serve.code).toBe(0);
    const tunnel = startCommand('ssh', [
      ...sshOptions(port, key.path, ['-N', '-L', `127.0.0.1:${forwardPort}:127.0.0.1:8000`]),
      `${ws.name}@127.0.0.1`,
    ]);
    try {
      const body = await waitFor(
        () =>
          fetch(`http://127.0.0.1:${forwardPort}/`).then(
            (r) => r.text(),
            () => '',
          ),
        (text) => text.length > 0,
        'the tunnel to answer',
        30_000,
      );
      expect(body).toBe('hello-from-workspace\n');
    } finally {
      tunnel.kill();
    }
  });

  it('serves SFTP as the template user: scp both ways, sftp put, get and ls', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-scp-'));
    fs.writeFileSync(path.join(dir, 'up.txt'), 'sent by scp\n');
    const scp = (...args: string[]) => runCommand('scp', [...scpOptions(port, key.path), ...args]);
    expect(await scp(path.join(dir, 'up.txt'), `${ws.name}@127.0.0.1:up.txt`)).toMatchObject({ code: 0 });
    const owned = await ssh(ws.name, key, ['/bin/busybox stat -c "%u %n" /home/dev/up.txt; cat up.txt']);
    expect(owned.stdout).toBe('1000 /home/dev/up.txt\nsent by scp\n');

    expect((await ssh(ws.name, key, ['echo made inside > down.txt'])).code).toBe(0);
    expect(await scp(`${ws.name}@127.0.0.1:down.txt`, path.join(dir, 'down.txt'))).toMatchObject({ code: 0 });
    expect(fs.readFileSync(path.join(dir, 'down.txt'), 'utf8')).toBe('made inside\n');

    fs.writeFileSync(path.join(dir, 'put.txt'), 'sent by sftp\n');
    const batch = [`put ${path.join(dir, 'put.txt')} put.txt`, `get up.txt ${path.join(dir, 'got.txt')}`, 'ls -1'];
    const sftp = await runCommand('sftp', [...scpOptions(port, key.path), '-b', '-', `${ws.name}@127.0.0.1`], {
      input: batch.join('\n') + '\n',
    });
    expect(sftp.code).toBe(0);
    expect(sftp.stdout).toMatch(/^put\.txt$/m);
    expect(fs.readFileSync(path.join(dir, 'got.txt'), 'utf8')).toBe('sent by scp\n');
    expect((await ssh(ws.name, key, ['cat put.txt'])).stdout).toBe('sent by sftp\n');
    // The container's own view, as its user: a root-only path stays closed.
    const denied = await runCommand('sftp', [...scpOptions(port, key.path), '-b', '-', `${ws.name}@127.0.0.1`], {
      input: `put ${path.join(dir, 'put.txt')} /etc/berth-should-not-exist\n`,
    });
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/Permission denied/);
  });

  it('forwards the client’s agent with ssh -A: ssh-add -l inside lists the key', async () => {
    const agent = await startSshAgent(key.path);
    try {
      const bundle = bundleBinary('/usr/bin/ssh-add');
      const copied = await runCommand('scp', [...scpOptions(port, key.path), '-r', bundle, `${ws.name}@127.0.0.1:sa`]);
      expect(copied.code).toBe(0);
      const listed = await runCommand(
        'ssh',
        [
          ...sshOptions(port, key.path, ['-A']),
          `${ws.name}@127.0.0.1`,
          'echo "sock=$SSH_AUTH_SOCK"; ./sa/ld-linux-x86-64.so.2 --library-path ./sa ./sa/ssh-add -l',
        ],
        { env: agent.env },
      );
      const fingerprint = (await runCommand('ssh-keygen', ['-l', '-f', `${key.path}.pub`])).stdout.split(' ')[1]!;
      expect(listed.stdout).toMatch(/^sock=\/tmp\/berth-agent-\w+\/agent$/m);
      expect(listed.stdout).toContain(fingerprint);
      expect(listed.code).toBe(0);
      // Without -A there is no socket.
      const plain = await runCommand(
        'ssh',
        [...sshOptions(port, key.path), `${ws.name}@127.0.0.1`, 'echo "sock=$SSH_AUTH_SOCK"'],
        {
          env: agent.env,
        },
      );
      expect(plain.stdout).toBe('sock=\n');
      // The socket lives as long as its connection: gone once `ssh -A` has ended.
      const left = await waitFor(
        () => ssh(ws.name, key, ['ls /tmp | grep -c berth-agent || true']).then((r) => r.stdout),
        (out) => out === '0\n',
        'the agent socket to be removed',
        15_000,
      );
      expect(left).toBe('0\n');
    } finally {
      agent.stop();
    }
  });

  it('forwards ssh -L in an image with no shell, nc or bash (Berth’s own relay)', async () => {
    const staticTemplate = (
      (
        await admin.post('/templates', {
          name: uniqueName('sshstatic'),
          spec: { image: 'berth/static:test', user: '1234:2345', homePath: '/home/dev' },
        })
      ).body as { id: string }
    ).id;
    const bare = (await dev.post('/workspaces', { name: uniqueName('sshbare'), templateId: staticTemplate })).body as {
      id: string;
      name: string;
    };
    await dev.waitForStatus(bare.id, 'running');
    // The test's own HTTP server (busybox httpd from the toolset), on the workspace's 127.0.0.1.
    const [info] = await containersOf(bare.id);
    const exec = await testDocker()
      .getContainer(info!.Id)
      .exec({ Cmd: ['/.berth/busybox', 'httpd', '-f', '-p', '127.0.0.1:8000', '-h', '/.berth'], User: '1234' });
    await exec.start({ Detach: true });
    const tunnel = startCommand('ssh', [
      ...sshOptions(port, key.path, ['-N', '-L', `127.0.0.1:${forwardPort}:127.0.0.1:8000`]),
      `${bare.name}@127.0.0.1`,
    ]);
    try {
      const answer = await waitFor(
        () =>
          fetch(`http://127.0.0.1:${forwardPort}/no-such-page`).then(
            async (r) => ({ status: r.status, body: await r.text() }),
            () => null,
          ),
        (r) => r !== null,
        'the tunnel to answer',
        30_000,
      );
      expect(answer).toMatchObject({ status: 404, body: expect.stringContaining('404 Not Found') as string });
    } finally {
      tunnel.kill();
      await dev.delete(`/workspaces/${bare.id}`);
    }
  });

  it('refuses another user’s key, unknown names and revoked keys alike, and audits each refusal', async () => {
    const { client: other } = await createDeveloper(admin);
    const otherKey = makeSshKey();
    await other.post('/users/me/ssh-keys', { name: 'other', publicKey: otherKey.publicKey });
    const refusals = [
      await ssh(ws.name, otherKey, ['true']), // someone else's workspace
      await ssh('no-such-workspace', key, ['true']),
      await ssh(ws.name, makeSshKey(), ['true']), // a key nobody registered
    ];
    const revoked = makeSshKey();
    const added = (await dev.post('/users/me/ssh-keys', { name: 'soon gone', publicKey: revoked.publicKey })).body as {
      id: string;
    };
    expect((await ssh(ws.name, revoked, ['echo ok'])).stdout).toBe('ok\n');
    await dev.delete(`/users/me/ssh-keys/${added.id}`);
    refusals.push(await ssh(ws.name, revoked, ['true']));
    for (const r of refusals) {
      expect(r.code).toBe(255);
      expect(r.stderr).toMatch(/Permission denied \(publickey\)/);
    }
    expect(new Set(refusals.map((r) => r.stderr.replace(/\S+@127\.0\.0\.1/, 'X'))).size).toBe(1);
    for (const [k, reason] of [
      [otherKey, 'no such workspace'],
      [revoked, 'unknown key'],
    ] as const) {
      // Audit rows are written beside the refusal, not before it: wait for them.
      const events = await waitFor(
        async () =>
          (
            (await admin.get('/audit?action=ssh.connect&outcome=failure&limit=500')).body as {
              events: { details: { reason: string; fingerprint: string } }[];
            }
          ).events,
        (list) => list.some((e) => e.details.fingerprint === k.fingerprint),
        `the audit row for ${reason}`,
        10_000,
      );
      expect(events).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            details: expect.objectContaining({ reason, fingerprint: k.fingerprint }) as object,
          }),
        ]),
      );
    }
  });

  it('lets an admin in with <workspace>.<owner>, audited; a developer cannot do the same', async () => {
    const run = await ssh(`${ws.name}.${devEmail}`, adminKey, ['echo in']);
    expect(run).toMatchObject({ code: 0, stdout: 'in\n' });
    const audit = (await admin.get(`/audit?action=ssh.connectAsAdmin&targetId=${ws.id}`)).body as {
      events: { outcome: string }[];
    };
    expect(audit.events[0]).toMatchObject({ outcome: 'success' });
    const { client: other } = await createDeveloper(admin);
    const otherKey = makeSshKey();
    await other.post('/users/me/ssh-keys', { name: 'other', publicKey: otherKey.publicKey });
    expect((await ssh(`${ws.name}.${devEmail}`, otherKey, ['true'])).code).toBe(255);
  });

  it('starts a stopped workspace on connect, or refuses with a clear message as the user chose', async () => {
    await dev.post(`/workspaces/${ws.id}/stop`);
    await dev.waitForStatus(ws.id, 'stopped');
    await dev.put('/users/me/ssh-settings', { startsStopped: false });
    const refused = await ssh(ws.name, key, ['echo up']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is stopped; start it first/);
    await dev.put('/users/me/ssh-settings', { startsStopped: true });
    const started = await ssh(ws.name, key, ['echo up']);
    expect(started).toMatchObject({ code: 0, stdout: 'up\n' });
    expect(started.stderr).toMatch(/starting it…[\s\S]*is running/);
  });

  it('an open ssh -L keeps the workspace past its idle limit; once closed, it stops for no activity', async () => {
    const idleTemplate = (
      (
        await admin.post('/templates', {
          name: uniqueName('sshidle'),
          spec: { image: 'berth/busybox:test', idleTimeoutMinutes: 0.1, resources: { cpus: 0.25, memoryMb: 128 } },
        })
      ).body as { id: string }
    ).id;
    const idle = (await dev.post('/workspaces', { name: uniqueName('sshidle'), templateId: idleTemplate })).body as {
      id: string;
      name: string;
    };
    await dev.waitForStatus(idle.id, 'running');
    const tunnel = startCommand('ssh', [
      ...sshOptions(port, key.path, ['-N', '-L', `127.0.0.1:${forwardPort}:127.0.0.1:8000`]),
      `${idle.name}@127.0.0.1`,
    ]);
    try {
      // Three times the 6 s limit with no traffic through the tunnel: the open session alone is use.
      for (let i = 0; i < 9; i++) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        expect(((await dev.get(`/workspaces/${idle.id}`)).body as { status: string }).status).toBe('running');
      }
    } finally {
      tunnel.kill();
    }
    const stopped = await dev.waitForStatus(idle.id, 'stopped', 30_000);
    expect(stopped.stopReason).toMatch(/^idle 0\.1 min: no .*activity/);
  });
});

/** Window changes sent before the shell is attached are applied once it is, before the input after them. */
describe('SSH gateway window changes', () => {
  it('a resize sent right after the PTY request is what stty sees', async () => {
    const admin = await signIn(testAdmin.email, testAdmin.password);
    const { client: dev } = await createDeveloper(admin);
    const key = makeSshKey();
    await dev.post('/users/me/ssh-keys', { name: 'k', publicKey: key.publicKey });
    const templateId = (
      (
        await admin.post('/templates', {
          name: uniqueName('sshwin'),
          spec: { image: 'berth/busybox:test', resources: { cpus: 0.25, memoryMb: 128 } },
        })
      ).body as { id: string }
    ).id;
    const ws = (await dev.post('/workspaces', { name: uniqueName('sshwin'), templateId })).body as {
      id: string;
      name: string;
    };
    await dev.waitForStatus(ws.id, 'running');
    const conn = new ssh2.Client();
    await new Promise<void>((resolve, reject) =>
      conn
        .on('ready', resolve)
        .on('error', reject)
        .connect({
          host: '127.0.0.1',
          port: Number(testEnv().BERTH_SSH_PORT),
          username: ws.name,
          privateKey: fs.readFileSync(key.path),
        }),
    );
    try {
      const output = await new Promise<string>((resolve, reject) => {
        conn.shell({ cols: 100, rows: 30, term: 'xterm' }, (error, stream) => {
          if (error) return reject(error);
          // Sent at once: the exec in the workspace is not attached yet.
          stream.setWindow(40, 120, 0, 0);
          stream.write('/bin/busybox stty size; exit\n');
          let out = '';
          stream.on('data', (d: Buffer) => (out += d.toString()));
          stream.on('close', () => resolve(out));
        });
      });
      expect(output).toMatch(/\r\n40 120\r\n/);
    } finally {
      conn.end();
    }
  });
});
