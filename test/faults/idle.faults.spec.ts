import { ApiClient, createDeveloper, signIn, testAdmin, uniqueName } from '#testing';

/** Idle auto-stop with a short timeout: it fires without activity, records why, and activity postpones it. */
describe('faults: idle auto-stop', () => {
  let dev: ApiClient;
  let templateId: string;
  const timeoutMinutes = 0.1; // 6 s

  beforeAll(async () => {
    const admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev } = await createDeveloper(admin));
    templateId = ((await admin.post('/templates', { name: uniqueName('idle'), spec: { image: 'berth/busybox:test', idleTimeoutMinutes: timeoutMinutes, resources: { cpus: 0.25, memoryMb: 128 } } })).body as { id: string }).id;
  });

  it('stops a workspace nobody uses and says why; the next start clears the reason', async () => {
    const id = ((await dev.post('/workspaces', { name: uniqueName('idle'), templateId })).body as { id: string }).id;
    await dev.waitForStatus(id, 'running');
    const stopped = await dev.waitForStatus(id, 'stopped', 20_000);
    expect(stopped.stopReason).toMatch(/^idle 0\.1 min: no terminal, proxy or exec activity since \d{4}-\d\d-\d\dT/);
    const builds = (await dev.get(`/workspaces/${id}/builds`)).body as { kind: string; status: string }[];
    expect(builds[0]).toMatchObject({ kind: 'stop', status: 'succeeded' });
    await dev.post(`/workspaces/${id}/start`);
    expect(await dev.waitForStatus(id, 'running')).toMatchObject({ stopReason: null });
    await dev.post(`/workspaces/${id}/stop`);
    await dev.waitForStatus(id, 'stopped');
    await dev.delete(`/workspaces/${id}`);
  });

  it('activity postpones the stop; once it ends, the stop follows', async () => {
    const id = ((await dev.post('/workspaces', { name: uniqueName('busy'), templateId })).body as { id: string }).id;
    await dev.waitForStatus(id, 'running');
    for (let i = 0; i < 6; i++) {
      expect((await dev.post(`/workspaces/${id}/activity`)).status).toBe(204);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(((await dev.get(`/workspaces/${id}`)).body as { status: string }).status).toBe('running');
    }
    await dev.waitForStatus(id, 'stopped', 20_000);
    await dev.delete(`/workspaces/${id}`);
  });
});
