import WebSocket from 'ws';
import request from 'supertest';
import { ApiClient, createDeveloper, signIn, testAdmin, testBaseUrl, uniqueName } from '#testing';
import { testEnv } from '../setup/test-env.js';

/** Idle auto-stop with a short timeout: it fires without activity, records why, and activity postpones it. */
describe('faults: idle auto-stop', () => {
  let dev: ApiClient;
  let templateId: string;
  const timeoutMinutes = 0.1; // 6 s

  beforeAll(async () => {
    const admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev } = await createDeveloper(admin));
    templateId = (
      (
        await admin.post('/templates', {
          name: uniqueName('idle'),
          spec: {
            image: 'berth/busybox:test',
            idleTimeoutMinutes: timeoutMinutes,
            resources: { cpus: 0.25, memoryMb: 128 },
          },
        })
      ).body as { id: string }
    ).id;
  });

  it('stops a workspace nobody uses and says why; the next start clears the reason', async () => {
    const id = ((await dev.post('/workspaces', { name: uniqueName('idle'), templateId })).body as { id: string }).id;
    await dev.waitForStatus(id, 'running');
    const stopped = await dev.waitForStatus(id, 'stopped', 20_000);
    expect(stopped.stopReason).toMatch(
      /^idle 0\.1 min: no terminal, SSH, proxy or exec activity since \d{4}-\d\d-\d\dT/,
    );
    const builds = (await dev.get(`/workspaces/${id}/builds`)).body as { kind: string; status: string }[];
    expect(builds[0]).toMatchObject({ kind: 'stop', status: 'succeeded' });
    await dev.post(`/workspaces/${id}/start`);
    expect(await dev.waitForStatus(id, 'running')).toMatchObject({ stopReason: null });
    await dev.post(`/workspaces/${id}/stop`);
    await dev.waitForStatus(id, 'stopped');
    await dev.delete(`/workspaces/${id}`);
  });

  it('proxied port traffic postpones the stop: the stop comes after the last request, and says so', async () => {
    const admin = await signIn(testAdmin.email, testAdmin.password);
    const served = (
      (
        await admin.post('/templates', {
          name: uniqueName('idle-web'),
          spec: {
            image: 'berth/busybox:test',
            idleTimeoutMinutes: timeoutMinutes,
            resources: { cpus: 0.25, memoryMb: 128 },
            ports: [{ port: 8000, name: 'web' }],
            command: ['sh', '-c', 'mkdir -p ~/www && echo up > ~/www/index.html && exec httpd -f -p 8000 -h ~/www'],
          },
        })
      ).body as { id: string }
    ).id;
    const id = ((await dev.post('/workspaces', { name: uniqueName('web'), templateId: served })).body as { id: string })
      .id;
    await dev.waitForStatus(id, 'running'); // `running` promises the port answers
    const startedAt = Date.parse(
      ((await dev.get(`/workspaces/${id}/builds`)).body as { finishedAt: string }[])[0]!.finishedAt,
    );
    // Only proxied requests, for twice the idle timeout.
    // The port lives on its own origin: trade a ticket for the app cookie, as a browser would.
    const open = await dev.get(`/workspaces/${id}/ports/8000/open?path=%2F`);
    expect(open.status).toBe(302);
    const location = new URL(String(open.headers.location));
    const trade = await request(testBaseUrl()).get(`${location.pathname}${location.search}`).set('Host', location.host);
    const cookie = String(trade.headers['set-cookie']).split(';')[0]!;
    let lastSentAt = 0; // taken before sending: the server records the use after this instant
    while (Date.now() - startedAt < 2 * timeoutMinutes * 60_000) {
      lastSentAt = Date.now();
      const page = await request(testBaseUrl()).get('/').set('Host', location.host).set('Cookie', cookie);
      expect(page.status).toBe(200);
      expect(page.text).toBe('up\n');
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const stopped = await dev.waitForStatus(id, 'stopped', 60_000);
    // The stop was decided on the proxied use: idle "since" a moment of that traffic, not since the
    // start, and its build queued after the last request (the order, whatever the machine's speed).
    const since = Date.parse(/since (\S+)$/.exec(stopped.stopReason as string)![1]!);
    const resolution = Number(testEnv().BERTH_ACTIVITY_RESOLUTION_MS);
    expect(since).toBeGreaterThan(startedAt);
    // The last request's use is recorded, or skipped because one was written less than the
    // activity resolution before it (one write per resolution, however busy).
    expect(since).toBeGreaterThanOrEqual(lastSentAt - resolution);
    const [stop] = (await dev.get(`/workspaces/${id}/builds`)).body as { kind: string; queuedAt: string }[];
    expect(stop!.kind).toBe('stop');
    expect(Date.parse(stop!.queuedAt)).toBeGreaterThan(lastSentAt);
    await dev.delete(`/workspaces/${id}`);
  });

  // Each kind of use in turn, over twice the timeout: terminal input, a script's exec, the portal's "keep it running".
  it('terminal input, exec and the keep-alive each postpone the stop; once use ends, the stop follows', async () => {
    const id = ((await dev.post('/workspaces', { name: uniqueName('busy'), templateId })).body as { id: string }).id;
    await dev.waitForStatus(id, 'running');
    const terminal = new WebSocket(`${dev.baseUrl.replace('http', 'ws')}/api/v1/workspaces/${id}/terminal`, {
      headers: { Authorization: `Bearer ${dev.token}` },
    });
    await new Promise((resolve, reject) => terminal.once('open', resolve).once('error', reject));
    const uses = [
      (): Promise<void> => {
        terminal.send(JSON.stringify({ type: 'input', data: 'true\n' }));
        return Promise.resolve();
      },
      async (): Promise<void> =>
        expect((await dev.post(`/workspaces/${id}/exec`, { command: ['true'] })).status).toBe(200),
      async (): Promise<void> => expect((await dev.post(`/workspaces/${id}/activity`)).status).toBe(204),
    ];
    for (let i = 0; i < 6; i++) {
      await uses[i % uses.length]!();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(((await dev.get(`/workspaces/${id}`)).body as { status: string }).status).toBe('running');
    }
    terminal.close();
    const stopped = await dev.waitForStatus(id, 'stopped', 20_000);
    expect(stopped.stopReason).toMatch(/^idle 0\.1 min/);
    await dev.delete(`/workspaces/${id}`);
  });
});
