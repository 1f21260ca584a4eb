import {
  ApiClient,
  containersOf,
  createDeveloper,
  dockerExec,
  signIn,
  testAdmin,
  testDocker,
  typedBody,
  typedList,
  uniqueName,
} from '#testing';

/** Scripts (init once, start every time) and developer parameters, against real containers. */
describe('template scripts and parameters (real Docker)', () => {
  let admin: ApiClient;
  let dev: ApiClient;

  const template = async (spec: object): Promise<string> => {
    const res = await admin.post('/templates', { name: uniqueName('tsp'), spec });
    expect(res.status).toBe(201);
    return typedBody(res, 'Template').id;
  };
  const container = async (id: string): Promise<string> => (await containersOf(id))[0]!.Id;

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev } = await createDeveloper(admin));
  });

  it('initScript runs once across stop/start and rebuild (again only when asked); startScript runs at every start, as the template user', async () => {
    const templateId = await template({
      image: 'berth/busybox:test',
      initScript: 'echo "init as $(id -u)" >> ~/.init-runs',
      startScript: 'echo start >> ~/.start-runs',
    });
    const { id } = typedBody(await dev.post('/workspaces', { name: uniqueName('scripts'), templateId }), 'Workspace');
    await dev.waitForStatus(id, 'running');
    await dev.post(`/workspaces/${id}/stop`);
    await dev.waitForStatus(id, 'stopped');
    await dev.post(`/workspaces/${id}/start`);
    await dev.waitForStatus(id, 'running');
    await dev.post(`/workspaces/${id}/rebuild`);
    await dev.waitForStatus(id, 'running');
    expect(await dockerExec(await container(id), ['sh', '-c', 'cat ~/.init-runs; wc -l < ~/.start-runs'])).toBe(
      'init as 1000\n3\n',
    );

    expect((await dev.post(`/workspaces/${id}/rebuild`, { reinitialize: true })).status).toBe(202);
    await dev.waitForStatus(id, 'running');
    expect(await dockerExec(await container(id), ['sh', '-c', 'wc -l < ~/.init-runs; wc -l < ~/.start-runs'])).toBe(
      '2\n4\n',
    );
    await dev.delete(`/workspaces/${id}`);
  });

  it('a failing initScript fails the start with its exit code and last lines', async () => {
    const templateId = await template({
      image: 'berth/busybox:test',
      initScript: 'echo cloning dotfiles; echo "fatal: repository not found" >&2; exit 128',
    });
    const { id } = typedBody(await dev.post('/workspaces', { name: uniqueName('badinit'), templateId }), 'Workspace');
    const failed = await dev.waitForStatus(id, 'failed');
    expect(failed.lastError).toMatch(/^initScript exited with code 128: .*fatal: repository not found/);
    const builds = typedList(await dev.get(`/workspaces/${id}/builds`), 'Build');
    expect(builds[0]).toMatchObject({ status: 'failed', errorCode: 'script_failed' });
    await dev.delete(`/workspaces/${id}`);
  });

  describe('parameters', () => {
    let templateId: string;

    beforeAll(async () => {
      templateId = await template({
        image: 'berth/busybox:test',
        parameters: [
          { name: 'cpus', kind: 'number', min: 1, max: 4, default: 2 },
          { name: 'memoryMb', kind: 'number', min: 512, max: 8192, default: 1024 },
          {
            name: 'DOTFILES_REPO',
            kind: 'choice',
            options: ['https://git.example/team/dotfiles', 'https://git.example/me/dotfiles'],
            default: 'https://git.example/team/dotfiles',
          },
          { name: 'env', kind: 'env', namePattern: '^MY_[A-Z_]+$', maxEntries: 5 },
        ],
      });
    });

    it.each([
      [{ cpus: 5 }, 'parameters.cpus'],
      [{ cpus: 0.5 }, 'parameters.cpus'],
      [{ memoryMb: 256 }, 'parameters.memoryMb'],
      [{ memoryMb: '4096' }, 'parameters.memoryMb'],
      [{ DOTFILES_REPO: 'https://evil.example/dotfiles' }, 'parameters.DOTFILES_REPO'],
      [{ env: { PATH: '/evil' } }, 'parameters.env'],
      [{ gpus: 1 }, 'parameters.gpus'],
    ])('refuses %j with 400 naming %s, creating nothing', async (parameters, field) => {
      const name = uniqueName('param');
      const res = await dev.post('/workspaces', { name, templateId, parameters });
      expect(res.status).toBe(400);
      expect(typedBody(res, 'Problem').field).toMatch(new RegExp(`^${field.replace('.', '\\.')}`));
      expect(typedList(await dev.get('/workspaces'), 'Workspace').map((w) => w.name)).not.toContain(name);
    });

    it('values inside the bounds reach the container (limits and env); defaults fill the rest', async () => {
      const res = await dev.post('/workspaces', {
        name: uniqueName('param'),
        templateId, // 1.5 of the 2 CPUs this machine has: Docker refuses a limit above the host's count.
        parameters: {
          cpus: 1.5,
          memoryMb: 4096,
          DOTFILES_REPO: 'https://git.example/me/dotfiles',
          env: { MY_EDITOR: 'vi' },
        },
      });
      expect(res.status).toBe(202);
      const { id } = typedBody(res, 'Workspace');
      expect(res.body).toMatchObject({
        parameters: {
          cpus: 1.5,
          memoryMb: 4096,
          DOTFILES_REPO: 'https://git.example/me/dotfiles',
          env: { MY_EDITOR: 'vi' },
        },
      });
      await dev.waitForStatus(id, 'running');
      const info = await testDocker()
        .getContainer(await container(id))
        .inspect();
      expect(info.HostConfig).toMatchObject({ NanoCpus: 1.5e9, Memory: 4096 * 1024 * 1024 });
      expect(info.Config.Env).toEqual(
        expect.arrayContaining(['DOTFILES_REPO=https://git.example/me/dotfiles', 'MY_EDITOR=vi']),
      );

      const defaults = await dev.post('/workspaces', { name: uniqueName('param'), templateId });
      expect(defaults.body).toMatchObject({
        parameters: { cpus: 2, memoryMb: 1024, DOTFILES_REPO: 'https://git.example/team/dotfiles' },
      });
      await dev.waitForStatus(typedBody(defaults, 'Workspace').id, 'running');
      await dev.delete(`/workspaces/${id}`);
      await dev.delete(`/workspaces/${typedBody(defaults, 'Workspace').id}`);
    });
  });

  describe('spec validation', () => {
    it('lint answers every problem at once without storing anything', async () => {
      const res = await admin.post('/templates/validate', {
        spec: { image: 'Bad Image', homePath: '/etc', ports: [{ port: 0, name: 'x' }], resources: { memoryMb: 1 } },
      });
      expect(res.status).toBe(200);
      const problems = typedBody(res, 'SpecValidation')
        .problems.map((p) => p.field)
        .sort();
      expect(res.body).toMatchObject({ valid: false });
      expect(problems).toEqual(['spec.homePath', 'spec.image', 'spec.ports.0.port', 'spec.resources.memoryMb']);
      expect((await admin.post('/templates/validate', { spec: { image: 'berth/busybox:test' } })).body).toEqual({
        valid: true,
        problems: [],
      });
    });

    it.each([
      [{ image: 'evil/miner:latest' }, 'spec.image', /not in the allowlist/],
      [
        { build: { dockerfile: 'FROM berth/busybox:test AS base\nFROM evil/miner:latest\n' } },
        'spec.build.dockerfile',
        /line 2: FROM evil\/miner:latest is not in the allowlist/,
      ],
      [{ image: 'berth/busybox:test', build: { dockerfile: 'FROM berth/busybox:test' } }, 'spec.build', /not both/],
      [
        { build: { dockerfile: 'FROM berth/busybox:test', files: { '../../etc/passwd': 'x' } } },
        'spec.build.files',
        /relative/,
      ],
      [
        { image: 'berth/busybox:test', parameters: [{ name: 'cpus', kind: 'number', min: 4, max: 2, default: 3 }] },
        'spec.parameters.0',
        /between min and max/,
      ],
    ])('refuses %j naming %s', async (spec, field, message) => {
      const res = await admin.post('/templates', { name: uniqueName('refused'), spec });
      expect(res.status).toBe(400);
      const problem = typedBody(res, 'Problem');
      expect(problem.field?.startsWith(field)).toBe(true);
      expect(problem.detail).toMatch(message);
    });
  });
});
