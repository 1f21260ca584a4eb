import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiClient, createDeveloper, signIn, testAdmin, testBaseUrl, uniqueName } from '#testing';
import { CLI, expectOneLineError, run, type Run } from './cli-runner.js';

const ONBOARD = fileURLToPath(new URL('../../../examples/onboard.sh', import.meta.url));

describe('berth CLI against the real server', () => {
  let admin: ApiClient;
  let dev: ApiClient;
  let home: string;
  let templateName: string;
  let templateFile: string;
  const berth = (args: string[], env: Record<string, string | undefined> = {}): Promise<Run> =>
    run(process.execPath, [CLI, ...args], { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), ...env });

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev } = await createDeveloper(admin));
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cli-'));
    templateName = uniqueName('cli');
    templateFile = path.join(home, 'template.json');
    fs.writeFileSync(
      templateFile,
      JSON.stringify({
        name: templateName,
        description: 'kept as code',
        spec: { image: 'berth/busybox:test', resources: { cpus: 0.25, memoryMb: 128 } },
      }),
    );
  });

  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it('login keeps the URL and token in a mode 600 file; BERTH_TOKEN overrides it', async () => {
    const r = await berth(['login', '--url', testBaseUrl(), '--token', admin.token, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ email: testAdmin.email, role: 'admin' });
    const file = path.join(home, '.config', 'berth', 'credentials.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const asDev = await berth(['ws', 'ls', '--json'], { BERTH_TOKEN: dev.token });
    expect(asDev.code).toBe(0);
    expect(JSON.parse(asDev.stdout)).toEqual([]);
  });

  it('templates apply twice: created, then unchanged with no new version; diff shows a change', async () => {
    const first = await berth(['templates', 'apply', '-f', templateFile, '--json']);
    expect(first.code).toBe(0);
    const created = JSON.parse(first.stdout) as { action: string; template: { id: string } };
    expect(created.action).toBe('created');
    const second = await berth(['templates', 'apply', '-f', templateFile, '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ action: 'unchanged', version: 1 });
    expect((await admin.get(`/templates/${created.template.id}/versions`)).body).toHaveLength(1);

    const changed = path.join(home, 'changed.json');
    const spec = { image: 'berth/busybox:test', env: { EDITOR: 'vi' }, resources: { cpus: 0.25, memoryMb: 128 } };
    fs.writeFileSync(changed, JSON.stringify({ name: templateName, spec }));
    const diff = await berth(['templates', 'diff', '-f', changed]);
    expect(diff.stdout).toContain('~ env.EDITOR: undefined -> "vi"');
    const list = await berth(['templates', 'ls']);
    expect(list.stdout).toContain(templateName);
  });

  it('ws create --wait shows the start stage by stage, exec passes the exit status through, rm removes it', async () => {
    const name = uniqueName('cli');
    const created = await berth(['ws', 'create', name, '--template', templateName, '--wait'], {
      BERTH_TOKEN: dev.token,
    });
    expect(created.code).toBe(0);
    expect(created.stdout.trim()).toBe(`${name}: created, running`);
    // Not a TTY: plain lines, in order.
    const timeline = created.stderr.split('\n');
    expect(timeline).toContain('status running');
    expect(timeline.some((l) => /^stage \S+: \d+ ms$/.test(l))).toBe(true);
    expect(timeline.indexOf('status running')).toBeGreaterThan(timeline.findIndex((l) => l.startsWith('stage ')));

    const env = { BERTH_TOKEN: dev.token };
    const ok = await berth(['ws', 'exec', name, '--', 'echo', 'hello from berth'], env);
    expect(ok).toMatchObject({ code: 0, stdout: 'hello from berth\n' });
    const seven = await berth(['ws', 'exec', name, '--', 'sh', '-c', 'echo oops >&2; exit 7'], env);
    expect(seven.code).toBe(7);
    expect(seven.stderr).toBe('oops\n');
    const json = await berth(['--json', 'ws', 'exec', name, '--', 'sh', '-c', 'exit 3'], env);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ exitCode: 3 });

    // `berth shell`: the terminal WebSocket; here stdin is a pipe, so no raw mode, same stream.
    const shell = await run(
      process.execPath,
      [CLI, 'shell', name],
      { HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), ...env },
      'echo "shell says $((6 * 7))"; exit\n',
    );
    expect(shell.code).toBe(0);
    expect(shell.stdout).toContain('shell says 42');

    const shown = JSON.parse((await berth(['ws', 'show', name, '--json'], env)).stdout) as { status: string };
    expect(shown.status).toBe('running');
    const listed = JSON.parse((await berth(['ws', 'ls', '--json'], env)).stdout) as { name: string }[];
    expect(listed.map((w) => w.name)).toEqual([name]);
    const logs = await berth(['ws', 'logs', name], env);
    expect(logs.stdout).toMatch(/system stage /);

    // The same name again: 409 is exit 3 (with --exist-ok it is success, for scripts run twice).
    const again = await berth(['ws', 'create', name, '--template', templateName], env);
    expect(again.code).toBe(3);
    expectOneLineError(again);
    const existOk = await berth(['ws', 'create', name, '--template', templateName, '--exist-ok', '--json'], env);
    expect(existOk.code).toBe(0);
    expect(JSON.parse(existOk.stdout)).toMatchObject({ name, existed: true });

    const removed = await berth(['ws', 'rm', name, '--wait', '--json'], env);
    expect(removed.code).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ name, status: 'deleted' });
    const gone = await berth(['ws', 'show', name], env);
    expect(gone.code).toBe(2);
  });

  it('exit codes: 1 usage, 2 not found, 4 auth, 5 unreachable; one line each, JSON with --json', async () => {
    const usage = await berth(['ws', 'frobnicate']);
    expect(usage.code).toBe(1);
    const missingOption = await berth(['ws', 'create', 'x']);
    expect(missingOption.code).toBe(1);
    const notFound = await berth(['ws', 'show', 'no-such-workspace']);
    expect(notFound.code).toBe(2);
    expectOneLineError(notFound);
    const badToken = await berth(['ws', 'ls'], { BERTH_TOKEN: 'berth_not-a-real-token' });
    expect(badToken.code).toBe(4);
    expect(badToken.stderr).toMatch(/^berth: not signed in/);
    const forbidden = await berth(['users', 'ls'], { BERTH_TOKEN: dev.token });
    expect(forbidden.code).toBe(4);
    expectOneLineError(forbidden);
    const unreachable = await berth(['ws', 'ls', '--json'], { BERTH_URL: 'http://127.0.0.1:9' });
    expect(unreachable.code).toBe(5);
    const problem = JSON.parse(unreachable.stderr) as { exitCode: number; error: string };
    expect(problem.exitCode).toBe(5);
    expect(problem.error).toMatch(/cannot reach/);
    const invalid = await berth(['tokens', 'create', 'x', '--expires-in-days', '0']);
    expect(invalid.code).toBe(1);
    expectOneLineError(invalid);
  });

  it('tokens create, ls and revoke; completion scripts for bash and zsh', async () => {
    const made = JSON.parse((await berth(['tokens', 'create', 'cli-test', '--json'])).stdout) as { id: string };
    expect((await berth(['tokens', 'ls'])).stdout).toContain('cli-test');
    expect((await berth(['tokens', 'revoke', made.id])).code).toBe(0);
    expect((await berth(['tokens', 'revoke', made.id])).code).toBe(2);
    const bash = await berth(['completion', 'bash']);
    expect(bash.stdout).toContain('complete -F _berth berth');
    expect(bash.stdout).toMatch(/ws\) words="[^"]*\bcreate\b/);
    expect((await run('bash', ['-n', '-c', bash.stdout], { HOME: home })).code).toBe(0);
    const zsh = await berth(['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^#compdef berth/);
  });

  it('examples/onboard.sh: the first run sets every hire up, the second changes nothing', async () => {
    const csv = path.join(home, 'hires.csv');
    const hires = [uniqueName('ana'), uniqueName('ben')].map((n) => `${n}@berth.test`);
    fs.writeFileSync(
      csv,
      `email,name,role,workspace\n${hires[0]},Ana Example,developer,dev\n${hires[1]},,developer,\n`,
    );
    const tokens = path.join(home, 'tokens');
    const env = {
      BERTH: `${process.execPath} ${CLI}`,
      BERTH_URL: testBaseUrl(),
      BERTH_TOKEN: admin.token,
    };
    const first = await run('bash', [ONBOARD, csv, templateName, tokens], { HOME: home, ...env });
    expect(first.stderr).not.toMatch(/\n\s+at /);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/onboard: 2 hire\(s\), 6 change\(s\)/);
    const users = (await admin.get('/users')).body as { id: string; email: string }[];
    for (const email of hires) {
      const token = fs.readFileSync(path.join(tokens, `${email}.token`), 'utf8').trim();
      expect(fs.statSync(path.join(tokens, `${email}.token`)).mode & 0o777).toBe(0o600);
      const owner = users.find((u) => u.email === email)!;
      const theirs = (await new ApiClient(token).get('/workspaces')).body as { name: string; ownerId: string }[];
      expect(theirs).toEqual([expect.objectContaining({ name: 'dev', ownerId: owner.id })]);
    }
    // Only the hires' own: other suites create and delete at the same time.
    const counts = async (): Promise<unknown[]> => {
      const all = (await admin.get('/users')).body as { email: string }[];
      const workspaces = await Promise.all(
        hires.map(async (email) => (await admin.get(`/workspaces?owner=${email}`)).body as { id: string }[]),
      );
      return [all.filter((u) => hires.includes(u.email)).length, workspaces.map((w) => w.map((x) => x.id))];
    };
    const before = await counts();

    const second = await run('bash', [ONBOARD, csv, templateName, tokens], { HOME: home, ...env });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(
      'onboard: nothing to do: all 2 hire(s) already have an account, a token and a workspace',
    );
    expect(await counts()).toEqual(before);
  });
});
