import {
  ApiClient,
  containersOf,
  createDeveloper,
  dockerExec,
  signIn,
  testAdmin,
  testDocker,
  uniqueName,
  waitFor,
} from '#testing';

interface VersionView {
  version: number;
  status: string;
  imageId: string | null;
  imageDigest: string | null;
  imageRef: string | null;
  buildError: string | null;
  logs?: { line: string }[];
}

const dockerfile = (version: string): string =>
  [
    'FROM berth/busybox:test',
    'ARG GREETING',
    `RUN echo "building $GREETING ${version}" && mkdir -p /opt/tool && echo ${version} > /opt/tool/version`,
    'COPY motd /etc/motd',
    '',
  ].join('\n');

/**
 * Versioned templates against real Docker: a Dockerfile version is built by the worker with its log
 * and pinned image; a second version is promoted; an existing workspace shows as outdated, the
 * rollout dry-run lists it, and updating it recreates the container while its home file survives.
 */
describe('template versions and rollout (real Docker)', () => {
  // A fresh build argument per run, so the builder's cache cannot hide the RUN step's output.
  const nonce = uniqueName('n');
  let admin: ApiClient;
  let dev: ApiClient;
  let templateId: string;
  let workspaceId: string;

  const version = (n: number): Promise<VersionView> =>
    admin.get(`/templates/${templateId}/versions/${n}`).then((r) => r.body as VersionView);
  const settled = (n: number): Promise<VersionView> =>
    waitFor(
      () => version(n),
      (v) => v.status === 'ready' || v.status === 'failed',
      `version ${n} to build`,
      120_000,
      250,
    );
  const onlyContainer = async (): Promise<string> => {
    const found = await containersOf(workspaceId);
    expect(found).toHaveLength(1);
    return found[0]!.Id;
  };

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: dev } = await createDeveloper(admin));
  });

  it('builds a Dockerfile version as a job, with its log, and pins the image', async () => {
    const res = await admin.post('/templates', {
      name: uniqueName('built'),
      message: 'first cut',
      spec: {
        build: { dockerfile: dockerfile('v1'), files: { motd: 'welcome to v1\n' }, args: { GREETING: nonce } },
        env: { STAGE: 'one' },
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      activeVersion: 1,
      active: { version: 1, status: 'pending', message: 'first cut' },
    });
    templateId = (res.body as { id: string }).id;

    const v1 = await settled(1);
    expect(v1).toMatchObject({ status: 'ready', buildError: null });
    expect(v1.imageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(v1.imageDigest).toBe(v1.imageId); // built locally: its id is its digest
    expect(v1.imageRef).toBe(`berth-template/${templateId}:v1`);
    expect(v1.logs?.map((l) => l.line)).toEqual(expect.arrayContaining([`building ${nonce} v1`]));
    expect((await testDocker().getImage(`berth-template/${templateId}:v1`).inspect()).Id).toBe(v1.imageId);
  });

  it('runs workspaces from the pinned image', async () => {
    const res = await dev.post('/workspaces', { name: uniqueName('tv'), templateId });
    workspaceId = (res.body as { id: string }).id;
    await dev.waitForStatus(workspaceId, 'running');
    const info = await testDocker()
      .getContainer(await onlyContainer())
      .inspect();
    expect(info.Image).toBe((await version(1)).imageId);
    expect(
      await dockerExec(info.Id, ['sh', '-c', 'cat /opt/tool/version /etc/motd; echo keep > /home/dev/keep.txt']),
    ).toBe('v1\nwelcome to v1\n');
    expect((await dev.get(`/workspaces/${workspaceId}`)).body).toMatchObject({ templateVersion: 1, outdated: false });
  });

  it('refuses to promote a version that failed to build, and records why', async () => {
    const res = await admin.post(`/templates/${templateId}/versions`, {
      spec: { build: { dockerfile: 'FROM berth/busybox:test\nRUN echo about to fail && exit 3\n' } },
      message: 'broken',
    });
    expect(res.status).toBe(201);
    const broken = await settled((res.body as VersionView).version);
    expect(broken.status).toBe('failed');
    expect(broken.buildError).toMatch(/image build failed: .*returned a non-zero code: 3/);
    expect(broken.logs?.map((l) => l.line)).toEqual(expect.arrayContaining(['about to fail']));
    const promote = await admin.post(`/templates/${templateId}/versions/${broken.version}/promote`);
    expect(promote.status).toBe(409);
    expect(promote.body).toMatchObject({ versionStatus: 'failed' });
  });

  it('a promoted version marks the workspace outdated; the dry-run lists what an update would change', async () => {
    const res = await admin.post(`/templates/${templateId}/versions`, {
      spec: {
        build: { dockerfile: dockerfile('v2'), files: { motd: 'welcome to v2\n' }, args: { GREETING: 'again' } },
        env: { STAGE: 'two', EXTRA: 'yes' },
        ports: [{ port: 8080, name: 'web' }],
      },
      message: 'v2: new tool, a port',
    });
    const v = (res.body as VersionView).version;
    expect(v).toBe(3);
    expect((await settled(v)).status).toBe('ready');
    expect((await dev.get(`/workspaces/${workspaceId}`)).body).toMatchObject({ outdated: false }); // not promoted yet
    const promoted = await admin.post(`/templates/${templateId}/versions/${v}/promote`);
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ activeVersion: v });
    expect((await dev.get(`/workspaces/${workspaceId}`)).body).toMatchObject({ templateVersion: 1, outdated: true });

    const impact = await admin.get(`/templates/${templateId}/versions/${v}/impact`);
    expect(impact.status).toBe(200);
    expect(impact.body).toMatchObject({
      version: v,
      workspaces: [
        {
          workspaceId,
          fromVersion: 1,
          changes: {
            containerRecreated: true,
            volumeKept: true,
            image: { from: (await version(1)).imageId, to: (await version(v)).imageId },
            env: { added: ['EXTRA'], removed: [], changed: ['STAGE'] },
            ports: { added: [8080], removed: [] },
          },
        },
      ],
    });
    expect((await dev.get(`/templates/${templateId}/versions/${v}/impact`)).status).toBe(403);
  });

  it('update recreates the container from the promoted version and keeps the home volume', async () => {
    const before = await onlyContainer();
    const res = await dev.post(`/workspaces/${workspaceId}/update`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ build: { kind: 'update', templateVersion: 3 } });
    await dev.waitForStatus(workspaceId, 'running');
    const after = await onlyContainer();
    expect(after).not.toBe(before);
    expect((await testDocker().getContainer(after).inspect()).Image).toBe((await version(3)).imageId);
    expect(await dockerExec(after, ['sh', '-c', 'cat /opt/tool/version /home/dev/keep.txt; echo $STAGE $EXTRA'])).toBe(
      'v2\nkeep\ntwo yes\n',
    );
    expect((await dev.get(`/workspaces/${workspaceId}`)).body).toMatchObject({
      templateVersion: 3,
      outdated: false,
      ports: [{ port: 8080, name: 'web' }],
    });
    expect((await dev.post(`/workspaces/${workspaceId}/update`)).status).toBe(409);
  });

  it('archiving hides the template from the catalogue; its workspaces keep working', async () => {
    expect((await admin.delete(`/templates/${templateId}`)).status).toBe(204);
    expect(((await dev.get('/templates')).body as { id: string }[]).map((t) => t.id)).not.toContain(templateId);
    expect((await dev.post('/workspaces', { name: uniqueName('late'), templateId })).status).toBe(400);
    expect((await dev.post(`/workspaces/${workspaceId}/restart`)).status).toBe(202);
    await dev.waitForStatus(workspaceId, 'running');
    await dev.delete(`/workspaces/${workspaceId}`);
    await dev.waitForGone(workspaceId);
  });
});
