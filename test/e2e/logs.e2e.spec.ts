import { spawn, type ChildProcess } from 'node:child_process';
import { exited, signIn, testAdmin, uniqueName, waitFor, type ApiClient } from '#testing';
import { startLab, type Lab } from '../setup/fault-lab.js';

/**
 * Logs as `npm run up` prints them (scripts/up.sh, run for real on a Berth of this suite's own):
 * JSON lines through a pipe, where every line of a workspace transition carries the workspace
 * and build ids in both the API and the worker; pretty, colourised short lines on a terminal
 * (a pty made by util-linux `script`), starting quietly.
 */
describe('logs of npm run up', () => {
  let lab: Lab;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    lab = await startLab({ name: 'logs' });
    env = { ...process.env, ...lab.env, BERTH_WORKER_METRICS_PORT: '0', LOG_LEVEL: 'info' };
    for (const key of Object.keys(env))
      if (key.startsWith('BERTH_OIDC_') || key === 'BERTH_LOG_FORMAT') delete env[key];
  });
  afterAll(() => lab?.teardown());

  /** Collects a child's output; resolves `until` once the text contains `marker`. */
  const collect = (child: ChildProcess): { text: () => string; until: (marker: string) => Promise<unknown> } => {
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (out += c.toString()));
    return {
      text: () => out,
      until: (marker) =>
        waitFor(
          () => {
            if (child.exitCode !== null) throw new Error(`up.sh exited early:\n${out.slice(-3000)}`);
            return Promise.resolve(out.includes(marker));
          },
          Boolean,
          `"${marker}" from npm run up`,
          240_000,
          200,
        ),
    };
  };

  it('through a pipe: JSON lines; a transition carries the workspace and build ids in API and worker', async () => {
    const up = spawn('bash', ['scripts/up.sh'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stdout: string[] = [];
    let partial = '';
    up.stdout.on('data', (c: Buffer) => {
      const lines = (partial + c.toString()).split('\n');
      partial = lines.pop()!;
      stdout.push(...lines);
    });
    const out = collect(up);
    try {
      await out.until('press Ctrl-C to stop');
      const admin: ApiClient = await signIn(testAdmin.email, testAdmin.password, lab.berth.baseUrl);
      const template = await admin.post('/templates', {
        name: uniqueName('logs'),
        spec: { image: 'berth/busybox:test', resources: { cpus: 0.25, memoryMb: 128 } },
      });
      const created = await admin.post('/workspaces', { name: 'l1', templateId: (template.body as { id: string }).id });
      const id = (created.body as { id: string }).id;
      await admin.waitForStatus(id, 'running');
      const [build] = (await admin.get(`/workspaces/${id}/builds`)).body as { id: string }[];

      const records = await waitFor(
        () =>
          Promise.resolve(stdout.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>)),
        (rs) => rs.some((r) => r.service === 'worker' && r.workspaceId === id && /succeeded/.test(String(r.msg))),
        'the worker to log the end of the start',
        30_000,
        200,
      );
      const ofBuild = records.filter((r) => r.workspaceId === id);
      expect(ofBuild.every((r) => r.buildId === build!.id)).toBe(true);
      expect(ofBuild.filter((r) => r.service === 'api').map((r) => r.msg)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/queued/),
          expect.stringMatching(/^POST \/api\/v1\/workspaces 202/),
        ]),
      );
      expect(ofBuild.filter((r) => r.service === 'worker').length).toBeGreaterThanOrEqual(2);
      // Every log line that names the build carries both ids as fields, in either process.
      const naming = records.filter((r) => String(r.msg).includes(build!.id));
      expect(naming.length).toBeGreaterThan(0);
      expect(naming.every((r) => r.workspaceId === id && r.buildId === build!.id)).toBe(true);
    } finally {
      process.kill(-up.pid!, 'SIGINT');
      await exited(up);
    }
  });

  it('on a terminal: pretty colourised lines, one per service, then the "Berth is up" block', async () => {
    const up = spawn('script', ['-qfec', 'bash scripts/up.sh', '/dev/null'], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out = collect(up);
    try {
      await out.until('press Ctrl-C to stop');
      // Let the worker's "ready" line through if it comes after the API's.
      await waitFor(
        () => Promise.resolve(out.text().includes('berth worker ready')),
        Boolean,
        'the worker',
        30_000,
        200,
      );
    } finally {
      up.stdin.write('\x03'); // Ctrl-C, as a person would press it
      await exited(up);
    }
    const text = out.text();
    expect(text).toMatch(/\x1b\[\d+m/); // colour
    const plain = text.replace(/\x1b\[[0-9;]*m/g, '').split(/\r?\n/);
    expect(plain.filter((l) => l.startsWith('{'))).toEqual([]);
    const serviceLines = plain.filter((l) => /^\[?\d\d:\d\d:\d\d/.test(l));
    expect(serviceLines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/INFO.*api.*: berth api listening on http:\/\/127\.0\.0\.1:\d+/),
        expect.stringMatching(/INFO.*worker.*: berth worker ready/),
      ]),
    );
    const upLine = plain.findIndex((l) => l.includes('berth: Berth is up'));
    expect(upLine).toBeGreaterThan(-1);
    // Quiet: no route map or module list, and nothing but the two services' lines before the block.
    expect(text).not.toMatch(/RouterExplorer|RoutesResolver|InstanceLoader|Mapped \{/);
    expect(serviceLines.filter((l) => plain.indexOf(l) < upLine).length).toBeLessThanOrEqual(2);
  });
});
