import { testEnv } from '../setup/test-env.js';
import WebSocket from 'ws';
import { ApiClient, containersOf, dockerExec, TestContext, testBaseUrl, waitFor } from '#testing';

/** Opens the terminal WebSocket; resolves with the socket or the HTTP status of the refusal. */
function openTerminal(
  workspaceId: string,
  headers: Record<string, string>,
): Promise<{ ws?: WebSocket; status?: number; output: () => string }> {
  const url = `${testBaseUrl().replace('http', 'ws')}/api/v1/workspaces/${workspaceId}/terminal?cols=100&rows=30`;
  let output = '';
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('message', (data: Buffer) => (output += data.toString()));
    ws.on('open', () => resolve({ ws, output: () => output }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode, output: () => output }));
    ws.on('error', () => undefined);
  });
}

/** Reaching inside a workspace: terminal, exec, proxied ports, resource use — only for its owner. */
describe('workspace access: terminal, ports, stats (real Docker)', () => {
  let ctx: TestContext;
  let admin: ApiClient;
  let owner: ApiClient;
  let stranger: ApiClient;
  let workspaceId: string;
  const origin = new URL(testBaseUrl()).origin;

  beforeAll(async () => {
    ctx = await TestContext.create();
    admin = ctx.admin;
    ({ client: owner } = await ctx.newUser());
    ({ client: stranger } = await ctx.newUser());
    const { id: templateId } = await ctx.newTemplate(
      {
        ports: [{ port: 8000, name: 'web' }],
        command: [
          'sh',
          '-c',
          'mkdir -p ~/www/docs && echo "hello from the workspace" > ~/www/docs/index.html && exec httpd -f -p 8000 -h ~/www',
        ],
      },
      { prefix: 'access' },
    );
    ({ id: workspaceId } = await ctx.newWorkspace({ owner, templateId, prefix: 'inside', status: 'running' }));
  });

  afterAll(() => ctx.cleanup());

  it('the terminal runs a shell as the template user in the home directory, and counts as activity', async () => {
    expect((await owner.get(`/workspaces/${workspaceId}`)).body).toMatchObject({ lastActivityAt: null });
    const { ws, output } = await openTerminal(workspaceId, { Authorization: `Bearer ${owner.token}`, Origin: origin });
    expect(ws).toBeDefined();
    ws!.send(JSON.stringify({ type: 'resize', cols: 120, rows: 40 }));
    ws!.send(JSON.stringify({ type: 'input', data: 'echo hi > ~/f && cat ~/f && id -u && pwd && stty size\n' }));
    await waitFor(
      () => Promise.resolve(output()),
      (o) => /hi\r?\n1000\r?\n\/home\/dev\r?\n40 120/.test(o),
      'the shell to answer',
      10_000,
      50,
    );
    ws!.close();
    expect(await dockerExec((await containersOf(workspaceId))[0]!.Id, ['cat', '/home/dev/f'])).toBe('hi\n');
    const { lastActivityAt } = (await owner.get(`/workspaces/${workspaceId}`)).body as { lastActivityAt: string };
    expect(Date.now() - Date.parse(lastActivityAt)).toBeLessThan(60_000);
  });

  it('exec runs a command as the template user in the home directory for a script, and counts as activity', async () => {
    const before = ((await owner.get(`/workspaces/${workspaceId}`)).body as { lastActivityAt: string }).lastActivityAt;
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.BERTH_ACTIVITY_RESOLUTION_MS ?? 1000) + 100));
    const ran = await owner.post(`/workspaces/${workspaceId}/exec`, {
      command: ['sh', '-c', 'id -u; pwd; echo oops >&2; exit 3'],
    });
    expect(ran.status).toBe(200);
    expect(ran.body).toEqual({ exitCode: 3, stdout: '1000\n/home/dev\n', stderr: 'oops\n', truncated: false });
    const after = ((await owner.get(`/workspaces/${workspaceId}`)).body as { lastActivityAt: string }).lastActivityAt;
    expect(Date.parse(after)).toBeGreaterThan(Date.parse(before));

    expect((await owner.post(`/workspaces/${workspaceId}/exec`, { command: [] })).status).toBe(400);
    expect(
      (await owner.post(`/workspaces/${workspaceId}/exec`, { command: ['true'], timeoutSeconds: 601 })).status,
    ).toBe(400);
    expect((await stranger.post(`/workspaces/${workspaceId}/exec`, { command: ['true'] })).status).toBe(404);
  });

  it('audits terminal sessions when they open and when they close', async () => {
    const { ws } = await openTerminal(workspaceId, { Authorization: `Bearer ${owner.token}`, Origin: origin });
    expect(ws).toBeDefined();
    ws!.close();
    const actions = await waitFor(
      async () =>
        (
          (await admin.get(`/audit?action=terminal.*&targetId=${workspaceId}`)).body as { events: { action: string }[] }
        ).events.map((e) => e.action),
      (a) => a.includes('terminal.open') && a.includes('terminal.close'),
      'terminal.open and terminal.close in the audit log',
    );
    expect(actions).toEqual(expect.arrayContaining(['terminal.open', 'terminal.close']));
  });

  it('refuses the terminal to a foreign Origin, to no credentials, and to another developer', async () => {
    expect(
      (await openTerminal(workspaceId, { Authorization: `Bearer ${owner.token}`, Origin: 'https://evil.example' }))
        .status,
    ).toBe(403);
    expect((await openTerminal(workspaceId, { Origin: origin })).status).toBe(401);
    expect(
      (await openTerminal(workspaceId, { Authorization: `Bearer ${stranger.token}`, Origin: origin })).status,
    ).toBe(404);
  });

  it('reports CPU and memory of a running workspace (and running: false with zeros when it is not)', async () => {
    const stats = await owner.get(`/workspaces/${workspaceId}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({
      running: true,
      cpuPercent: expect.any(Number) as number,
      memoryBytes: expect.any(Number) as number,
      memoryLimitBytes: 2048 * 1024 * 1024,
    });
    expect((await stranger.get(`/workspaces/${workspaceId}/stats`)).status).toBe(404);
    await owner.post(`/workspaces/${workspaceId}/stop`);
    await owner.waitForStatus(workspaceId, 'stopped');
    expect((await owner.get(`/workspaces/${workspaceId}/stats`)).body).toEqual({
      running: false,
      cpuPercent: 0,
      memoryBytes: 0,
      memoryLimitBytes: 0,
    });
  });

  it('shows queue and engine health to admins', async () => {
    const res = await admin.get('/admin/system');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      queues: {
        'workspace-lifecycle': { waiting: expect.any(Number) as number },
        'template-builds': { failed: expect.any(Number) as number },
      },
      docker: { serverVersion: expect.any(String) as string },
      runtime: { kind: testEnv().BERTH_RUNTIME, serverVersion: expect.any(String) as string },
    });
  });
});
