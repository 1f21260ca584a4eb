import WebSocket from 'ws';
import { ApiClient, TestContext, testBaseUrl, testDocker, volumesOf } from '#testing';

/** Runs a shell command in a busybox container with the workspace's volume at /v (outside the workspace). */
async function onVolume(volume: string, script: string): Promise<string> {
  const container = await testDocker().createContainer({
    Image: 'berth/busybox:test',
    Cmd: ['sh', '-c', script],
    User: '0',
    Tty: true,
    HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: '/v' }], NetworkMode: 'none' },
  });
  try {
    await container.start();
    await container.wait();
    return (await container.logs({ stdout: true, stderr: true })).toString('utf8').replace(/\r/g, '');
  } finally {
    await container.remove({ force: true });
  }
}

/** The terminal's refusal: HTTP status and problem detail. */
function refusedTerminal(workspaceId: string, token: string): Promise<{ status?: number; body: string }> {
  const url = `${testBaseUrl().replace('http', 'ws')}/api/v1/workspaces/${workspaceId}/terminal`;
  return new Promise((resolve) => {
    const ws = new WebSocket(url, {
      headers: { Authorization: `Bearer ${token}`, Origin: new URL(testBaseUrl()).origin },
    });
    ws.on('open', () => {
      ws.close();
      resolve({ body: 'opened' });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    ws.on('error', () => undefined);
  });
}

/**
 * Berth's plumbing needs nothing from the template's image: berth/static:test holds one static
 * binary (/tini) and nothing else — no shell, no coreutils, no /etc/passwd.
 */
describe('a minimal image with one static binary (real Docker)', () => {
  let ctx: TestContext;
  let dev: ApiClient;

  const template = async (spec: Record<string, unknown>): Promise<string> =>
    (await ctx.newTemplate(spec, { prefix: 'minimal' })).id;

  beforeAll(async () => {
    ctx = await TestContext.create();
    ({ client: dev } = await ctx.newUser());
  });

  it('reaches running with a persistent home owned by the template user; its terminal fails clearly', async () => {
    const templateId = await template({ image: 'berth/static:test', user: '1234:2345', homePath: '/home/dev' });
    const { id } = await ctx.newWorkspace({ owner: dev, templateId, prefix: 'static', status: 'running' });
    const [volume] = await volumesOf(id);
    expect(await onVolume(volume!.Name, 'stat -c %u:%g /v; echo kept > /v/file')).toBe('1234:2345\n');

    await dev.post(`/workspaces/${id}/stop`);
    await dev.waitForStatus(id, 'stopped');
    await dev.post(`/workspaces/${id}/start`);
    await dev.waitForStatus(id, 'running');
    expect(await onVolume(volume!.Name, 'stat -c %u:%g /v; cat /v/file')).toBe('1234:2345\nkept\n');

    const terminal = await refusedTerminal(id, dev.token);
    expect(terminal.status).toBe(409);
    expect(terminal.body).toContain("this workspace's image has no shell (sh), so it has no terminal");
    await dev.delete(`/workspaces/${id}`);
  });

  it('fails the start naming what the template names but the image lacks: its command, its scripts’ sh', async () => {
    const noCommand = await template({ image: 'berth/static:test', command: ['/usr/bin/server', '--port', '80'] });
    const { id: a } = await ctx.newWorkspace({ owner: dev, templateId: noCommand, prefix: 'nocmd' });
    expect((await dev.waitForStatus(a, 'failed')).lastError).toContain(
      "the template's command /usr/bin/server is not in the image",
    );

    const noShell = await template({ image: 'berth/static:test', startScript: 'echo hi' });
    const { id: b } = await ctx.newWorkspace({ owner: dev, templateId: noShell, prefix: 'nosh' });
    expect((await dev.waitForStatus(b, 'failed')).lastError).toBe(
      "startScript needs sh to run, and the template's image has no sh",
    );
    await dev.delete(`/workspaces/${a}`);
    await dev.delete(`/workspaces/${b}`);
  });
});
