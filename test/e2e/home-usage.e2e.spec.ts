import { ApiClient, containersOf, dockerExec, TestContext, testDocker, uniqueName, volumesOf, waitFor } from '#testing';

interface HomeView {
  status: string;
  lastError: string | null;
  home: { usageBytes: number | null; measuredAt: string | null; limitState: string | null };
}

const MIB = 1024 * 1024;

/** Frees space the way an admin would: a busybox container with the volume, outside the workspace. */
async function removeOnVolume(volume: string, path: string): Promise<void> {
  const container = await testDocker().createContainer({
    Image: 'berth/busybox:test',
    Cmd: ['rm', '-f', `/v/${path}`],
    User: '0',
    HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: '/v' }], NetworkMode: 'none' },
  });
  await container.start();
  await container.wait();
  await container.remove({ force: true });
}

/** Home volume usage: measured with Berth's own tool, shown per workspace and per user, soft and hard limits. */
describe('home volume usage and limits (real Docker)', () => {
  let ctx: TestContext;
  let admin: ApiClient;
  let dev: ApiClient;

  beforeAll(async () => {
    ctx = await TestContext.create();
    admin = ctx.admin;
    ({ client: dev } = await ctx.newUser());
  });

  it('refuses a soft limit above the hard one, naming the field', async () => {
    const res = await admin.post('/templates', {
      name: uniqueName('home-bad'),
      spec: { image: 'berth/busybox:test', homeLimits: { softMb: 10, hardMb: 5 } },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'spec.homeLimits.softMb' });
  });

  it('shows usage per workspace and per user; over the soft limit warns, over the hard limit cannot start', async () => {
    const { id: templateId } = await ctx.newTemplate({ homeLimits: { softMb: 1, hardMb: 3 } }, { prefix: 'home' });
    const { id } = await ctx.newWorkspace({ owner: dev, templateId, prefix: 'home', status: 'running' });
    const container = (await containersOf(id))[0]!.Id;
    await dockerExec(container, ['sh', '-c', 'dd if=/dev/zero of=$HOME/two bs=1024 count=2048 2>/dev/null']);

    const soft = await waitFor(
      async () => (await dev.get(`/workspaces/${id}`)).body as HomeView,
      (w) => w.home.limitState === 'soft',
      'the usage to be measured over the soft limit',
      30_000,
      250,
    );
    expect(soft.home.usageBytes).toBeGreaterThanOrEqual(2 * MIB);
    const me = (await dev.get('/users/me')).body as { quota: { homeUsageBytes: number } };
    expect(me.quota.homeUsageBytes).toBeGreaterThanOrEqual(2 * MIB);

    await dockerExec(container, ['sh', '-c', 'dd if=/dev/zero of=$HOME/more bs=1024 count=2048 2>/dev/null']);
    await dev.post(`/workspaces/${id}/stop`);
    await dev.waitForStatus(id, 'stopped');
    await dev.post(`/workspaces/${id}/start`);
    const failed = (await dev.waitForStatus(id, 'failed')) as unknown as HomeView;
    expect(failed.lastError).toMatch(
      /^the home volume uses 4\.\d MiB, over the template's hard limit of 3 MiB: it cannot start until it is under again/,
    );
    expect(failed.home.limitState).toBe('hard');

    // Under the hard limit again (space freed outside the workspace): it starts.
    const [volume] = await volumesOf(id);
    await removeOnVolume(volume!.Name, 'more');
    await dev.post(`/workspaces/${id}/start`);
    await dev.waitForStatus(id, 'running');
    await dev.delete(`/workspaces/${id}`);
  });
});
