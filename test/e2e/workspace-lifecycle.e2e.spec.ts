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
  volumesOf,
  waitFor,
} from '#testing';
import { testEnv } from '../setup/test-env.js';
import { EDITOR_VOLUME } from '#domain';
import { editorInstallDir } from '#runtime';

/**
 * The walking skeleton, end to end over HTTP against the real API, worker, Postgres, Redis and
 * Docker: an admin defines a template, a developer's workspace comes up hardened, its home volume
 * survives stop/start, restart and rebuild, another developer cannot see it, and delete cleans up.
 */
describe('workspace lifecycle (real Docker)', () => {
  let admin: ApiClient;
  let alice: ApiClient;
  let aliceId: string;
  let bob: ApiClient;
  let templateId: string;
  let workspaceId: string;

  const onlyContainer = async (): Promise<string> => {
    const found = await containersOf(workspaceId);
    expect(found).toHaveLength(1);
    return found[0]!.Id;
  };

  beforeAll(async () => {
    admin = await signIn(testAdmin.email, testAdmin.password);
    ({ client: alice, id: aliceId } = await createDeveloper(admin));
    ({ client: bob } = await createDeveloper(admin));
    const created = await admin.post('/templates', {
      name: uniqueName('busybox'),
      description: 'busybox for tests',
      spec: {
        image: 'berth/busybox:test',
        ports: [{ port: 8000, name: 'web' }],
        env: { GREETING: 'hello' },
        startScript: 'echo "started as $(id -u)" >> $HOME/.starts',
        resources: { cpus: 0.5, memoryMb: 256, pidsLimit: 128 },
      },
    });
    expect(created.status).toBe(201);
    templateId = typedBody(created, 'Template').id;
  });

  it('creates a workspace: 202 pending, then running with a hardened container and a prepared volume', async () => {
    const res = await alice.post('/workspaces', { name: 'main', templateId });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      name: 'main',
      ownerId: aliceId,
      templateId,
      templateVersion: 1,
      status: 'pending',
    });
    workspaceId = typedBody(res, 'Workspace').id;

    const running = await alice.waitForStatus(workspaceId, 'running');
    const ports = running.ports as { port: number; name: string; hostPort: number }[];
    expect(ports).toEqual([
      {
        port: 8000,
        name: 'web',
        hostPort: expect.any(Number) as number,
        url: expect.stringMatching(/^http:\/\/8000--[a-z0-9-]+--[a-z0-9-]+\.apps\.localhost:\d+\/$/) as string,
        share: 'owner',
      },
    ]);

    const info = await testDocker()
      .getContainer(await onlyContainer())
      .inspect();
    expect(info.Config.Labels).toMatchObject({
      'berth.managed': 'true',
      'berth.workspace.id': workspaceId,
      'berth.owner.id': aliceId,
    });
    expect(info.Config.User).toBe('1000:1000');
    expect(info.Config.Env).toContain('GREETING=hello');
    // Swarm (BERTH_TEST_RUNTIME=swarm): a 1.41 service spec cannot set no-new-privileges or bind
    // ports; the node default is probed instead (swarm-driver.e2e) and no port is bound on any host.
    const swarm = testEnv().BERTH_RUNTIME === 'swarm';
    if (!swarm) expect(info.HostConfig.SecurityOpt).toContain('no-new-privileges:true');
    expect(info.HostConfig.CapDrop).toEqual(['ALL']);
    expect(info.HostConfig.CapAdd ?? []).toEqual([]);
    expect(info.HostConfig.Privileged).toBe(false);
    expect(info.HostConfig.Init).toBe(true);
    expect(info.HostConfig.PidsLimit).toBe(128);
    expect(info.HostConfig.Memory).toBe(256 * 1024 * 1024);
    expect(info.HostConfig.NanoCpus).toBe(0.5e9);
    expect(info.HostConfig.Binds ?? []).toEqual([]);
    if (swarm) expect(info.HostConfig.PortBindings ?? {}).toEqual({});
    else {
      expect(info.HostConfig.PortBindings).toEqual({ '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] });
      expect(info.NetworkSettings.Ports['8000/tcp']?.[0]).toMatchObject({
        HostIp: '127.0.0.1',
        HostPort: String(ports[0]!.hostPort),
      });
    }
    // VS Code in the browser, read-only, when this machine has built it (scripts/code-server.sh).
    const editorMounts: unknown[] = editorInstallDir({ BERTH_CODE_SERVER_DIR: process.env.BERTH_CODE_SERVER_DIR })
      ? [expect.objectContaining({ Type: 'volume', Name: EDITOR_VOLUME, Destination: '/.berth-editor', RW: false })]
      : [];
    // In no particular order: the engine lists mounts as it keeps them.
    expect([...info.Mounts].sort((a, b) => a.Destination.localeCompare(b.Destination))).toEqual([
      // Berth's own static toolset, read-only (no host path: a volume the engine filled).
      expect.objectContaining({ Type: 'volume', Name: 'berth-tools-2', Destination: '/.berth', RW: false }),
      ...editorMounts,
      expect.objectContaining({ Type: 'volume', Name: `berth-ws-${workspaceId}-home`, Destination: '/home/dev' }),
    ]);
    const network = swarm ? `berth-ws-${workspaceId}-net` : testEnv().BERTH_WORKSPACE_NETWORK!;
    expect(Object.keys(info.NetworkSettings.Networks)).toEqual([network]);

    const volumes = await volumesOf(workspaceId);
    expect(volumes.map((v) => v.Name)).toEqual([`berth-ws-${workspaceId}-home`]);
    expect(volumes[0]!.Labels).toMatchObject({
      'berth.managed': 'true',
      'berth.workspace.id': workspaceId,
      'berth.owner.id': aliceId,
    });

    // The non-root template user owns its home on a fresh volume, and the start script ran as it.
    expect(await dockerExec(info.Id, ['sh', '-c', 'id -u; stat -c %u /home/dev; cat /home/dev/.starts'])).toBe(
      '1000\n1000\nstarted as 1000\n',
    );
  });

  it('keeps a file written into the home volume across stop/start, restart and rebuild', async () => {
    await dockerExec(await onlyContainer(), ['sh', '-c', 'echo precious > /home/dev/keep.txt']);

    const stop = await alice.post(`/workspaces/${workspaceId}/stop`);
    expect(stop.status).toBe(202);
    expect(stop.body).toMatchObject({ build: { kind: 'stop', workspaceId } });
    await alice.waitForStatus(workspaceId, 'stopped');
    expect(await containersOf(workspaceId)).toHaveLength(0); // containers are disposable
    expect(await volumesOf(workspaceId)).toHaveLength(1); // the volume is not

    expect((await alice.post(`/workspaces/${workspaceId}/start`)).status).toBe(202);
    await alice.waitForStatus(workspaceId, 'running');
    expect(await dockerExec(await onlyContainer(), ['cat', '/home/dev/keep.txt'])).toBe('precious\n');

    const beforeRestart = await onlyContainer();
    expect((await alice.post(`/workspaces/${workspaceId}/restart`)).status).toBe(202);
    await alice.waitForStatus(workspaceId, 'running');
    expect(await onlyContainer()).not.toBe(beforeRestart);
    expect(await dockerExec(await onlyContainer(), ['cat', '/home/dev/keep.txt'])).toBe('precious\n');

    const beforeRebuild = await onlyContainer();
    const rebuild = await alice.post(`/workspaces/${workspaceId}/rebuild`);
    expect(rebuild.status).toBe(202);
    await alice.waitForStatus(workspaceId, 'running');
    const rebuilt = await onlyContainer();
    expect(rebuilt).not.toBe(beforeRebuild);
    expect(await dockerExec(rebuilt, ['sh', '-c', 'cat /home/dev/keep.txt; wc -l < /home/dev/.starts'])).toBe(
      'precious\n4\n',
    );
  });

  it('records every transition as a build with stage timings and logs', async () => {
    const res = await alice.get(`/workspaces/${workspaceId}/builds`);
    expect(res.status).toBe(200);
    const builds = typedList(res, 'Build');
    expect(builds.map((b) => b.kind)).toEqual(['rebuild', 'restart', 'start', 'stop', 'start']);
    expect(builds.every((b) => b.status === 'succeeded')).toBe(true);
    expect(Object.keys(builds[0]!.stages).sort()).toEqual([
      'container',
      'image',
      'queue',
      'ready',
      'scripts',
      'stop',
      'volume',
    ]);

    const one = await alice.get(`/workspaces/${workspaceId}/builds/${builds[0]!.id}`);
    expect(one.status).toBe(200);
    const lines = (typedBody(one, 'Build').logs ?? []).map((l) => l.line);
    expect(lines).toEqual(expect.arrayContaining(['stage image: started', 'running startScript as 1000:1000']));
  });

  it('answers 404 to another developer for every route of the workspace, and hides it from their list', async () => {
    for (const [method, path] of [
      ['get', ''],
      ['get', '/builds'],
      ['post', '/start'],
      ['post', '/stop'],
      ['post', '/restart'],
      ['post', '/rebuild'],
      ['delete', ''],
    ] as const) {
      const res =
        method === 'get'
          ? await bob.get(`/workspaces/${workspaceId}${path}`)
          : method === 'post'
            ? await bob.post(`/workspaces/${workspaceId}${path}`)
            : await bob.delete(`/workspaces/${workspaceId}${path}`);
      expect({ route: `${method} ${path}`, status: res.status }).toEqual({ route: `${method} ${path}`, status: 404 });
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    expect(typedList(await bob.get('/workspaces'), 'Workspace')).toHaveLength(0);
    // An admin sees every workspace.
    expect(typedList(await admin.get('/workspaces'), 'Workspace').map((w) => w.id)).toContain(workspaceId);
    // Still running and untouched after all of Bob's attempts.
    expect((await alice.get(`/workspaces/${workspaceId}`)).body).toMatchObject({ status: 'running' });
  });

  it('refuses a transition that does not fit the state with 409, and repeats of one in flight return the same build', async () => {
    const conflict = await alice.post(`/workspaces/${workspaceId}/start`);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      status: 409,
      detail: 'cannot start a workspace that is running',
      workspaceStatus: 'running',
    });

    expect((await alice.post(`/workspaces/${workspaceId}/stop`)).status).toBe(202);
    await alice.waitForStatus(workspaceId, 'stopped');
    const stopped = await alice.post(`/workspaces/${workspaceId}/stop`);
    expect(stopped.status).toBe(409);
    expect(stopped.body).toMatchObject({ detail: 'cannot stop a workspace that is stopped' });
  });

  it('while a start is held in flight: the same request returns its build; stop and delete answer 409', async () => {
    // The start script waits for a file the test writes: the build is in flight for as long as the
    // test needs, whatever the machine's load, and ends when the test says so.
    const gated = typedBody(
      await admin.post('/templates', {
        name: uniqueName('gated'),
        spec: {
          image: 'berth/busybox:test',
          startScript: 'echo waiting; while [ ! -f ~/go ]; do sleep 0.2; done',
          resources: { cpus: 0.25, memoryMb: 128 },
        },
      }),
      'Template',
    ).id;
    const { id } = typedBody(
      await alice.post('/workspaces', { name: uniqueName('gated'), templateId: gated }),
      'Workspace',
    );
    const [build] = await waitFor(
      async () => typedList(await alice.get(`/workspaces/${id}/builds`), 'Build'),
      (b) => b[0]?.status === 'running',
      'the start build to run',
    );
    await waitFor(
      async () => typedBody(await alice.get(`/workspaces/${id}/builds/${build!.id}`), 'Build'),
      (b) => (b.logs ?? []).some((l) => l.line === 'waiting'),
      'the start script to wait',
    );

    const repeated = await alice.post(`/workspaces/${id}/start`);
    expect(repeated.status).toBe(202);
    expect(typedBody(repeated, 'BuildAccepted').build.id).toBe(build!.id);
    const stop = await alice.post(`/workspaces/${id}/stop`);
    expect(stop.status).toBe(409);
    expect(stop.body).toMatchObject({ detail: 'a start is in progress for this workspace', activeBuildId: build!.id });
    const del = await alice.delete(`/workspaces/${id}`);
    expect(del.status).toBe(409);
    expect(del.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(del.body).toMatchObject({ status: 409, activeBuildId: build!.id });
    // Nothing was touched: still starting, the one build, container and volume in place.
    expect((await alice.get(`/workspaces/${id}`)).body).toMatchObject({ status: 'starting' });
    expect(typedList(await alice.get(`/workspaces/${id}/builds`), 'Build')).toHaveLength(1);
    expect(await volumesOf(id)).toHaveLength(1);

    await dockerExec((await containersOf(id))[0]!.Id, ['touch', '/home/dev/go']);
    await alice.waitForStatus(id, 'running');
    expect((await alice.delete(`/workspaces/${id}`)).status).toBe(202);
    await alice.waitForGone(id);
  });

  it('deletes the workspace: container removed, volume kept in the trash, then GET answers 404', async () => {
    const res = await alice.delete(`/workspaces/${workspaceId}`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ build: { kind: 'delete' } });
    await alice.waitForGone(workspaceId);
    expect(await containersOf(workspaceId)).toHaveLength(0);
    // Only a purge or the trash's expiry removes a volume (test/e2e/trash.e2e.spec.ts).
    expect(await volumesOf(workspaceId)).toHaveLength(1);
    // The name is free again.
    const again = await alice.post('/workspaces', { name: 'main', templateId });
    expect(again.status).toBe(202);
    const { id } = typedBody(again, 'Workspace');
    await alice.waitForStatus(id, 'running');
    await alice.delete(`/workspaces/${id}`);
    await alice.waitForGone(id);
  });
});
